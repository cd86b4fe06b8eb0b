package io.shcr.health;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Supplier;

/**
 * A probe asked at most once per {@code ttlMs}: readiness is polled by load balancers every few
 * seconds, and a dependency (Spine) should not be asked that often. Concurrent callers share the probe
 * in flight; with a ttl of 0 nothing is reused but that.
 */
final class CachedProbe implements Supplier<Future<Void>> {

  private final Supplier<Future<Void>> probe;
  private final long ttlNanos;
  private Future<Void> last;
  private long lastAt;

  CachedProbe(Supplier<Future<Void>> probe, long ttlMs) {
    this.probe = probe;
    this.ttlNanos = ttlMs * 1_000_000L;
  }

  @Override
  public synchronized Future<Void> get() {
    long now = System.nanoTime();
    if (last != null && (!last.isComplete() || now - lastAt < ttlNanos)) {
      return last;
    }
    Promise<Void> result = Promise.promise();
    last = result.future();
    lastAt = now;
    Future<Void> asked;
    try {
      asked = probe.get();
    } catch (RuntimeException e) {
      asked = Future.failedFuture(e);
    }
    asked.onComplete(done -> {
      synchronized (this) {
        // The ttl runs from the answer, so a slow probe is not asked again at once.
        lastAt = System.nanoTime();
      }
      result.handle(done);
    });
    return result.future();
  }
}
