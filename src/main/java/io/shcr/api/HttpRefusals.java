package io.shcr.api;

import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import java.util.Collection;

/**
 * The refusals the HTTP layer makes before any capability sees a request (malformed requests,
 * unknown routes, wrong methods, media types the route does not serve, bodies or headers too big),
 * each with its stable code. The messages are fixed text: they never echo what the client sent.
 */
public final class HttpRefusals {

  private HttpRefusals() {}


  /** The refusal for a status the HTTP server or router produced itself. */
  public static ApiError forStatus(int status) {
    return switch (status) {
      case 400 -> badRequest();
      case 401 -> ErrorCode.UNAUTHORISED.error(
          "Authentication failed: send the CIS2 ID token as 'Authorization: Bearer <token>'.");
      case 403 -> ErrorCode.ACCESS_DENIED.error("This request is not allowed.");
      case 404 -> notFound();
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED.error(
          "This endpoint does not accept that method: the Allow header lists those it does.");
      case 406 -> ErrorCode.NOT_ACCEPTABLE.error("This endpoint cannot answer in a media type the Accept header allows: "
          + "see docs/api.md for what each endpoint serves (JSON, FHIR JSON or an event stream).");
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE.error("The request body is larger than this endpoint accepts.");
      case 414 -> ErrorCode.URI_TOO_LONG.error("The request line is longer than the service accepts.");
      case 415 -> unsupportedMediaType();
      case 431 -> ErrorCode.HEADERS_TOO_LARGE.error("The request's headers are larger than the service accepts.");
      default -> status >= 500 ? internal()
          : ErrorCode.BAD_REQUEST.error(status >= 400 && status < 500 ? status : 400, "The request was refused.");
    };
  }

  public static ApiError badRequest() {
    return ErrorCode.BAD_REQUEST.error("The request is not valid HTTP, or its path is not valid percent-encoding.");
  }

  public static ApiError unparseableQuery() {
    return ErrorCode.INVALID_PARAMETER.error("The query string is not valid: every '%' must start a percent-encoded "
        + "UTF-8 byte such as %20.");
  }

  /** What the audit records when the client closed the connection before its request was complete. */
  public static ApiError connectionClosed() {
    return ErrorCode.CONNECTION_CLOSED.error("The connection closed before the request was complete.");
  }

  public static ApiError unsupportedVersion() {
    return ErrorCode.UNSUPPORTED_HTTP_VERSION.error("Only HTTP/1.1 (and HTTP/1.0) requests are served.");
  }

  public static ApiError notFound() {
    return ErrorCode.NOT_FOUND.error("No such endpoint: see docs/api.md.");
  }

  public static ApiError unsupportedMediaType() {
    return ErrorCode.UNSUPPORTED_MEDIA_TYPE.error("Send the body as JSON, with 'Content-Type: application/json'.");
  }

  public static ApiError methodNotAllowed(Collection<String> allowed) {
    return forStatus(405).withHeader("Allow", String.join(", ", allowed));
  }

  public static ApiError internal() {
    return ErrorCode.INTERNAL_SERVER_ERROR.error(
        "Something went wrong on our side; nothing was shown. Quote the request id to support.");
  }
}
