package io.shcr.sources;

/** Where a source stands within one request; the wire names are part of the SSE contract. */
public enum SourceStatus {
  PENDING("pending"),
  OK("ok"),
  NOT_FOUND("not-found"),
  ERROR("error"),
  TIMEOUT("timeout"),
  NOT_LIVE("not-live"),
  CIRCUIT_OPEN("circuit-open"),
  PATIENT_MISMATCH("patient-mismatch"),
  /** This service was shutting down and ended the call: never the source's fault, never counted against it. */
  SHUTDOWN("shutdown");

  private final String wireName;

  SourceStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
