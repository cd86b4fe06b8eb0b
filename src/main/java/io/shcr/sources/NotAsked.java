package io.shcr.sources;

/** An adapter's word that the source cannot be asked at all (the call would break its protocol): the failure it ends in. */
final class NotAsked extends RuntimeException {

  private final transient SourceFailure failure;

  NotAsked(SourceFailure failure) {
    super(failure.detail(), null, false, false);
    this.failure = failure;
  }

  SourceFailure failure() {
    return failure;
  }
}
