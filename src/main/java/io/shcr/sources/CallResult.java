package io.shcr.sources;

/**
 * How one call to a source ended, as a value: the answer as read, or why there is none. A call never
 * fails its Future; the {@link SourceClient}'s breaker counts a result as the source failing when it
 * carries a failure that is not a cancellation.
 *
 * @param value the read answer, or null
 * @param failure why there is no answer, or null
 */
public record CallResult<T>(T value, SourceFailure failure) {

  public static <T> CallResult<T> answered(T value) {
    return new CallResult<>(value, null);
  }

  public static <T> CallResult<T> failed(SourceFailure failure) {
    return new CallResult<>(null, failure);
  }

  public boolean succeeded() {
    return failure == null;
  }

  /** What the breaker counts as the source failing: any failure but a cancellation or a timeout while we were overloaded (our doing). */
  boolean countsAgainstSource() {
    return failure != null && !failure.cancellation() && !failure.whileOverloaded();
  }
}
