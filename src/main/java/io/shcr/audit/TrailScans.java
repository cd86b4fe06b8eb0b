package io.shcr.audit;

import io.shcr.audit.AuditStore.LineVisitor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Searches answered by one pass over stored lines, for a store without indexes (the embedded one).
 * Lines that do not parse are skipped here; {@code audit verify} is what reports them.
 */
final class TrailScans {

  private TrailScans() {}

  /** One page of matching access records plus the outcomes that follow them. */
  static final class PageCollector implements LineVisitor {
    private final AuditQuery query;
    private final List<AuditEntry> entries = new ArrayList<>();
    private final Set<Long> onPage = new HashSet<>();
    private final Map<Long, AuditEntry> outcomes = new HashMap<>();
    private long total;

    PageCollector(AuditQuery query) {
      this.query = query;
    }

    @Override
    public boolean accept(String location, String line) {
      AuditEntry entry = parseOrNull(line);
      if (entry == null) {
        return true;
      }
      if (query.matches(entry)) {
        if (total >= query.offset() && entries.size() < query.pageSize()) {
          entries.add(entry);
          onPage.add(entry.sequence());
        }
        total++;
      } else if (AuditEntry.OUTCOME.equals(entry.type()) && onPage.contains(entry.refersTo())) {
        outcomes.put(entry.refersTo(), entry);
      }
      return true;
    }

    AuditPage page() {
      return new AuditPage(total, List.copyOf(entries), Map.copyOf(outcomes));
    }
  }

  /** Acknowledgements of the given alerts. */
  static final class AckCollector implements LineVisitor {
    private final Set<Long> alerts;
    private final List<AuditEntry> acks = new ArrayList<>();

    AckCollector(List<Long> alerts) {
      this.alerts = new HashSet<>(alerts);
    }

    @Override
    public boolean accept(String location, String line) {
      if (!line.contains(AuditEntry.ALERT_ACK)) {
        return true;
      }
      AuditEntry entry = parseOrNull(line);
      if (entry != null && AuditEntry.ALERT_ACK.equals(entry.type()) && alerts.contains(entry.refersTo())) {
        acks.add(entry);
      }
      return true;
    }

    List<AuditEntry> acks() {
      return List.copyOf(acks);
    }
  }

  private static AuditEntry parseOrNull(String line) {
    try {
      return AuditEntry.parse(line);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
