package shcr.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's load generator: SSE record views of {@code GET /api/v1/patients/{nhs}/record}, each
 * timed to its first {@code section} event and to {@code complete}, patients taken in turn from the ten
 * of {@link FakeNetwork#patients()}. Prints one {@code RESULT} line of key=value pairs.
 *
 * <ul>
 *   <li>{@code closed NAME PORT TOKEN C SECONDS PID}: C clients, each asking again as soon as its view
 *       ends (a refusal included: the storm a closed loop makes);</li>
 *   <li>{@code open NAME PORT TOKEN RATE SECONDS PID}: RATE views a second whatever the answers, timed
 *       from when each was due (no coordinated omission);</li>
 *   <li>{@code hung NAME PORT TOKEN RATE SECONDS PID}: as {@code open}, labelled apart: run.sh runs it while
 *       every source but RXN hangs, to show that a hung source holds a view no longer than its deadline;</li>
 *   <li>{@code hold NAME PORT TOKEN N SECONDS PID [RATE=1000]}: opens N views (at most RATE a second), waits until
 *       each has its first section, holds them SECONDS, and reports the server's RSS from /proc.</li>
 * </ul>
 * {@code cpu} is the server process's CPU (user + system) over the run, in cores.
 */
public final class LoadGen {

  private final List<Long> first = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> complete = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger ok = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger incomplete = new AtomicInteger();
  private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("\"code\":\"([A-Z_]+)\"");
  private final java.util.Map<String, AtomicInteger> codes = new java.util.concurrent.ConcurrentSkipListMap<>();
  private final AtomicLong nextPatient = new AtomicLong();
  private final List<String> patients = FakeNetwork.patients();
  private final HttpClient client;
  private final int port;
  private final String token;

  private LoadGen(Vertx vertx, int port, String token, int connections) {
    this.port = port;
    this.token = token;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(0),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
  }

  /** One view; {@code done} runs once it has ended, however it ended. {@code startNanos} is when it was due. */
  private void view(long startNanos, Runnable held, Runnable done) {
    String nhs = patients.get((int) (nextPatient.getAndIncrement() % patients.size()));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI("/api/v1/patients/" + nhs + "/record").addHeader("Accept", "text/event-stream")
        .addHeader("Authorization", "Bearer " + token);
    client.request(options).compose(req -> req.send()).onComplete(sent -> {
      if (sent.failed()) {
        failed.incrementAndGet();
        done.run();
        return;
      }
      HttpClientResponse response = sent.result();
      if (response.statusCode() != 200) {
        (response.statusCode() == 503 ? refused : failed).incrementAndGet();
        response.body().onComplete(b -> {
          java.util.regex.Matcher m = CODE.matcher(b.succeeded() ? b.result().toString() : "");
          codes.computeIfAbsent(response.statusCode() + "-" + (m.find() ? m.group(1) : "?"), k -> new AtomicInteger()).incrementAndGet();
          done.run();
        });
        return;
      }
      boolean[] seen = new boolean[2];
      StringBuilder tail = new StringBuilder();
      response.handler(chunk -> {
        tail.append(chunk.toString(StandardCharsets.ISO_8859_1));
        if (!seen[0] && tail.indexOf("event: section") >= 0) {
          seen[0] = true;
          first.add(System.nanoTime() - startNanos);
          if (held != null) {
            held.run();
          }
        }
        if (!seen[1] && tail.indexOf("event: complete") >= 0) {
          seen[1] = true;
          complete.add(System.nanoTime() - startNanos);
        }
        if (tail.length() > 64) {
          tail.delete(0, tail.length() - 32);
        }
      });
      response.exceptionHandler(e -> { });
      response.endHandler(v -> {
        (seen[1] ? ok : incomplete).incrementAndGet();
        done.run();
      });
    });
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String name = args[1];
    int port = Integer.parseInt(args[2]);
    String token = args[3];
    int level = Integer.parseInt(args[4]);
    int seconds = Integer.parseInt(args[5]);
    long pid = Long.parseLong(args[6]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    LoadGen gen = new LoadGen(vertx, port, token, "open".equals(mode) || "hung".equals(mode) ? 20_000 : level);
    long cpu0 = cpuTicks(pid);
    long t0 = System.nanoTime();
    String extra = "";
    switch (mode) {
      case "closed" -> gen.closed(level, seconds);
      case "open", "hung" -> gen.open(vertx, level, seconds);
      case "hold" -> extra = gen.hold(vertx, level, seconds, pid, args.length > 7 ? Integer.parseInt(args[7]) : 1_000);
      default -> throw new IllegalArgumentException(mode);
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    double cores = (cpuTicks(pid) - cpu0) / 100.0 / elapsed;
    System.out.printf("RESULT name=%s mode=%s level=%d secs=%.1f views=%d vps=%.1f refused=%d failed=%d incomplete=%d "
            + "p50first=%d p99first=%d p50complete=%d p99complete=%d maxcomplete=%d cpu=%.2f codes=%s%s%n",
        name, mode, level, elapsed, gen.ok.get(), gen.ok.get() / elapsed, gen.refused.get(), gen.failed.get(),
        gen.incomplete.get(), pct(gen.first, 50), pct(gen.first, 99), pct(gen.complete, 50), pct(gen.complete, 99), pct(gen.complete, 100), cores,
        String.join(",", gen.codes.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toList()), extra);
    vertx.close().await();
    System.exit(0);
  }

  private void closed(int clients, int seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch stopped = new CountDownLatch(clients);
    for (int i = 0; i < clients; i++) {
      loop(end, stopped);
    }
    stopped.await(seconds + 60L, TimeUnit.SECONDS);
  }

  private void loop(long end, CountDownLatch stopped) {
    if (System.nanoTime() >= end) {
      stopped.countDown();
      return;
    }
    view(System.nanoTime(), null, () -> loop(end, stopped));
  }

  private void open(Vertx vertx, int rate, int seconds) throws InterruptedException {
    long start = System.nanoTime();
    long total = (long) rate * seconds;
    AtomicLong sent = new AtomicLong();
    CountDownLatch ended = new CountDownLatch((int) total);
    vertx.setPeriodic(2, id -> {
      long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
      while (sent.get() < due) {
        long n = sent.getAndIncrement();
        view(start + n * 1_000_000_000L / rate, null, ended::countDown);
      }
      if (sent.get() >= total) {
        vertx.cancelTimer(id);
      }
    });
    ended.await(seconds + 60L, TimeUnit.SECONDS);
  }

  private String hold(Vertx vertx, int n, int seconds, long pid, int rate) throws Exception {
    CountDownLatch held = new CountDownLatch(n);
    long start = System.nanoTime();
    AtomicLong sent = new AtomicLong();
    vertx.setPeriodic(5, id -> {
      long due = Math.min(n, (System.nanoTime() - start) * rate / 1_000_000_000L);
      while (sent.get() < due) {
        sent.incrementAndGet();
        view(System.nanoTime(), held::countDown, () -> { });
      }
      if (sent.get() >= n) {
        vertx.cancelTimer(id);
      }
    });
    boolean all = held.await(n / Math.max(1, rate) + 60L, TimeUnit.SECONDS);
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    return String.format(" held=%d allHeld=%s rssMiB=%d openFds=%d", n - held.getCount(), all, rssKb(pid) / 1024, fds(pid));
  }

  static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (Exception e) {
      return 0;
    }
  }

  static long rssKb(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  static long fds(long pid) {
    try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return list.count();
    } catch (Exception e) {
      return -1;
    }
  }

  private static long pct(List<Long> nanos, int p) {
    List<Long> sorted;
    synchronized (nanos) {
      sorted = new ArrayList<>(nanos);
    }
    if (sorted.isEmpty()) {
      return -1;
    }
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p / 100.0) - 1)) / 1_000_000L;
  }
}
