package io.shcr.audit;

import io.shcr.access.Principal;
import java.time.Instant;
import java.util.List;

/**
 * What is recorded when a request to the record or break-glass API is decided. Identifiers and
 * facts only; never clinical content.
 *
 * @param requestId the request's id
 * @param time when it was decided
 * @param principal who asked, or null when authentication failed
 * @param action what was asked: {@code record.view}, {@code break-glass}, ...
 * @param nhsNumber the patient (the digits; audit is the one place that must hold them)
 * @param purpose {@code direct-care} or {@code emergency}
 * @param breakGlassReason the break-glass reason code, or null
 * @param sectionsRequested section names requested (after role views)
 * @param sourcesAsked source ids the fan-out will ask
 * @param outcome {@code allowed}, {@code refused} or {@code failed}
 * @param refusalCode the refusal's stable code, or null
 * @param clientAddress the caller's address
 * @param userAgent the caller's user agent
 */
public record AccessAudit(
    String requestId,
    Instant time,
    Principal principal,
    String action,
    String nhsNumber,
    String purpose,
    String breakGlassReason,
    List<String> sectionsRequested,
    List<String> sourcesAsked,
    String outcome,
    String refusalCode,
    String clientAddress,
    String userAgent) {}
