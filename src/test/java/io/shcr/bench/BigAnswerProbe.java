package io.shcr.bench;

import io.shcr.api.Components;
import io.shcr.api.ShcrServer;
import io.shcr.config.ServiceConfig;
import io.shcr.privacy.RuleBasedPrivacyFilter;
import io.shcr.core.Section;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceKind;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.FakeSources;
import io.shcr.support.TestComponents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How one source's very large answer weighs on the service: a source answers the Condition and the
 * Encounter searches with a 4.9 MB Bundle of about 40,000 tiny entries each (80,000 resources), and
 * the probe measures, while one JSON view of that record runs, the longest wait for
 * {@code /health/live} on the server's only event loop, the view's time and status, and the process's
 * resident memory before and after. Not a test: run it by hand (see docs/performance.md).
 *
 * <p>Arguments: {@code [maxResourcesPerAnswer] [maxResourcesPerRequest]}; the defaults of
 * {@code sources.yaml} when absent.
 */
public final class BigAnswerProbe {

  private static final int ENTRIES = 39_500;

  public static void main(String[] args) throws Exception {
    int perAnswer = args.length > 0 ? Integer.parseInt(args[0]) : -1;
    int perRequest = args.length > 1 ? Integer.parseInt(args[1]) : -1;
    Vertx sourceSide = Vertx.vertx();
    // With -Dprobe.blocked=50, Vert.x logs (with a stack) any event-loop task of the service running over 50 ms.
    long blockedMs = Long.getLong("probe.blocked", 2_000);
    Vertx service = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1)
        .setMaxEventLoopExecuteTime(blockedMs).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setWarningExceptionTime(blockedMs).setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS)
        .setBlockedThreadCheckInterval(Math.min(1_000, blockedMs / 2)).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS));
    Buffer conditions = bundle("Condition");
    Buffer encounters = bundle("Encounter");
    HttpServer fake = await(sourceSide.createHttpServer().requestHandler(req -> {
      String type = req.path().substring(req.path().lastIndexOf('/') + 1);
      Buffer body = switch (type) {
        case "Condition" -> conditions;
        case "Encounter" -> encounters;
        case "Patient" -> new JsonObject().put("resourceType", "Bundle").put("type", "searchset")
            .put("entry", new JsonArray().add(new JsonObject().put("resource", FakeSources.patient("p", FakeSources.NHS))))
            .toBuffer();
        default -> new JsonObject().put("resourceType", "Bundle").put("type", "searchset").toBuffer();
      };
      req.response().putHeader("content-type", "application/fhir+json").end(body);
    }).listen(0, "127.0.0.1"));
    SourceConfig big = source("BIG", "http://127.0.0.1:" + fake.actualPort() + "/BIG",
        Set.of(Section.DEMOGRAPHICS, Section.PROBLEMS, Section.ENCOUNTERS), 2_500, 5_242_880, perAnswer, perRequest);
    Components components = new Components(new SourceRegistry(List.of(big)), RuleBasedPrivacyFilter.load(Path.of("conf")),
        TestComponents.allowAll(), ctx -> Future.succeededFuture(TestComponents.DOCTOR), new TestComponents.MemoryAudit(),
        List.of(), Future::succeededFuture);
    ShcrServer server = await(ShcrServer.start(service, new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, 10_000, 60_000),
        components));
    HttpClient client = sourceSide.createHttpClient();
    HttpClient healthClient = sourceSide.createHttpClient();
    System.out.printf("answers: 2 x %.1f MB, %d resources in all%n", conditions.length() / 1e6, 2 * ENTRIES);
    for (int run = 1; run <= 3; run++) {
      System.gc();
      long rssBefore = rssKb();
      long gcBefore = gcMillis();
      // One /health/live at a time on a client of its own, so the probe never queues behind itself.
      AtomicLong worstProbeMs = new AtomicLong();
      java.util.concurrent.atomic.AtomicBoolean probing = new java.util.concurrent.atomic.AtomicBoolean(true);
      probeLive(sourceSide, healthClient, server.port(), worstProbeMs, probing);
      LoopPauses pauses = LoopPauses.on(service);
      long started = System.nanoTime();
      Buffer view = await(client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
          .setPort(server.port()).setURI("/api/v1/patients/" + FakeSources.NHS + "/record").putHeader("Accept", "application/json"))
          .compose(r -> r.send()).compose(r -> r.body()));
      long viewMs = (System.nanoTime() - started) / 1_000_000L;
      Thread.sleep(200);
      probing.set(false);
      pauses.stop();
      long rssAfter = rssKb();
      long gcMs = gcMillis() - gcBefore;
      JsonObject doc = new JsonObject(view);
      System.out.printf("run %d: view %d ms, %.1f MB sent, sources %s%n  longest event-loop task %d ms CPU"
              + " (timer late by up to %d ms wall), worst /health/live %d ms, GC %d ms, RSS %d -> %d MB%n", run,
          viewMs, view.length() / 1e6, doc.getJsonArray("sources").encode(), pauses.longestCpuMs(), pauses.latestWallMs(),
          worstProbeMs.get(), gcMs, rssBefore / 1024, rssAfter / 1024);
    }
    await(server.close());
    await(fake.close());
    service.close();
    sourceSide.close();
  }

  private static SourceConfig source(String id, String baseUrl, Set<Section> sections, long deadlineMs, long maxBytes,
      int perAnswer, int perRequest) {
    return new SourceConfig(id, "Big answers", SourceKind.ACUTE, baseUrl, "fhir-r4", sections, true, deadlineMs, 5, 50,
        maxBytes, 1, new SourceConfig.BreakerConfig(50, 30_000),
        perAnswer > 0 ? perAnswer : SourceConfig.DEFAULT_MAX_RESOURCES_PER_ANSWER,
        perRequest > 0 ? perRequest : SourceConfig.DEFAULT_MAX_RESOURCES_PER_REQUEST);
  }

  /**
   * A 1 ms periodic timer on the service's only event loop. Between two ticks the loop ran other
   * tasks; the CPU time the loop thread used in between is the longest stretch it could not serve
   * anyone, measured in CPU time so that a busy machine (other processes taking the cores) does not
   * count as our pause. The wall-clock lateness of the timer is reported too.
   */
  private static final class LoopPauses {
    private final Vertx vertx;
    private final AtomicLong longestCpuNanos = new AtomicLong();
    private final AtomicLong latestWallNanos = new AtomicLong();
    private long timer;
    private long lastCpu = -1;
    private long lastWall;

    private LoopPauses(Vertx vertx) {
      this.vertx = vertx;
    }

    static LoopPauses on(Vertx vertx) {
      LoopPauses pauses = new LoopPauses(vertx);
      java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
      pauses.timer = vertx.setPeriodic(1, id -> {
        long cpu = threads.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        if (pauses.lastCpu >= 0) {
          pauses.longestCpuNanos.accumulateAndGet(cpu - pauses.lastCpu, Math::max);
          pauses.latestWallNanos.accumulateAndGet(wall - pauses.lastWall - 1_000_000L, Math::max);
        }
        pauses.lastCpu = cpu;
        pauses.lastWall = wall;
      });
      return pauses;
    }

    void stop() {
      vertx.cancelTimer(timer);
    }

    long longestCpuMs() {
      return longestCpuNanos.get() / 1_000_000L;
    }

    long latestWallMs() {
      return latestWallNanos.get() / 1_000_000L;
    }
  }

  private static Buffer bundle(String type) {
    StringBuilder json = new StringBuilder(5_000_000).append("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[");
    for (int i = 0; i < ENTRIES; i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append("{\"resource\":{\"resourceType\":\"").append(type).append("\",\"id\":\"").append(type, 0, 1).append(i)
          .append("\",\"subject\":{\"reference\":\"Patient/p\"}},\"search\":{\"mode\":\"match\"}}");
    }
    return Buffer.buffer(json.append("]}").toString());
  }

  private static void probeLive(Vertx vertx, HttpClient client, int port, AtomicLong worst,
      java.util.concurrent.atomic.AtomicBoolean probing) {
    if (!probing.get()) {
      return;
    }
    long sent = System.nanoTime();
    client.request(HttpMethod.GET, port, "127.0.0.1", "/health/live").compose(r -> r.send()).compose(r -> r.body())
        .onComplete(done -> {
          worst.accumulateAndGet((System.nanoTime() - sent) / 1_000_000L, Math::max);
          vertx.setTimer(5, t -> probeLive(vertx, client, port, worst, probing));
        });
  }

  private static long gcMillis() {
    return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
  }

  private static long rssKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
