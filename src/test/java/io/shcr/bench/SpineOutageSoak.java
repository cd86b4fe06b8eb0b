package io.shcr.bench;

import io.shcr.access.AccessPolicy;
import io.shcr.access.AccessPolicyLoader;
import io.shcr.access.DemoTokens;
import io.shcr.nhs.NhsNumber;
import io.shcr.simulator.Network;
import io.shcr.simulator.SimulatorConfig;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak that stuck a node (issue 11), repeatable: {@code streams} clinicians each open one patient's
 * record over SSE again and again for {@code seconds}, against a running demo whose Spine is reached
 * through a proxy this program holds; from {@code downAt} to {@code upAt} seconds the proxy black-holes
 * Spine (connections accepted, nothing answered: the worst outage, every lookup runs to its deadline).
 * Prints requests by status and code before, during and after the outage, a timeline every 10 s, and
 * what {@code /health/ready} said. Not part of the test suite: run it with
 * {@code load-tests/spine-outage-soak.sh} (docs/performance.md).
 *
 * <p>Arguments: {@code configDir serviceUrl proxyPort upstreamPort [streams] [seconds] [downAt] [upAt] [wait|spin]}:
 * by default a refused stream waits as {@code Retry-After} says (half to all of it, at most 10 s) before
 * its next request; {@code spin} asks again at once, as a misbehaving client would.
 * Each stream is its own user at RXN with the patient as launch context, so the throttle (distinct
 * patients per user) and the relationship hold do not shape the figures; patients come from the
 * simulated population, so every view fans out to the organisations that hold them.
 */
public final class SpineOutageSoak {

  private final Vertx vertx = Vertx.vertx();
  private final Map<String, Map<String, LongAdder>> byPhase = new ConcurrentHashMap<>();
  private final Map<Long, Map<String, LongAdder>> timeline = new ConcurrentHashMap<>();
  private final Map<Long, String> readiness = new ConcurrentHashMap<>();
  private final AtomicLong maxLatencyMs = new AtomicLong();
  private final AtomicLong firstViewAfterUpMs = new AtomicLong(-1);
  private final AtomicLong lastRefusalAfterUpMs = new AtomicLong(-1);
  private volatile boolean spineDown;
  private volatile boolean running = true;
  private final Set<NetSocket> held = ConcurrentHashMap.newKeySet();
  private long startNanos;
  private int downAt;
  private int upAt;
  private boolean honourRetryAfter = true;

  public static void main(String[] args) throws Exception {
    Path config = Path.of(args[0]);
    String service = args[1];
    int proxyPort = Integer.parseInt(args[2]);
    int upstreamPort = Integer.parseInt(args[3]);
    int streams = args.length > 4 ? Integer.parseInt(args[4]) : 300;
    int seconds = args.length > 5 ? Integer.parseInt(args[5]) : 180;
    SpineOutageSoak soak = new SpineOutageSoak();
    soak.downAt = args.length > 6 ? Integer.parseInt(args[6]) : 75;
    soak.upAt = args.length > 7 ? Integer.parseInt(args[7]) : 105;
    soak.honourRetryAfter = !(args.length > 8 && "spin".equals(args[8]));
    soak.run(config, service, proxyPort, upstreamPort, streams, seconds);
    System.exit(0);
  }

