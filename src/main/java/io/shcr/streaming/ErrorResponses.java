package io.shcr.streaming;

import io.shcr.api.ApiError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/** Sends an {@link ApiError} as the whole response: status, headers, OperationOutcome body. */
public final class ErrorResponses {

  private ErrorResponses() {}

  public static void send(HttpServerResponse response, ApiError error, String requestId) {
    if (response.headWritten() || response.closed()) {
      return;
    }
    if (requestId == null) {
      requestId = response.headers().get("X-Request-Id");
    }
    response.setStatusCode(error.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/fhir+json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    if (requestId != null) {
      response.putHeader("X-Request-Id", requestId);
    }
    error.headers().forEach(response::putHeader);
    response.end(error.toJson(requestId).encode());
  }
}
