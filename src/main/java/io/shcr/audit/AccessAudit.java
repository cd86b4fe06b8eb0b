package io.shcr.audit;

import io.shcr.core.Principal;
import java.time.Instant;
import java.util.List;

/**
 * What is recorded when a request is decided: the record and break-glass APIs' decisions, the
 * privacy officer's own calls, and every refusal the service writes. Identifiers and facts only;
 * never clinical content.
 *
 * @param requestId the request's id
 * @param time when it was decided
 * @param principal who asked, or null when nobody could be identified (no valid token)
 * @param action what was asked: {@code record.view}, {@code break-glass}, {@code audit.search},
 *     {@code sources.list}, {@code request} (a route that does not exist, or is not one of these), ...
 * @param nhsNumber the patient (the digits; audit is the one place that must hold them)
 * @param purpose {@code direct-care}, {@code emergency}, {@code audit}, or null
 * @param breakGlassReason the break-glass reason code, or null
 * @param sectionsRequested section names requested (after role views)
 * @param sourcesAsked source ids the fan-out will ask
 * @param outcome {@code allowed}; {@code conditional} (allowed only if the user's own organisation's
 *     source knows the patient: the view's outcome record says whether it did); {@code refused}; or
 *     {@code failed} (our fault)
 * @param refusalCode the refusal's stable code, or null
 * @param clientAddress the caller's address
 * @param userAgent the caller's user agent (sanitised when recorded)
 * @param request how the request arrived (method, sanitised path, query parameter names), or null
 * @param justification a break-glass justification: the user's own words, sanitised and bounded,
 *     shown to privacy officers only; null otherwise
 * @param summary set on a record that counts many unattributed refusals instead of one
 * @param resumes for a resumed record stream, the request id of the view it continues; null otherwise
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
    String userAgent,
    RequestFacts request,
    String justification,
    RefusalSummary summary,
    String resumes) {

  public static final String ALLOWED = "allowed";
  public static final String CONDITIONAL = "conditional";
  public static final String REFUSED = "refused";
  public static final String FAILED = "failed";

  /** A record without request facts, justification or summary. */
  public AccessAudit(String requestId, Instant time, Principal principal, String action, String nhsNumber, String purpose,
      String breakGlassReason, List<String> sectionsRequested, List<String> sourcesAsked, String outcome, String refusalCode,
      String clientAddress, String userAgent) {
    this(requestId, time, principal, action, nhsNumber, purpose, breakGlassReason, sectionsRequested, sourcesAsked, outcome,
        refusalCode, clientAddress, userAgent, null, null, null, null);
  }

  /** A record that resumes no view. */
  public AccessAudit(String requestId, Instant time, Principal principal, String action, String nhsNumber, String purpose,
      String breakGlassReason, List<String> sectionsRequested, List<String> sourcesAsked, String outcome, String refusalCode,
      String clientAddress, String userAgent, RequestFacts request, String justification, RefusalSummary summary) {
    this(requestId, time, principal, action, nhsNumber, purpose, breakGlassReason, sectionsRequested, sourcesAsked, outcome,
        refusalCode, clientAddress, userAgent, request, justification, summary, null);
  }

  /** The same record, naming the view (its first request id) this request resumes. */
  public AccessAudit withResumes(String viewRequestId) {
    return new AccessAudit(requestId, time, principal, action, nhsNumber, purpose, breakGlassReason, sectionsRequested,
        sourcesAsked, outcome, refusalCode, clientAddress, userAgent, request, justification, summary, viewRequestId);
  }

  public AccessAudit withRequest(RequestFacts facts) {
    return new AccessAudit(requestId, time, principal, action, nhsNumber, purpose, breakGlassReason, sectionsRequested,
        sourcesAsked, outcome, refusalCode, clientAddress, userAgent, facts, justification, summary, resumes);
  }

  public AccessAudit withJustification(String text) {
    return new AccessAudit(requestId, time, principal, action, nhsNumber, purpose, breakGlassReason, sectionsRequested,
        sourcesAsked, outcome, refusalCode, clientAddress, userAgent, request, text, summary, resumes);
  }

  public AccessAudit withSummary(RefusalSummary counted) {
    return new AccessAudit(requestId, time, principal, action, nhsNumber, purpose, breakGlassReason, sectionsRequested,
        sourcesAsked, outcome, refusalCode, clientAddress, userAgent, request, justification, counted, resumes);
  }

  /** A refusal nobody could be identified for: what {@link UnattributedRefusals} limits. */
  public boolean unattributedRefusal() {
    return principal == null && REFUSED.equals(outcome);
  }

  /** Records print without the justification, so it can never reach a log through a toString. */
  @Override
  public String toString() {
    return "AccessAudit[requestId=" + requestId + ", action=" + action + ", outcome=" + outcome + ", refusalCode=" + refusalCode
        + (justification == null ? "" : ", justification=(kept, " + justification.length() + " characters)") + "]";
  }
}
