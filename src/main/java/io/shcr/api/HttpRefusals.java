package io.shcr.api;

import io.shcr.core.ApiError;
import java.util.Collection;

/**
 * The refusals the HTTP layer makes before any capability sees a request (malformed requests,
 * unknown routes, wrong methods, media types the route does not serve, bodies or headers too big),
 * each with its stable code. The messages are fixed text: they never echo what the client sent.
 */
public final class HttpRefusals {

  private HttpRefusals() {}

  public static final String BAD_REQUEST = "BAD_REQUEST";
  public static final String UNSUPPORTED_HTTP_VERSION = "UNSUPPORTED_HTTP_VERSION";

  /** The refusal for a status the HTTP server or router produced itself. */
  public static ApiError forStatus(int status) {
    return switch (status) {
      case 400 -> badRequest();
      case 401 -> ApiError.unauthorised("Authentication failed: send the CIS2 ID token as 'Authorization: Bearer <token>'.");
      case 403 -> ApiError.forbidden("ACCESS_DENIED", "This request is not allowed.");
      case 404 -> notFound();
      case 405 -> new ApiError(405, "METHOD_NOT_ALLOWED", "This endpoint does not accept that method: the Allow header lists those it does.");
      case 406 -> new ApiError(406, "NOT_ACCEPTABLE", "This endpoint cannot answer in a media type the Accept header allows: "
          + "see docs/api.md for what each endpoint serves (JSON, FHIR JSON or an event stream).");
      case 413 -> new ApiError(413, "PAYLOAD_TOO_LARGE", "The request body is larger than this endpoint accepts.");
      case 414 -> new ApiError(414, "URI_TOO_LONG", "The request line is longer than the service accepts.");
      case 415 -> unsupportedMediaType();
      case 431 -> new ApiError(431, "HEADERS_TOO_LARGE", "The request's headers are larger than the service accepts.");
      default -> status >= 500 ? internal()
          : new ApiError(status >= 400 && status < 500 ? status : 400, BAD_REQUEST, "The request was refused.");
    };
  }

  public static ApiError badRequest() {
    return new ApiError(400, BAD_REQUEST, "The request is not valid HTTP, or its path is not valid percent-encoding.");
  }

  public static ApiError unparseableQuery() {
    return new ApiError(400, "INVALID_PARAMETER", "The query string is not valid: every '%' must start a percent-encoded "
        + "UTF-8 byte such as %20.");
  }

  /** What the audit records when the client closed the connection before its request was complete. */
  public static ApiError connectionClosed() {
    return new ApiError(400, "CONNECTION_CLOSED", "The connection closed before the request was complete.");
  }

  public static ApiError unsupportedVersion() {
    return new ApiError(400, UNSUPPORTED_HTTP_VERSION, "Only HTTP/1.1 (and HTTP/1.0) requests are served.");
  }

  public static ApiError notFound() {
    return new ApiError(404, "NOT_FOUND", "No such endpoint: see docs/api.md.");
  }

  public static ApiError unsupportedMediaType() {
    return new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as JSON, with 'Content-Type: application/json'.");
  }

  public static ApiError methodNotAllowed(Collection<String> allowed) {
    return forStatus(405).withHeader("Allow", String.join(", ", allowed));
  }

  public static ApiError internal() {
    return new ApiError(500, "INTERNAL_SERVER_ERROR", "Something went wrong on our side; nothing was shown. Quote the request id to support.");
  }
}
