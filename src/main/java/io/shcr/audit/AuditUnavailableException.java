package io.shcr.audit;

import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;

/** The audit record could not be made durable: the request fails with 503 AUDIT_UNAVAILABLE, no data flows. */
public final class AuditUnavailableException extends RuntimeException {

  public static final ApiError ERROR = ErrorCode.AUDIT_UNAVAILABLE.error(
      "The access could not be audited, so no record is shown. Try again shortly.");

  public AuditUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public ApiError error() {
    return ERROR;
  }
}
