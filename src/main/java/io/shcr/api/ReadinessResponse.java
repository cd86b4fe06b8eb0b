package io.shcr.api;

import io.shcr.core.ApiError;
import io.shcr.health.Readiness;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code /health/ready} as HTTP: 200 with each check's status when all pass; otherwise 503 with a FHIR
 * OperationOutcome, one issue per failed check, coded {@code NOT_READY} and naming the check (a second
 * coding, system {@value #CHECK_SYSTEM}), so a load balancer stops sending and an operator sees which.
 */
final class ReadinessResponse {

  static final String CHECK_SYSTEM = "urn:shcr:readiness-check";

  private ReadinessResponse() {}

  static void send(HttpServerResponse response, Readiness.Report report, int sources, String requestId) {
    if (response.closed() || response.ended()) {
      return;
    }
    if (report.ready()) {
      JsonObject checks = new JsonObject();
      report.results().forEach(r -> checks.put(r.name(), "UP"));
      response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(new JsonObject().put("status", "UP").put("checks", checks).put("sources", sources).encode());
      return;
    }
    response.setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "application/fhir+json")
        .end(outcome(report, requestId).encode());
  }

  static JsonObject outcome(Readiness.Report report, String requestId) {
    JsonArray issues = new JsonArray();
    for (Readiness.Result failed : report.failed()) {
      String text = failed.name() + ": " + failed.reason();
      issues.add(new JsonObject()
          .put("severity", "error")
          .put("code", "transient")
          .put("details", new JsonObject()
              .put("coding", new JsonArray()
                  .add(new JsonObject().put("system", ApiError.CODE_SYSTEM).put("code", "NOT_READY"))
                  .add(new JsonObject().put("system", CHECK_SYSTEM).put("code", failed.name())))
              .put("text", text))
          .put("diagnostics", "Not ready: " + text));
    }
    JsonObject outcome = new JsonObject().put("resourceType", "OperationOutcome").put("issue", issues);
    if (requestId != null) {
      outcome.put("id", requestId);
    }
    return outcome;
  }
}
