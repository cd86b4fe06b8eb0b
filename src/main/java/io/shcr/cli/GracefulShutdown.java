package io.shcr.cli;

import io.shcr.api.ShcrServer;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM shutdown hook (SIGTERM, Ctrl+C) that drives the server's drain and waits for it with a
 * limit: the drain limit, plus the time views take to end and their outcomes to be audited, plus what
 * leaving the cluster and closing Vert.x take. Past that the process exits anyway.
 */
public final class GracefulShutdown {

  private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

  /** What the hook allows beyond the drain limit: views ending, audit sync, cluster leave, Vert.x close. */
  static final long AFTER_DRAIN_MS = 15_000;

  private GracefulShutdown() {}

  /** Installs the hook: drain {@code server} for at most {@code drainLimitMs}, then run {@code after} (cluster, Vert.x). */
  public static void install(ShcrServer server, long drainLimitMs, Supplier<Future<Void>> after) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      long started = System.nanoTime();
      LOG.info("Shutdown requested: draining (limit {} ms)", drainLimitMs);
      Future<Void> done = server.drain(drainLimitMs)
          .onFailure(t -> LOG.warn("Drain ended with a failure: {}", t.toString()))
          .eventually(after::get);
      try {
        done.toCompletionStage().toCompletableFuture().get(drainLimitMs + AFTER_DRAIN_MS, TimeUnit.MILLISECONDS);
        LOG.info("Drained and stopped in {} ms", (System.nanoTime() - started) / 1_000_000L);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.warn("Shutdown did not finish within {} ms: exiting anyway ({})", drainLimitMs + AFTER_DRAIN_MS, e.toString());
      }
    }, "shcr-drain"));
  }
}
