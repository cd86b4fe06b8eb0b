package io.shcr.api;

import io.shcr.record.ViewSummary;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per record view, as key-value pairs (fields of their own in the JSON log): request id,
 * format, outcome, each source's status and time, counts. Source ids are ODS codes; never the NHS
 * number, the user or anything clinical (the audit trail holds who and whom).
 */
final class ViewLog {

  private static final Logger LOG = LoggerFactory.getLogger("shcr.view");

  private ViewLog() {}

  static void ended(String requestId, boolean sse, ViewSummary summary) {
    LOG.atInfo()
        .addKeyValue("requestId", requestId)
        .addKeyValue("format", sse ? "sse" : "json")
        .addKeyValue("outcome", summary.outcome())
        .addKeyValue("elapsedMs", summary.elapsedMs())
        .addKeyValue("delivered", summary.delivered())
        .addKeyValue("sources", describe(summary))
        .log("view {} {} in {} ms", summary.outcome(), sse ? "sse" : "json", summary.elapsedMs());
  }

  /** {@code RXN=ok/412ms,RTX=timeout/3000ms,...}: one field, so it reads the same in text and JSON. */
  static String describe(ViewSummary summary) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> source : summary.sourceStatuses().entrySet()) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(source.getKey()).append('=').append(source.getValue());
      Long ms = summary.sourceMs().get(source.getKey());
      if (ms != null) {
        out.append('/').append(ms).append("ms");
      }
    }
    return out.toString();
  }
}
