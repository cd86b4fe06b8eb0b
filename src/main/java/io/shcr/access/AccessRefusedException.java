package io.shcr.access;

import io.shcr.api.ApiError;

/** A refusal travelling through a failed Future; the API renders its {@link ApiError}. */
public final class AccessRefusedException extends RuntimeException {

  private final transient ApiError error;

  public AccessRefusedException(ApiError error) {
    super(error.code() + ": " + error.message(), null, false, false);
    this.error = error;
  }

  public ApiError error() {
    return error;
  }
}
