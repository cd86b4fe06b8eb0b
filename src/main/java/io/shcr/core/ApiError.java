package io.shcr.core;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A refusal or failure the API reports: an HTTP status and a stable GP Connect style {@link ErrorCode}
 * (INVALID_NHS_NUMBER, NO_RELATIONSHIP, ...), rendered as a FHIR OperationOutcome. The message says
 * what the caller can do about it; it never carries clinical content.
 */
public record ApiError(int status, String code, String message, Map<String, String> headers) {

  public static final String CODE_SYSTEM = "https://fhir.nhs.uk/CodeSystem/Spine-ErrorOrWarningCode";

  /** Only the codes of {@link ErrorCode} (docs/api.md); build one with {@link ErrorCode#error}. */
  public ApiError {
    ErrorCode.valueOf(code);
    headers = Map.copyOf(headers);
  }

  ApiError(int status, String code, String message) {
    this(status, code, message, Map.of());
  }

  /** The same error with a header added (Retry-After, Allow, WWW-Authenticate, ...). */
  public ApiError withHeader(String name, String value) {
    var copy = new java.util.HashMap<>(headers);
    copy.put(name, value);
    return new ApiError(status, code, message, Map.copyOf(copy));
  }

  /** The OperationOutcome body, with the request id so a user can quote it to support. */
  public JsonObject toJson(String requestId) {
    JsonObject details = new JsonObject()
        .put("coding", new JsonArray().add(new JsonObject().put("system", CODE_SYSTEM).put("code", code)))
        .put("text", message);
    JsonObject issue = new JsonObject()
        .put("severity", "error")
        .put("code", issueType())
        .put("details", details)
        .put("diagnostics", message);
    JsonObject outcome = new JsonObject().put("resourceType", "OperationOutcome").put("issue", new JsonArray().add(issue));
    if (requestId != null) {
      outcome.put("id", requestId);
    }
    return outcome;
  }

  /** The FHIR issue type (http://hl7.org/fhir/issue-type) that goes with the status. */
  private String issueType() {
    return switch (status) {
      case 400, 422 -> "invalid";
      case 401 -> "login";
      case 403 -> "forbidden";
      case 404 -> "not-found";
      case 405, 406, 415 -> "not-supported";
      case 413, 414, 431 -> "too-long";
      case 429 -> "throttled";
      case 503 -> "transient";
      default -> "exception";
    };
  }
}
