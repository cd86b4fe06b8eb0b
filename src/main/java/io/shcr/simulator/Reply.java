package io.shcr.simulator;

import io.vertx.core.json.JsonObject;

/**
 * What a simulated endpoint answers before faults and latency are applied.
 *
 * @param status the HTTP status
 * @param body the FHIR JSON body (a resource, Bundle or OperationOutcome)
 */
public record Reply(int status, JsonObject body) {

  public static Reply ok(JsonObject body) {
    return new Reply(200, body);
  }

  /** An OperationOutcome error; {@code spineCode} may be null for plain FHIR servers. */
  public static Reply error(int status, String issueCode, String spineCode, String diagnostics) {
    return new Reply(status, Fhir.outcome("error", issueCode, spineCode, diagnostics));
  }
}
