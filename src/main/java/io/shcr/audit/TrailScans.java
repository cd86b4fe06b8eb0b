package io.shcr.audit;

import io.shcr.audit.AuditStore.LineVisitor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
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

  /**
   * One page of matching access records, newest first, plus the outcomes that follow them. The file is
   * read oldest first, so it keeps the latest {@code offset + pageSize} matches (and their outcomes)
   * and takes the page from the newest end once the walk is over.
   */
  static final class PageCollector implements LineVisitor {
    private final AuditQuery query;
    private final long window;
    private final ArrayDeque<AuditEntry> latest = new ArrayDeque<>();
    private final Set<Long> inWindow = new HashSet<>();
    private final Map<Long, AuditEntry> outcomes = new HashMap<>();
    private long total;

    PageCollector(AuditQuery query) {
      this.query = query;
      this.window = query.offset() + query.pageSize();
    }

    @Override
    public boolean accept(String location, String line) {
      AuditEntry entry = parseOrNull(line);
      if (entry == null) {
        return true;
      }
      if (query.matches(entry)) {
        latest.addLast(entry);
        inWindow.add(entry.sequence());
        if (latest.size() > window) {
          long dropped = latest.removeFirst().sequence();
          inWindow.remove(dropped);
          outcomes.remove(dropped);
        }
        total++;
      } else if (AuditEntry.OUTCOME.equals(entry.type()) && inWindow.contains(entry.refersTo())) {
        outcomes.put(entry.refersTo(), entry);
      }
      return true;
    }

    AuditPage page() {
      List<AuditEntry> newestFirst = new ArrayList<>(latest);
      Collections.reverse(newestFirst);
      List<AuditEntry> page = newestFirst.stream().skip(query.offset()).limit(query.pageSize()).toList();
      Map<Long, AuditEntry> pageOutcomes = new HashMap<>();
      page.forEach(entry -> {
        AuditEntry outcome = outcomes.get(entry.sequence());
        if (outcome != null) {
          pageOutcomes.put(entry.sequence(), outcome);
        }
      });
      return new AuditPage(total, page, Map.copyOf(pageOutcomes));
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
