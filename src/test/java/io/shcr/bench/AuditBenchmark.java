package io.shcr.bench;

import io.shcr.core.Principal;
import io.shcr.audit.AccessAudit;
import io.shcr.audit.AuditLog;
import io.shcr.audit.AuditStore;
import io.shcr.audit.ChainVerifier;
import io.shcr.audit.FileAuditStore;
import io.shcr.audit.PgAuditStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Durable audit appends per second with many concurrent writers (each a request waiting for its
 * {@code recordAccess} before it may send data), on the embedded store and on PostgreSQL. Prints
 * throughput, the group-commit factor (records per sync) and latency percentiles, then verifies the
 * chain. Run: see docs/performance.md, "Audit trail".
 *
 * <p>Arguments: {@code embedded|postgres [writers] [seconds] [dir-or-jdbc-host]}.
 */
public final class AuditBenchmark {

  private AuditBenchmark() {}

  public static void main(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "embedded";
    int writers = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    Vertx vertx = Vertx.vertx();
    String table = "audit_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Path tempDir = args.length > 3 ? null : Files.createTempDirectory("audit-bench");
    AuditStore store = "postgres".equals(kind)
        ? new PgAuditStore(vertx, new PgConnectOptions().setHost(args.length > 3 ? args[3] : "127.0.0.1").setPort(5432)
            .setDatabase("test").setUser("postgres"), table, 4)
        : new FileAuditStore(vertx, tempDir == null ? Path.of(args[3]) : tempDir, 64L << 20);
    AuditLog log = await(AuditLog.open(vertx, store, 1000));

    warmUp(log, vertx);
    long appendedBefore = log.appendedCount();
    long batchesBefore = log.batchCount();
    long[] latencies = new long[4_000_000];
    AtomicInteger done = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    long start = System.nanoTime();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      vertx.runOnContext(v -> loop(log, writer, running, done, latencies));
    }
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    running.set(false);
    double elapsed = (System.nanoTime() - start) / 1e9;
    Thread.sleep(500);
    int count = Math.min(done.get(), latencies.length);
    long[] sorted = Arrays.copyOf(latencies, count);
    Arrays.sort(sorted);
    long appended = log.appendedCount() - appendedBefore;
    long batches = log.batchCount() - batchesBefore;
    System.out.printf("store=%s writers=%d seconds=%.1f records=%d rate=%.0f/s records-per-sync=%.1f p50=%.2fms p99=%.2fms max=%.2fms%n",
        kind, writers, elapsed, count, count / elapsed, (double) appended / Math.max(1, batches),
        sorted[count / 2] / 1e6, sorted[(int) (count * 0.99)] / 1e6, sorted[count - 1] / 1e6);
    ChainVerifier.Report report = await(ChainVerifier.verify(store));
    System.out.printf("verify: intact=%s records=%d%n", report.intact(), report.checked());
    await(log.close());
    if ("postgres".equals(kind)) {
      dropTable(vertx, args.length > 3 ? args[3] : "127.0.0.1", table);
    }
    await(vertx.close());
    if (tempDir != null) {
      try (var files = Files.walk(tempDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
      }
    }
  }

  private static void loop(AuditLog log, int writer, AtomicBoolean running, AtomicInteger done, long[] latencies) {
    if (!running.get()) {
      return;
    }
    long began = System.nanoTime();
    log.recordAccess(access(writer)).onComplete(result -> {
      int index = done.getAndIncrement();
      if (index < latencies.length) {
        latencies[index] = System.nanoTime() - began;
      }
      if (result.failed()) {
        result.cause().printStackTrace();
        return;
      }
      loop(log, writer, running, done, latencies);
    });
  }

  private static void warmUp(AuditLog log, Vertx vertx) {
    List<Future<?>> warm = new java.util.ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      warm.add(log.recordAccess(access(i)));
    }
    await(Future.all(warm));
  }

  private static AccessAudit access(int writer) {
    Principal principal = new Principal("55512345" + writer, "Dr Bench " + writer, "5551234" + writer, "R8000", "A81001",
        Set.of("B0370"), null);
    return new AccessAudit(UUID.randomUUID().toString(), Instant.now(), principal, "record.view", "9434765919", "direct-care",
        null, List.of("summary", "medications", "allergies"), List.of("gp-a81001", "trust-rr8"), "allowed", null,
        "10.1.2.3", "Mozilla/5.0 (bench)");
  }

  private static void dropTable(Vertx vertx, String host, String table) {
    var pool = io.vertx.pgclient.PgBuilder.pool()
        .connectingTo(new PgConnectOptions().setHost(host).setPort(5432).setDatabase("test").setUser("postgres")).using(vertx).build();
    await(pool.query("DROP TABLE IF EXISTS " + table).execute().eventually(pool::close));
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