  private void run(Path config, String service, int proxyPort, int upstreamPort, int streams, int seconds) throws Exception {
    await(proxy(proxyPort, upstreamPort));
    List<String[]> clinicians = clinicians(config, streams);
    java.net.URI base = java.net.URI.create(service);
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(base.getHost()).setDefaultPort(base.getPort())
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(streams + 20));
    startNanos = System.nanoTime();
    System.out.printf("soak: %d streams for %d s, Spine black-holed from %d s to %d s, refused streams %s%n", streams, seconds,
        downAt, upAt, honourRetryAfter ? "wait as Retry-After says" : "ask again at once");
    vertx.setPeriodic(1_000, id -> tick(seconds));
    vertx.setPeriodic(2_000, id -> probeReadiness(http));
    List<Future<Void>> loops = new ArrayList<>();
    for (String[] clinician : clinicians) {
      loops.add(loop(http, clinician[0], clinician[1]));
    }
    await(Future.join(new ArrayList<>(loops)));
    report();
  }

  private void tick(int seconds) {
    long now = elapsedSeconds();
    boolean down = now >= downAt && now < upAt;
    if (down != spineDown) {
      spineDown = down;
      System.out.printf("%4d s: Spine %s%n", now, down ? "DOWN (black-holed)" : "UP again");
      if (!down) {
        held.forEach(NetSocket::close);
        held.clear();
      }
    }
    if (now >= seconds) {
      running = false;
    }
  }

  /** One clinician: open the record, read the stream to its end, count the answer, again. */
  private Future<Void> loop(HttpClient http, String token, String nhs) {
    if (!running) {
      return Future.succeededFuture();
    }
    long started = System.nanoTime();
    String phase = phase();
    long second = elapsedSeconds();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/v1/patients/" + nhs + "/record")
        .putHeader("Accept", "text/event-stream").putHeader("Authorization", "Bearer " + token).setIdleTimeout(60_000);
    long[] retryAfterMs = {0};
    return http.request(options)
        .compose(request -> request.send().compose(response -> {
          retryAfterMs[0] = retryAfterMs(response.getHeader("Retry-After"));
          return response.body().map(body -> outcome(response.statusCode(), body));
        }))
        .otherwise(e -> "transport-error " + e.getClass().getSimpleName())
        .compose(outcome -> {
          count(phase, second, outcome);
          noteRecovery(started, outcome);
          maxLatencyMs.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), Math::max);
          if (retryAfterMs[0] > 0) {
            // A client that does as Retry-After says (clinical systems and browsers wait; they do not spin).
            return Future.<Void>future(p -> vertx.setTimer(retryAfterMs[0], id -> p.complete())).compose(v -> loop(http, token, nhs));
          }
          return loop(http, token, nhs);
        });
  }

  /** Retry-After in ms (at most 10 s, and jittered so refused clients do not return together), 0 when absent or ignored. */
  private long retryAfterMs(String header) {
    if (!honourRetryAfter || header == null) {
      return 0;
    }
    try {
      long ms = Math.min(10, Long.parseLong(header.trim())) * 1000L;
      return ms / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(ms / 2 + 1);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String outcome(int status, Buffer body) {
    if (status == 200) {
      return body.toString().contains("event: complete") ? "200 complete" : "200 incomplete";
    }
    try {
      JsonObject outcome = body.toJsonObject();
      return status + " " + outcome.getJsonArray("issue").getJsonObject(0).getJsonObject("details").getJsonArray("coding")
          .getJsonObject(0).getString("code");
    } catch (RuntimeException e) {
      return status + " (not an OperationOutcome)";
    }
  }

  /** After Spine is back: when the first view started since then completed, and when the last refusal for Spine came. */
  private void noteRecovery(long startedNanos, String outcome) {
    long upNanos = startNanos + TimeUnit.SECONDS.toNanos(upAt);
    long sinceUpMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - upNanos);
    if (sinceUpMs < 0) {
      return;
    }
    if (outcome.equals("200 complete") && startedNanos >= upNanos) {
      firstViewAfterUpMs.compareAndSet(-1, sinceUpMs);
    }
    if (outcome.contains("CONSENT_UNAVAILABLE")) {
      lastRefusalAfterUpMs.accumulateAndGet(sinceUpMs, Math::max);
    }
  }

  private void count(String phase, long second, String outcome) {
    byPhase.computeIfAbsent(phase, p -> new ConcurrentHashMap<>()).computeIfAbsent(outcome, o -> new LongAdder()).increment();
    timeline.computeIfAbsent(second / 10 * 10, s -> new ConcurrentHashMap<>()).computeIfAbsent(outcome, o -> new LongAdder()).increment();
  }

  private void probeReadiness(HttpClient http) {
    long second = elapsedSeconds();
    http.request(new RequestOptions().setURI("/health/ready").setIdleTimeout(10_000))
        .compose(request -> request.send().compose(response -> response.body().map(body -> response.statusCode() == 200 ? "200"
            : response.statusCode() + " " + body.toJsonObject().getJsonArray("issue").stream()
                .map(i -> ((JsonObject) i).getJsonObject("details").getJsonArray("coding").getJsonObject(1).getString("code"))
                .toList())))
        .otherwise(e -> "error " + e.getClass().getSimpleName())
        .onSuccess(answer -> readiness.put(second, answer));
  }

  private String phase() {
    long now = elapsedSeconds();
    return now < downAt ? "1 before" : now < upAt ? "2 during" : "3 after";
  }

  private long elapsedSeconds() {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
  }

  /** Spine through a TCP proxy that, while Spine is down, accepts connections and drops every byte. */
  private Future<NetServer> proxy(int port, int upstreamPort) {
    NetClient upstream = vertx.createNetClient();
    return vertx.createNetServer().connectHandler(inbound -> {
      if (spineDown) {
        inbound.handler(ignored -> { });
        held.add(inbound);
        inbound.closeHandler(v -> held.remove(inbound));
        return;
      }
      inbound.pause();
      upstream.connect(upstreamPort, "127.0.0.1").onComplete(connected -> {
        if (connected.failed()) {
          inbound.close();
          return;
        }
        NetSocket outbound = connected.result();
        inbound.handler(bytes -> {
          if (!spineDown) {
            outbound.write(bytes);
          }
        });
        outbound.handler(bytes -> {
          if (!spineDown) {
            inbound.write(bytes);
          }
        });
        inbound.closeHandler(v -> outbound.close());
        outbound.closeHandler(v -> inbound.close());
        inbound.resume();
      });
    }).listen(port, "127.0.0.1");
  }

  /** A token per stream: its own user at RXN, with a patient of the simulated population as launch context. */
  private static List<String[]> clinicians(Path config, int streams) {
    AccessPolicy policy = AccessPolicyLoader.load(config, name -> null);
    DemoTokens tokens = DemoTokens.of(policy);
    Network network = Network.of(SourceRegistry.load(config.resolve("sources.yaml")), SimulatorConfig.load(config));
    List<String> patients = network.population().all().stream().map(p -> p.nhsNumber().value())
        .filter(nhs -> NhsNumber.parse(nhs).isPresent()).limit(streams).toList();
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      String nhs = patients.get(i % patients.size());
      String user = String.format("5559%08d", i);
      String token = tokens.mint(new DemoTokens.Spec(user, "Soak Clinician " + i, user + "-01", "S8000:G8000:R8000", "RXN",
          List.of("B0370", "B0360"), nhs, Duration.ofMinutes(30)));
      out.add(new String[] {token, nhs});
    }
    return out;
  }

  private void report() {
    System.out.println();
    System.out.println("Requests by phase and answer:");
    new TreeMap<>(byPhase).forEach((phase, outcomes) -> {
      long total = outcomes.values().stream().mapToLong(LongAdder::sum).sum();
      System.out.printf("  %-9s %6d  %s%n", phase.substring(2), total, new TreeMap<>(sums(outcomes)));
    });
    System.out.println("Timeline (10 s buckets, by the second each request started):");
    new TreeMap<>(timeline).forEach((second, outcomes) -> System.out.printf("  %4d s  %s%n", second, new TreeMap<>(sums(outcomes))));
    System.out.println("Readiness (every 2 s):");
    StringBuilder line = new StringBuilder();
    String last = null;
    for (Map.Entry<Long, String> entry : new TreeMap<>(readiness).entrySet()) {
      if (!entry.getValue().equals(last)) {
        line.append(String.format("%n  from %4d s: %s", entry.getKey(), entry.getValue()));
        last = entry.getValue();
      }
    }
    System.out.println(line.substring(1));
    System.out.printf("Spine back at %d s: first complete view started since then done %.1f s later; last CONSENT_UNAVAILABLE %s%n",
        upAt, firstViewAfterUpMs.get() / 1000.0,
        lastRefusalAfterUpMs.get() < 0 ? "none after" : String.format("%.1f s after", lastRefusalAfterUpMs.get() / 1000.0));
    System.out.printf("Slowest request: %d ms%n", maxLatencyMs.get());
  }

  private static Map<String, Long> sums(Map<String, LongAdder> outcomes) {
    Map<String, Long> out = new TreeMap<>();
    outcomes.forEach((outcome, count) -> out.put(outcome, count.sum()));
    return out;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
  }
}
