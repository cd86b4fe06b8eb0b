package io.shcr.audit;

import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Compares the columns PostgreSQL searches by with the record's stored line, which is what the hash
 * chain covers. An edited column (a patient or user changed to hide a row from a search) leaves the
 * line intact, so without this check {@code audit verify} would pass a trail whose searches lie.
 */
final class SearchColumns {

  private SearchColumns() {}

  /** What differs, or null when every column matches the line (or the line does not parse: the verifier reports that). */
  static String differences(Row row) {
    AuditEntry entry;
    try {
      entry = AuditEntry.parse(row.getString("line"));
    } catch (IllegalArgumentException e) {
      return null;
    }
    List<String> differs = new ArrayList<>();
    check(differs, "seq", row.getLong("seq"), entry.sequence());
    check(differs, "type", row.getString("type"), entry.type());
    check(differs, "severity", row.getString("severity"), entry.severity());
    check(differs, "request_id", row.getString("request_id"), entry.requestId());
    check(differs, "patient", row.getString("patient"), entry.patient());
    check(differs, "user_id", row.getString("user_id"), entry.userId());
    check(differs, "organisation", row.getString("organisation"), entry.organisation());
    check(differs, "refers_to", row.getLong("refers_to"), entry.refersTo());
    OffsetDateTime recorded = row.getOffsetDateTime("recorded");
    Instant column = recorded == null ? null : recorded.toInstant();
    if (column == null || Math.abs(ChronoUnit.MICROS.between(entry.time(), column)) > 1) {
      differs.add("recorded");
    }
    return differs.isEmpty() ? null : "the column" + (differs.size() > 1 ? "s " : " ") + String.join(", ", differs)
        + (differs.size() > 1 ? " differ" : " differs") + " from the stored record";
  }

  private static void check(List<String> differs, String column, Object value, Object expected) {
    if (!Objects.equals(value, expected)) {
      differs.add(column);
    }
  }
}
