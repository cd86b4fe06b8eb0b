package io.shcr.audit;

import java.time.Instant;

/**
 * A privacy officer's search over access records: any of patient, user, organisation, a time range
 * (from inclusive, to exclusive), alerts only, one sequence; one page (page counts from 1). The
 * {@code scope}, when set, limits every answer to records whose user belonged to that organisation:
 * a privacy officer sees their own organisation's trail unless configured region-wide.
 */
public record AuditQuery(
    String patient, String user, String organisation, Instant from, Instant to, boolean alertsOnly, Long sequence,
    int page, int pageSize, String scope) {

  public static final int MAX_PAGE_SIZE = 500;

  public AuditQuery {
    page = Math.max(1, page);
    pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, pageSize));
  }

  /** An unscoped query (the whole trail). */
  public AuditQuery(String patient, String user, String organisation, Instant from, Instant to, boolean alertsOnly, Long sequence,
      int page, int pageSize) {
    this(patient, user, organisation, from, to, alertsOnly, sequence, page, pageSize, null);
  }

  public static AuditQuery alerts(int page, int pageSize) {
    return new AuditQuery(null, null, null, null, null, true, null, page, pageSize);
  }

  public static AuditQuery alert(long sequence) {
    return new AuditQuery(null, null, null, null, null, true, sequence, 1, 1);
  }

  /** This query limited to records of users of the given organisation (null: the whole trail). */
  public AuditQuery scopedTo(String organisation) {
    return new AuditQuery(patient, user, this.organisation, from, to, alertsOnly, sequence, page, pageSize, organisation);
  }

  public long offset() {
    return (long) (page - 1) * pageSize;
  }

  /** Whether an access record matches (the embedded store filters in memory; PostgreSQL in SQL). */
  public boolean matches(AuditEntry entry) {
    return AuditEntry.ACCESS.equals(entry.type())
        && (patient == null || patient.equals(entry.patient()))
        && (user == null || user.equals(entry.userId()))
        && (organisation == null || organisation.equals(entry.organisation()))
        && (from == null || !entry.time().isBefore(from))
        && (to == null || entry.time().isBefore(to))
        && (sequence == null || sequence == entry.sequence())
        && (scope == null || scope.equals(entry.organisation()))
        && (!alertsOnly || AuditEntry.HIGH.equals(entry.severity()));
  }
}
