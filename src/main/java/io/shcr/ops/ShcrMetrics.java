package io.shcr.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The service's own series, in one place so their names and labels are reviewed together. Labels are
 * only ever: a source id (an ODS code), a status or outcome from a fixed vocabulary, a section name, a
 * response format, an access refusal code. Never an NHS number, a user, an address or a request id.
 *
 * <p>Recorded on Micrometer's global registry: with no registry added (metrics off) every call is a
 * no-op; {@link Telemetry} adds the Prometheus registry that {@code /metrics} serves.
 */
public final class ShcrMetrics {

  private static final MeterRegistry REGISTRY = Metrics.globalRegistry;
  private static final Duration[] SLO = {
    Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofMillis(2_500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};
  private static final AtomicInteger OPEN_SSE = new AtomicInteger();
  private static final AtomicInteger OPEN_JSON = new AtomicInteger();
  private static final AtomicInteger ADMISSION_WAITING = new AtomicInteger();
  private static final java.util.Map<String, Timer> ADMISSION_WAITS = new java.util.concurrent.ConcurrentHashMap<>();
  private static final java.util.Map<String, Counter> ADMISSION_REFUSALS = new java.util.concurrent.ConcurrentHashMap<>();

  static {
    Gauge.builder("shcr.views.open", OPEN_SSE, AtomicInteger::get).tag("format", "sse")
        .description("Record views in progress").register(REGISTRY);
    Gauge.builder("shcr.views.open", OPEN_JSON, AtomicInteger::get).tag("format", "json")
        .description("Record views in progress").register(REGISTRY);
    Gauge.builder("shcr.admission.waiting", ADMISSION_WAITING, AtomicInteger::get)
        .description("Record views waiting for one of the node's places (admission.queue)").register(REGISTRY);
  }

  private ShcrMetrics() {}

  /** One source's part of one view ended with this status after this long. */
  public static void sourceResult(String source, String status, long elapsedMs) {
    // Looked up once per source and status (both bounded: configured ids, a fixed set of statuses): building
    // and registering the tags on every call cost ~6 % of a view's CPU in the bench profile.
    SOURCE_CALLS.computeIfAbsent(source + '\u0000' + status, key -> Timer.builder("shcr.source.call")
            .description("One source's part of a record view, by final status")
            .tags("source", source, "status", status).serviceLevelObjectives(SLO).register(REGISTRY))
        .record(elapsedMs, TimeUnit.MILLISECONDS);
  }

  private static final java.util.Map<String, Timer> SOURCE_CALLS = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * A view's meters, looked up once per name and labels (all bounded: sections, formats, outcomes) rather than
   * built and registered per section event: Micrometer's builder, tags and registry lookup cost more than the
   * count. The global registry's meters follow registries added later, as {@link #sourceResult}'s do.
   */
  private static final java.util.Map<String, io.micrometer.core.instrument.Meter> VIEW_METERS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static <M extends io.micrometer.core.instrument.Meter> M meter(String key, Supplier<M> register, Class<M> type) {
    return type.cast(VIEW_METERS.computeIfAbsent(key, k -> register.get()));
  }

  /** Gauges over one source client's breaker, queue and calls in flight (weakly held: a closed client drops out). */
  public static <T> void sourceGauges(String source, T client, ToDoubleFunction<T> breakerOpen, ToDoubleFunction<T> queued,
      ToDoubleFunction<T> inFlight) {
    Gauge.builder("shcr.source.breaker.state", client, breakerOpen).tag("source", source)
        .description("Circuit breaker: 0 closed, 1 half-open, 2 open").register(REGISTRY);
    Gauge.builder("shcr.source.queued.calls", client, queued).tag("source", source)
        .description("Calls waiting for one of this node's connections to the source").register(REGISTRY);
    Gauge.builder("shcr.source.inflight.calls", client, inFlight).tag("source", source)
        .description("Calls to the source holding a connection").register(REGISTRY);
  }

  /** A view opened; the returned handle records its progress and must be {@link View#ended ended} once. */
  public static View viewStarted(boolean sse) {
    (sse ? OPEN_SSE : OPEN_JSON).incrementAndGet();
    return new View(sse);
  }

  /** An access decision on a record request: {@code allowed}, or the refusal code. */
  public static void accessDecision(String outcome, String code) {
    String shownCode = code == null ? "none" : code;
    meter("decision\u0000" + outcome + '\u0000' + shownCode, () -> Counter.builder("shcr.access.decisions")
        .description("Record access decisions by outcome and refusal code")
        .tags("outcome", outcome, "code", shownCode).register(REGISTRY), Counter.class).increment();
  }

  /** A view began (+1) or ended (-1) its wait for one of the node's places. */
  public static void admissionWaiting(int delta) {
    ADMISSION_WAITING.addAndGet(delta);
  }

  /**
   * A view's wait for a place ended: {@code admitted}, {@code waited-too-long} (refused), {@code client-gone}
   * (its client closed the connection) or {@code shutting-down}. Views that found a place free never wait.
   */
  public static void admissionWaited(String result, long nanos) {
    ADMISSION_WAITS.computeIfAbsent(result, r -> Timer.builder("shcr.admission.wait")
            .description("How long a record view waited for one of the node's places, by how the wait ended")
            .tag("result", r).serviceLevelObjectives(SLO).register(REGISTRY))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Admission refused a view 503 OVERLOADED: {@code queue-full}, {@code waited-too-long} or {@code user-cap}. */
  public static void admissionRefused(String reason) {
    ADMISSION_REFUSALS.computeIfAbsent(reason, r -> Counter.builder("shcr.admission.refused")
        .description("Record views refused OVERLOADED by admission control, by reason").tag("reason", r).register(REGISTRY))
        .increment();
  }

  /** One audit batch made durable: how many records, and how long the store took. */
  public static void auditBatch(int records, long nanos, boolean ok) {
    meter(ok ? "audit\u0000ok" : "audit\u0000failed", () -> Timer.builder("shcr.audit.append")
        .description("Time to make one batch of audit records durable")
        .tag("result", ok ? "ok" : "failed").serviceLevelObjectives(SLO).register(REGISTRY), Timer.class)
        .record(nanos, TimeUnit.NANOSECONDS);
    meter("audit.batch", () -> DistributionSummary.builder("shcr.audit.batch.size")
        .description("Records per durable audit batch (group commit)")
        .serviceLevelObjectives(1, 2, 5, 10, 50, 100, 500, 1000).register(REGISTRY), DistributionSummary.class).record(records);
  }

  /** A gauge over any value (draining, liveness). */
  public static void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(REGISTRY);
  }

  /** One view's figures. Runs on the view's event loop. */
  public static final class View {
    private final boolean sse;
    private final long startedNanos = System.nanoTime();
    private boolean firstSection;
    private boolean ended;

    private View(boolean sse) {
      this.sse = sse;
    }

    public void section(String section, int resources) {
      if (!firstSection) {
        firstSection = true;
        meter("first\u0000" + format(), () -> Timer.builder("shcr.view.first.section")
            .description("Time from access granted to the first section sent")
            .tag("format", format()).serviceLevelObjectives(SLO).register(REGISTRY), Timer.class)
            .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
      }
      meter("sections\u0000" + section + '\u0000' + format(), () -> Counter.builder("shcr.view.sections")
          .description("Sections delivered").tags("section", section, "format", format()).register(REGISTRY), Counter.class)
          .increment();
      meter("resources\u0000" + format(), () -> Counter.builder("shcr.view.resources").description("Resources delivered")
          .tag("format", format()).register(REGISTRY), Counter.class).increment(resources);
    }

    public void ended(String outcome) {
      if (ended) {
        return;
      }
      ended = true;
      (sse ? OPEN_SSE : OPEN_JSON).decrementAndGet();
      meter("complete\u0000" + format() + '\u0000' + outcome, () -> Timer.builder("shcr.view.complete")
          .description("Time from access granted to the view's end, by outcome")
          .tags("format", format(), "outcome", outcome).serviceLevelObjectives(SLO).register(REGISTRY), Timer.class)
          .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    private String format() {
      return sse ? "sse" : "json";
    }
  }
}
