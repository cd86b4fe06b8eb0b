package io.shcr.sources;

import java.util.List;

/**
 * How a source's fetch ended when it answered: {@code ok} (it knows the patient) or {@code not-found},
 * with readable details such as GP Connect warnings ("problems: data in transit").
 */
public record SourceReport(SourceStatus status, List<String> details) {

  public static SourceReport of(boolean patientKnown, List<String> details) {
    return new SourceReport(patientKnown ? SourceStatus.OK : SourceStatus.NOT_FOUND, List.copyOf(details));
  }
}
