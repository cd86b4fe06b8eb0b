package io.shcr.core;


/** A refusal travelling through a failed Future; the API renders its {@link ApiError}. */
public final class AccessRefusedException extends RuntimeException {

  private final transient ApiError error;

  public AccessRefusedException(ApiError error) {
    this(error, null);
  }

  /** A refusal with what caused it (a refused token's problem, say), for tests and debugging; never shown. */
  public AccessRefusedException(ApiError error, Throwable cause) {
    super(error.code() + ": " + error.message(), cause, false, false);
    this.error = error;
  }

  public ApiError error() {
    return error;
  }
}
