package io.shcr.sources;

import java.util.List;

/**
 * How a source's run ended within one request: answered ({@code ok} or {@code not-found}, with readable
 * details such as GP Connect warnings) or not ({@code timeout}, {@code error}, ..., with the
 * {@link SourceFailure} that says why). One value per source run; what the {@code source} event and the
 * audit report.
 */
public record SourceOutcome(SourceStatus status, List<String> details, SourceFailure failure) {

  public SourceOutcome {
    details = List.copyOf(details);
  }

  /** The source answered: {@code ok} when it says it holds the patient, {@code not-found} otherwise. */
  public static SourceOutcome answered(boolean patientKnown, List<String> details) {
    return new SourceOutcome(patientKnown ? SourceStatus.OK : SourceStatus.NOT_FOUND, details, null);
  }

  public static SourceOutcome failed(SourceFailure failure) {
    return new SourceOutcome(failure.status(), List.of(failure.detail()), failure);
  }

  /** An end the view sets itself (not live, a deadline, shutdown), with our one-sentence detail. */
  public static SourceOutcome of(SourceStatus status, String detail) {
    return new SourceOutcome(status, detail == null ? List.of() : List.of(detail), null);
  }

  /** True when the source answered (ok or not-found), as opposed to failing or being ended by us. */
  public boolean answered() {
    return failure == null && (status == SourceStatus.OK || status == SourceStatus.NOT_FOUND);
  }

  /** The details as one line, for the {@code source} event. */
  public String detail() {
    return String.join("; ", details);
  }
}
