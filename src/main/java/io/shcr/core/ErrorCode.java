package io.shcr.core;

/**
 * Every error code the service writes (docs/api.md, "Errors": a test keeps the two the same), with
 * the HTTP status it usually goes with. An {@link ApiError} can only carry one of these, so a code
 * cannot be invented at a call site or copied from what a source sent.
 */
public enum ErrorCode {
  INVALID_NHS_NUMBER(400),
  INVALID_PARAMETER(400),
  BAD_REQUEST(400),
  UNSUPPORTED_HTTP_VERSION(400),
  /** A stream's resume token ({@code Last-Event-ID}) is altered, expired, or for another user, role, patient or view. */
  INVALID_RESUME_TOKEN(400),
  /** Audited only: the client closed the connection before its request was complete. */
  CONNECTION_CLOSED(400),
  UNAUTHORISED(401),
  CSRF_REJECTED(403),
  NO_ORGANISATION_CONSENT(403),
  ACCESS_DENIED(403),
  NO_RELATIONSHIP(403),
  NO_PATIENT_CONSENT(403),
  NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  NOT_ACCEPTABLE(406),
  PAYLOAD_TOO_LARGE(413),
  URI_TOO_LONG(414),
  UNSUPPORTED_MEDIA_TYPE(415),
  THROTTLED(429),
  HEADERS_TOO_LARGE(431),
  INTERNAL_SERVER_ERROR(500),
  AUDIT_UNAVAILABLE(503),
  AUTH_UNAVAILABLE(503),
  CONSENT_UNAVAILABLE(503),
  RELATIONSHIP_UNAVAILABLE(503),
  BREAK_GLASS_UNAVAILABLE(503),
  /** Admission control: the node, or the user, has as many record views open as it may. */
  OVERLOADED(503),
  SHUTTING_DOWN(503),
  NOT_READY(503),
  NOT_LIVE(503);

  private final int status;

  ErrorCode(int status) {
    this.status = status;
  }

  /** The HTTP status this code usually goes with. */
  public int status() {
    return status;
  }

  /** This error with its usual status; the message says what the caller can do and never echoes input. */
  public ApiError error(String message) {
    return new ApiError(status, name(), message);
  }

  /** This error with another status (INVALID_PARAMETER is 422 for a well-formed but unknown value). */
  public ApiError error(int status, String message) {
    return new ApiError(status, name(), message);
  }
}
