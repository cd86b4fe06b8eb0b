package io.shcr.access;

import io.shcr.core.Principal;
import io.shcr.audit.AccessAudit;
import io.shcr.audit.AuditRecords;
import io.shcr.audit.AuditTrail;
import io.shcr.nhs.NhsNumber;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises a privacy-officer alert when shared state has been tampered with: a value whose seal does not
 * match, an entry removed that shcr never removes, a map cleared. The alert is an audit record (action
 * {@value #ACTION}, severity high, outcome {@code ignored}, code {@code <SUBJECT>_<FINDING>} such as
 * {@code BREAK_GLASS_FORGED}), naming the user and patient when a request ran into it; never a value,
 * a key or anything clinical. The same finding on the same entry is alerted once per
 * {@link #REPEAT_WINDOW_MS}, and at most {@link #MAX_PER_MINUTE} alerts a minute leave one node, so an
 * attacker cannot flood the audit trail; what is held back is counted in one log line a minute.
 */
public final class IntegrityAlarm {

  public static final String ACTION = AuditRecords.CLUSTER_INTEGRITY;
  static final long REPEAT_WINDOW_MS = 600_000;
  static final int MAX_PER_MINUTE = 100;
  private static final int MAX_REMEMBERED = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(IntegrityAlarm.class);

  /** What was found. */
  public enum Finding {
    /** A value that is not sealed under the cluster secret for its map and key. */
    FORGED,
    /** An entry removed that shcr never removes (only its time to live ends it). */
    REMOVED,
    /** A map cleared or evicted wholesale. */
    CLEARED,
    /** An entry this node knows was written is no longer there. */
    MISSING
  }

  private final AuditTrail audit;
  private final Clock clock;
  private final Map<String, Long> recent = new ConcurrentHashMap<>();
  private final AtomicLong minute = new AtomicLong(-1);
  private final AtomicInteger sentThisMinute = new AtomicInteger();
  private final AtomicInteger heldBack = new AtomicInteger();

  public IntegrityAlarm(AuditTrail audit, Clock clock) {
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Alerts a finding about the {@code subject} ({@code BREAK_GLASS}, {@code THROTTLE}) map's entry
   * {@code entry} (a key, or the map's name for a whole-map finding), seen by {@code principal}'s request
   * about {@code patient} (both null when no request was involved).
   */
  public void raise(String subject, Finding finding, String entry, Principal principal, NhsNumber patient) {
    String code = subject + "_" + finding;
    long now = clock.millis();
    rollMinute(now);
    String seen = code + "|" + entry + "|" + (principal == null ? "" : principal.userId());
    Long last = recent.get(seen);
    if (last != null && now - last < REPEAT_WINDOW_MS) {
      return;
    }
    if (recent.size() >= MAX_REMEMBERED) {
      recent.values().removeIf(at -> now - at >= REPEAT_WINDOW_MS);
      if (recent.size() >= MAX_REMEMBERED) {
        recent.clear();
      }
    }
    recent.put(seen, now);
    if (sentThisMinute.incrementAndGet() > MAX_PER_MINUTE) {
      heldBack.incrementAndGet();
      return;
    }
    LOG.warn("Shared state integrity: {} (ignored, privacy officers alerted)", code);
    AccessAudit alert = new AccessAudit("integrity-" + UUID.randomUUID(), clock.instant(), principal, ACTION,
        patient == null ? null : patient.value(), null, null, List.of(), List.of(), "ignored", code, null, null);
    audit.recordAccess(alert).onFailure(e -> LOG.error("Could not record a shared-state integrity alert ({}) in the audit trail", code));
  }

  private void rollMinute(long now) {
    long current = now / 60_000;
    long previous = minute.get();
    if (previous != current && minute.compareAndSet(previous, current)) {
      sentThisMinute.set(0);
      int held = heldBack.getAndSet(0);
      if (held > 0) {
        LOG.warn("Shared state integrity: {} further alerts held back in the last minute (rate limit)", held);
      }
    }
  }
}
