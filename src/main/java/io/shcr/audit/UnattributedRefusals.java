package io.shcr.audit;

import io.shcr.config.ConfigException;
import io.shcr.config.Fields;
import io.shcr.config.YamlFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a flood of requests nobody could be identified for from filling the audit disk. Every refusal
 * is audited, but a refusal without a valid token (junk, scans, expired or forged tokens) costs the
 * attacker nothing, so: in each window the first {@code recordedPerWindow} of them are recorded one
 * by one like any other access record, and the rest are counted, per action, refusal code and
 * status, into one summary record per window (how many, first and last, the busiest addresses and a
 * few sample paths). However fast the flood, the trail grows by at most {@code recordedPerWindow}
 * plus {@link #MAX_TALLIES} records per window. Everything else passes straight through.
 */
public final class UnattributedRefusals implements AuditTrail {

  /** Distinct (action, code, status) tallies per window; any further kind is counted under one more. */
  static final int MAX_TALLIES = 50;
  private static final Logger LOG = LoggerFactory.getLogger(UnattributedRefusals.class);

  /**
   * @param windowMs how long one window lasts
   * @param recordedPerWindow unattributed refusals recorded one by one per window, before counting starts
   */
  public record Settings(long windowMs, int recordedPerWindow) {
    public static final Settings DEFAULT = new Settings(60_000, 20);

    /** The {@code unattributedRefusals} block of {@code audit.yaml}; defaults when absent. */
    public static Settings load(Path configDir) {
      Path file = configDir.resolve(AuditConfig.FILE);
      return fromJson(YamlFiles.readOptional(file), file.toString());
    }

    static Settings fromJson(JsonObject root, String file) {
      List<String> problems = new ArrayList<>();
      Fields block = new Fields(root, "audit", problems).nested("unattributedRefusals");
      Settings settings = new Settings(block.number("windowSeconds", DEFAULT.windowMs / 1000, 1, 3_600) * 1000,
          (int) block.number("recordedPerWindow", (long) DEFAULT.recordedPerWindow, 0, 100_000));
      if (!problems.isEmpty()) {
        throw ConfigException.of(file, problems);
      }
      return settings;
    }
  }

  private final AuditTrail delegate;
  private final Settings settings;
  private final Vertx vertx;
  private final long timer;
  private final Map<Kind, Tally> tallies = new LinkedHashMap<>();
  private int recordedThisWindow;
  private long summarised;

  private UnattributedRefusals(Vertx vertx, AuditTrail delegate, Settings settings) {
    this.vertx = vertx;
    this.delegate = delegate;
    this.settings = settings;
    this.timer = vertx.setPeriodic(settings.windowMs(), id -> flush());
  }

  /** Starts the window timer; {@link #close()} writes what is counted and stops it. */
  public static UnattributedRefusals start(Vertx vertx, AuditTrail delegate, Settings settings) {
    return new UnattributedRefusals(vertx, delegate, settings);
  }

  @Override
  public Future<AuditReceipt> recordAccess(AccessAudit access) {
    if (access == null || !access.unattributedRefusal()) {
      return delegate.recordAccess(access);
    }
    synchronized (this) {
      if (recordedThisWindow < settings.recordedPerWindow()) {
        recordedThisWindow++;
      } else {
        tally(access);
        // Counted, not yet written: a summary record carries it at the end of the window.
        return Future.succeededFuture(new AuditReceipt(-1, access.requestId()));
      }
    }
    return delegate.recordAccess(access);
  }

  @Override
  public Future<Void> recordOutcome(AuditReceipt receipt, ViewOutcome outcome) {
    return delegate.recordOutcome(receipt, outcome);
  }

  /** Refusals counted into summaries since start (written or about to be). */
  public synchronized long summarisedCount() {
    return summarised;
  }

  /** Ends the window: writes one summary record per kind counted, and starts recording one by one again. */
  public Future<Void> flush() {
    List<AccessAudit> summaries;
    synchronized (this) {
      recordedThisWindow = 0;
      summaries = tallies.entrySet().stream().map(e -> e.getValue().record(e.getKey())).toList();
      tallies.clear();
    }
    if (summaries.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<AuditReceipt>> written = summaries.stream().map(delegate::recordAccess).toList();
    return Future.join(written).<Void>mapEmpty()
        .onFailure(e -> LOG.warn("{} summaries of refusals without a valid token could not be written to the audit trail",
            written.stream().filter(Future::failed).count()));
  }

  /** Writes what is counted and stops the window timer. */
  public Future<Void> close() {
    vertx.cancelTimer(timer);
    return flush();
  }

  private void tally(AccessAudit access) {
    int status = access.request() == null ? 0 : access.request().status();
    Kind kind = new Kind(access.action(), access.refusalCode(), status);
    if (!tallies.containsKey(kind) && tallies.size() >= MAX_TALLIES) {
      kind = Kind.OTHER;
    }
    tallies.computeIfAbsent(kind, k -> new Tally()).add(access);
    summarised++;
  }

  private record Kind(String action, String code, int status) {
    static final Kind OTHER = new Kind("request", "OTHER", 0);
  }

  /** What one kind of refusal looked like over the window. */
  private static final class Tally {
    private long count;
    private Instant first;
    private Instant last;
    private final Map<String, Long> clients = new HashMap<>();
    private final Set<String> paths = new LinkedHashSet<>();

    void add(AccessAudit access) {
      Instant at = access.time() == null ? Instant.now() : access.time();
      count++;
      first = first == null || at.isBefore(first) ? at : first;
      last = last == null || at.isAfter(last) ? at : last;
      String client = access.clientAddress() == null ? "unknown" : access.clientAddress();
      if (clients.containsKey(client) || clients.size() < RefusalSummary.MAX_TRACKED_CLIENTS) {
        clients.merge(client, 1L, Long::sum);
      }
      if (access.request() != null && paths.size() < RefusalSummary.MAX_SAMPLES) {
        paths.add(access.request().method() + " " + access.request().path());
      }
    }

    AccessAudit record(Kind kind) {
      Map<String, Long> busiest = clients.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
          .limit(RefusalSummary.MAX_CLIENTS)
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
      RefusalSummary summary = new RefusalSummary(count, first, last, busiest, clients.size(), List.copyOf(paths));
      return new AccessAudit("summary-" + UUID.randomUUID(), Instant.now(), null, kind.action(), null, null, null, List.of(),
          List.of(), AccessAudit.REFUSED, kind.code(), null, null)
          .withRequest(new RequestFacts("*", "*", "*", kind.status()))
          .withSummary(summary);
    }
  }
}
