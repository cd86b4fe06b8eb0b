package io.shcr.core;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.UUID;

/**
 * Sends an {@link ApiError} as the whole response, the one error contract of every response the
 * server writes: the status, {@code Content-Type: application/fhir+json}, {@code Cache-Control:
 * no-store}, {@code X-Request-Id} (the server's own id, never one the client sent), the error's own
 * headers (Retry-After, Allow, ...), a {@code WWW-Authenticate} challenge on every 401 that does not
 * bring its own, and the OperationOutcome body.
 */
public final class ErrorResponses {

  public static final String REQUEST_ID = "X-Request-Id";
  /** RFC 6750: the challenge for a request whose token is missing or was refused. */
  public static final String DEFAULT_CHALLENGE = "Bearer realm=\"shcr\", error=\"invalid_token\"";

  private ErrorResponses() {}

  public static Future<Void> send(HttpServerResponse response, ApiError error, String requestId) {
    if (response.headWritten() || response.closed()) {
      return Future.succeededFuture();
    }
    String id = requestId != null ? requestId : response.headers().get(REQUEST_ID);
    if (id == null) {
      id = UUID.randomUUID().toString();
    }
    response.setStatusCode(error.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/fhir+json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader(REQUEST_ID, id);
    if (error.status() == 401 && error.headers().keySet().stream().noneMatch("WWW-Authenticate"::equalsIgnoreCase)) {
      response.putHeader("WWW-Authenticate", DEFAULT_CHALLENGE);
    }
    error.headers().forEach(response::putHeader);
    return response.end(error.toJson(id).encode());
  }
}
