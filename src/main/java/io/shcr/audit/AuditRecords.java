package io.shcr.audit;

import io.shcr.core.Principal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns what the service reports (an {@link AccessAudit}, a {@link ViewOutcome}, a privacy officer's
 * acknowledgement) into the facts an {@link AuditEntry} carries, and decides which are alerts: a
 * break-glass access, a throttling refusal and tampered cluster state ({@code cluster-integrity}) are
 * {@code high} severity, for the privacy officer.
 * Every field is copied; nothing clinical is ever handed to audit, so nothing clinical can leave here.
 */
public final class AuditRecords {

  public static final String BREAK_GLASS = "break-glass";
  public static final String THROTTLED = "THROTTLED";
  /** The action of an alert about shared (cluster) state that failed its integrity check. */
  public static final String CLUSTER_INTEGRITY = "cluster-integrity";

  private AuditRecords() {}

  /** Longest user agent kept. */
  static final int MAX_USER_AGENT = 200;

  public static JsonObject access(AccessAudit access) {
    JsonObject data = new JsonObject()
        .put("requestId", access.requestId())
        .put("decidedAt", access.time() == null ? null : access.time().toString())
        .put("principal", principal(access.principal()))
        .put("action", access.action())
        .put("nhsNumber", access.nhsNumber())
        .put("purpose", access.purpose())
        .put("breakGlassReason", access.breakGlassReason())
        .put("sectionsRequested", list(access.sectionsRequested()))
        .put("sourcesAsked", list(access.sourcesAsked()))
        .put("outcome", access.outcome())
        .put("refusalCode", access.refusalCode())
        .put("clientAddress", access.clientAddress())
        .put("userAgent", AuditText.ascii(access.userAgent(), MAX_USER_AGENT));
    // Present only when set, so the records the service wrote before these facts existed keep their shape.
    if (access.request() != null) {
      data.put("request", request(access.request()));
    }
    if (access.justification() != null) {
      data.put("justification", access.justification());
    }
    if (access.summary() != null) {
      data.put("summary", summary(access.summary()));
    }
    if (access.resumes() != null) {
      data.put("resumes", access.resumes());
    }
    return data;
  }

  private static JsonObject request(RequestFacts facts) {
    JsonObject json = new JsonObject().put("method", facts.method()).put("path", facts.path()).put("query", facts.query());
    if (facts.traceId() != null) {
      json.put("traceId", facts.traceId());
    }
    return facts.status() > 0 ? json.put("status", facts.status()) : json;
  }

  private static JsonObject summary(RefusalSummary summary) {
    return new JsonObject()
        .put("count", summary.count())
        .put("from", summary.from().toString())
        .put("to", summary.to().toString())
        .put("clients", new JsonObject(new TreeMap<>(summary.clients())))
        .put("distinctClients", summary.distinctClients())
        .put("samplePaths", new JsonArray(List.copyOf(summary.samplePaths())));
  }

  public static String severity(AccessAudit access) {
    return isAlert(access.action(), access.refusalCode()) ? AuditEntry.HIGH : AuditEntry.NORMAL;
  }

  public static boolean isAlert(String action, String refusalCode) {
    return BREAK_GLASS.equals(action) || CLUSTER_INTEGRITY.equals(action) || THROTTLED.equals(refusalCode);
  }

  public static JsonObject outcome(AuditReceipt receipt, ViewOutcome outcome) {
    Map<String, Object> statuses = new TreeMap<>(outcome.sourceStatuses() == null ? Map.of() : outcome.sourceStatuses());
    JsonObject json = new JsonObject()
        .put("accessSequence", receipt.sequence())
        .put("outcome", outcome.outcome())
        .put("sourceStatuses", new JsonObject(statuses))
        .put("resourcesDelivered", outcome.resourcesDelivered())
        .put("resourcesWithheld", outcome.resourcesWithheld())
        .put("elapsedMs", outcome.elapsedMs());
    if (outcome.refusalCode() != null) {
      json.put("refusalCode", outcome.refusalCode());
    }
    return json;
  }

  public static JsonObject acknowledgement(long alertSequence, Principal by, String note) {
    return new JsonObject().put("alertSequence", alertSequence).put("principal", principal(by)).put("note", note);
  }

  public static JsonObject principal(Principal principal) {
    if (principal == null) {
      return null;
    }
    return new JsonObject()
        .put("userId", principal.userId())
        .put("name", principal.name())
        .put("roleProfileId", principal.roleProfileId())
        .put("jobRole", principal.jobRole())
        .put("organisation", principal.organisation())
        .put("activityCodes", principal.activityCodes() == null ? null : list(principal.activityCodes().stream().sorted().toList()))
        .put("patientContext", principal.patientContext());
  }

  private static JsonArray list(List<String> values) {
    return values == null ? null : new JsonArray(List.copyOf(values));
  }
}
