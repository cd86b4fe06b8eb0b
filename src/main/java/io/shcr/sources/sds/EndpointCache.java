package io.shcr.sources.sds;

import io.shcr.core.CallersContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Each practice's last SDS lookup, kept for a bounded time: a found endpoint for {@code cacheMs}, a
 * failed lookup only for {@code failureCacheMs} (so an SDS outage costs one lookup per practice per
 * period, and its end is seen soon). Concurrent lookups for one practice share one. At most
 * {@code maxEntries} practices are kept; past that expired entries, then others, make room. It holds ODS codes, addresses
 * and ASIDs: never anything about a patient. Each caller is answered on its own Vert.x context.
 */
public final class EndpointCache {

  private record Kept(SdsLookup lookup, long untilNanos) {}

  private final long keepNanos;
  private final long keepFailedNanos;
  private final int maxEntries;
  private final LongSupplier nanoTime;
  private final Map<String, Kept> kept = new ConcurrentHashMap<>();
  private final Map<String, Future<SdsLookup>> inFlight = new ConcurrentHashMap<>();

  public EndpointCache(long cacheMs, long failureCacheMs, int maxEntries, LongSupplier nanoTime) {
    this.keepNanos = cacheMs * 1_000_000L;
    this.keepFailedNanos = Math.min(cacheMs, failureCacheMs) * 1_000_000L;
    this.maxEntries = Math.max(1, maxEntries);
    this.nanoTime = nanoTime;
  }

  /** The practice's kept lookup while it lasts, else the one in flight, else a new one made with {@code lookUp}. */
  public Future<SdsLookup> get(String practice, Supplier<Future<SdsLookup>> lookUp) {
    Kept known = kept.get(practice);
    if (known != null && nanoTime.getAsLong() - known.untilNanos() < 0) {
      return Future.succeededFuture(known.lookup());
    }
    Promise<SdsLookup> mine = Promise.promise();
    Future<SdsLookup> running = inFlight.putIfAbsent(practice, mine.future());
    if (running == null) {
      running = mine.future();
      Future<SdsLookup> made;
      try {
        made = lookUp.get();
      } catch (RuntimeException e) {
        made = Future.succeededFuture(SdsLookup.failed("could not be asked"));
      }
      made.otherwise(e -> SdsLookup.failed("could not be asked")).onComplete(done -> {
        keep(practice, done.result());
        inFlight.remove(practice, mine.future());
        mine.complete(done.result());
      });
    }
    return CallersContext.deliver(running);
  }

  /** Practices kept right now (tests). */
  int size() {
    return kept.size();
  }

  private void keep(String practice, SdsLookup lookup) {
    long keepFor = lookup.found() ? keepNanos : keepFailedNanos;
    if (keepFor <= 0) {
      kept.remove(practice);
      return;
    }
    if (kept.size() >= maxEntries && !kept.containsKey(practice)) {
      long now = nanoTime.getAsLong();
      kept.values().removeIf(k -> now - k.untilNanos() >= 0);
      Iterator<String> oldest = kept.keySet().iterator();
      while (kept.size() >= maxEntries && oldest.hasNext()) {
        oldest.next();
        oldest.remove();
      }
    }
    kept.put(practice, new Kept(lookup, nanoTime.getAsLong() + keepFor));
  }
}
