package io.shcr.sources;

/**
 * Why a source call did not produce data, as a status value the stream reports (timeout, error,
 * circuit-open, ...). It travels as a failed Future; it carries no stack trace and no clinical content.
 */
public final class SourceFailure extends RuntimeException {

  private final SourceStatus status;

  public SourceFailure(SourceStatus status, String detail) {
    super(detail, null, false, false);
    this.status = status;
  }

  public SourceStatus status() {
    return status;
  }

  public String detail() {
    return getMessage();
  }

  /** The status for any throwable: a SourceFailure keeps its own, anything else is an error. */
  public static SourceFailure from(Throwable t) {
    if (t instanceof SourceFailure failure) {
      return failure;
    }
    return new SourceFailure(SourceStatus.ERROR, t == null ? "unknown error" : t.getClass().getSimpleName());
  }
}
