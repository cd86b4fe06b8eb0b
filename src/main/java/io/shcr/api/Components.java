package io.shcr.api;

import io.shcr.access.AccessGate;
import io.shcr.audit.AuditTrail;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.sources.SourceRegistry;
import java.util.List;

/**
 * What the service is assembled from. {@link Wiring} builds it from configuration; tests build it
 * directly with fakes where a capability is not under test.
 *
 * @param sources the participating sources
 * @param privacy the privacy filter every resource passes
 * @param access the access decision made before any fan-out
 * @param audit the audit trail written before any data flows
 * @param extraRoutes routes other capabilities add (break-glass, privacy officer, ...)
 * @param onClose released when the server stops (stores, clients)
 */
public record Components(
    SourceRegistry sources,
    PrivacyFilter privacy,
    AccessGate access,
    AuditTrail audit,
    List<ApiRoutes> extraRoutes,
    Runnable onClose) {}
