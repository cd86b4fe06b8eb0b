package io.shcr.api;

import io.shcr.access.AccessGate;
import io.shcr.access.Authenticator;
import io.shcr.audit.AuditTrail;
import io.shcr.health.Readiness;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the service is assembled from. {@code io.shcr.server.Wiring} builds it from configuration; tests build it
 * directly with fakes where a capability is not under test.
 *
 * @param sources the participating sources
 * @param privacy the privacy filter every resource passes
 * @param access the access decision made before any fan-out
 * @param authenticator who is asking, for routes outside the record API
 * @param audit the audit trail written before any data flows
 * @param extraRoutes routes other capabilities add (break-glass, privacy officer, ...)
 * @param onClose released when the server stops (stores, clients)
 * @param readiness what {@code /health/ready} checks (audit store, signing keys, Spine)
 * @param faces other faces of the record pipeline ({@code /fhir})
 * @param resumeKey signs and checks the resume tokens of record streams (the same on every node of a cluster)
 */
public record Components(
    SourceRegistry sources,
    PrivacyFilter privacy,
    AccessGate access,
    Authenticator authenticator,
    AuditTrail audit,
    List<ApiRoutes> extraRoutes,
    Supplier<Future<Void>> onClose,
    Readiness readiness,
    List<RecordFace> faces,
    io.shcr.resume.ResumeKey resumeKey) {

  /** Components whose resume tokens only this process accepts (a single node, tests). */
  public Components(SourceRegistry sources, PrivacyFilter privacy, AccessGate access, Authenticator authenticator, AuditTrail audit,
      List<ApiRoutes> extraRoutes, Supplier<Future<Void>> onClose, Readiness readiness, List<RecordFace> faces) {
    this(sources, privacy, access, authenticator, audit, extraRoutes, onClose, readiness, faces,
        io.shcr.resume.ResumeKey.processLocal());
  }

  /** Components with no other face of the record pipeline. */
  public Components(SourceRegistry sources, PrivacyFilter privacy, AccessGate access, Authenticator authenticator, AuditTrail audit,
      List<ApiRoutes> extraRoutes, Supplier<Future<Void>> onClose, Readiness readiness) {
    this(sources, privacy, access, authenticator, audit, extraRoutes, onClose, readiness, List.of());
  }

  /** Components with nothing for readiness to check (tests that wire fakes). */
  public Components(SourceRegistry sources, PrivacyFilter privacy, AccessGate access, Authenticator authenticator, AuditTrail audit,
      List<ApiRoutes> extraRoutes, Supplier<Future<Void>> onClose) {
    this(sources, privacy, access, authenticator, audit, extraRoutes, onClose, Readiness.none());
  }

  /** The same components with more routes (cluster operations, ...). */
  public Components withRoutes(List<ApiRoutes> more) {
    List<ApiRoutes> all = new java.util.ArrayList<>(extraRoutes);
    all.addAll(more);
    return new Components(sources, privacy, access, authenticator, audit, List.copyOf(all), onClose, readiness, faces, resumeKey);
  }

  /** The same components with these faces of the record pipeline. */
  public Components withFaces(List<RecordFace> more) {
    List<RecordFace> all = new java.util.ArrayList<>(faces);
    all.addAll(more);
    return new Components(sources, privacy, access, authenticator, audit, extraRoutes, onClose, readiness, List.copyOf(all),
        resumeKey);
  }

  /** The same components signing resume tokens with this key (every node of a cluster derives the same). */
  public Components withResumeKey(io.shcr.resume.ResumeKey key) {
    return new Components(sources, privacy, access, authenticator, audit, extraRoutes, onClose, readiness, faces, key);
  }
}
