package io.shcr.record;

import java.util.Map;

/**
 * How a view ended, for audit and the view's log line: outcome, each source's final status and how
 * long it took (ms; absent for a source that never finished), and counts (the withheld count never
 * goes to the client).
 */
public record ViewSummary(String outcome, Map<String, String> sourceStatuses, int delivered, int withheld, long elapsedMs,
    Map<String, Long> sourceMs) {

  public ViewSummary(String outcome, Map<String, String> sourceStatuses, int delivered, int withheld, long elapsedMs) {
    this(outcome, sourceStatuses, delivered, withheld, elapsedMs, Map.of());
  }
}
