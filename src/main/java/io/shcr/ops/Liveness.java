package io.shcr.ops;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Liveness: every event loop runs a small timed task (a heartbeat each {@code staleMs / 5}); the
 * process is alive while every loop has beaten within {@code staleMs}. A loop blocked by a stuck
 * handler stops beating, and the orchestrator restarts the process. Built on vertx-health-check: one
 * procedure per loop, so the answer names the loop that is stuck.
 */
public final class Liveness {

  private final Vertx vertx;
  private final long staleMs;
  private final AtomicLongArray beats;
  private final HealthChecks checks;
  private String deployment;

  private Liveness(Vertx vertx, int loops, long staleMs) {
    this.vertx = vertx;
    this.staleMs = staleMs;
    this.beats = new AtomicLongArray(loops);
    this.checks = HealthChecks.create(vertx);
    long now = System.nanoTime();
    for (int i = 0; i < loops; i++) {
      beats.set(i, now);
      int loop = i;
      checks.register("event-loop-" + i, promise -> {
        long silentMs = (System.nanoTime() - beats.get(loop)) / 1_000_000L;
        promise.complete(silentMs <= staleMs ? Status.OK()
            : Status.KO(new io.vertx.core.json.JsonObject().put("silentMs", silentMs)));
      });
    }
  }

  /**
   * Starts one heartbeat per event loop. Instances deployed together are given consecutive loops, so
   * as many instances as loops cover each loop once.
   */
  public static Future<Liveness> start(Vertx vertx, long staleMs) {
    int loops = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    Liveness liveness = new Liveness(vertx, loops, staleMs);
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    return vertx.deployVerticle(() -> new Heartbeat(liveness, next.getAndIncrement() % loops),
            new DeploymentOptions().setInstances(loops))
        .map(id -> {
          liveness.deployment = id;
          return liveness;
        });
  }

  /** Whether every loop has beaten recently; the JSON names each loop's state. */
  public Future<io.vertx.ext.healthchecks.CheckResult> check() {
    return checks.checkStatus();
  }

  public Future<Void> stop() {
    return deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
  }

  private static final class Heartbeat extends VerticleBase {
    private final Liveness liveness;
    private final int slot;

    Heartbeat(Liveness liveness, int slot) {
      this.liveness = liveness;
      this.slot = slot;
    }

    @Override
    public Future<?> start() {
      vertx.setPeriodic(Math.max(20, liveness.staleMs / 5), id -> liveness.beats.set(slot, System.nanoTime()));
      return Future.succeededFuture();
    }
  }
}
