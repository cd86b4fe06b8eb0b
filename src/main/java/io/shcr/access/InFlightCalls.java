package io.shcr.access;

import io.shcr.core.CallersContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Concurrent identical calls share one: while a call for a key is in flight, a caller asking for the
 * same key joins it instead of making another. Nothing is kept once the call ends (the key is dropped
 * before its callers hear the answer), so this is coalescing, never a cache. Each caller is answered on
 * its own Vert.x context, whichever event loop made the call.
 */
final class InFlightCalls<K, V> {

  private final ConcurrentMap<K, Future<V>> calls = new ConcurrentHashMap<>();

  /** The in-flight call for this key, or a new one made with {@code call}. */
  Future<V> join(K key, Supplier<Future<V>> call) {
    Promise<V> mine = Promise.promise();
    Future<V> running = calls.putIfAbsent(key, mine.future());
    if (running == null) {
      running = mine.future();
      Future<V> made;
      try {
        made = call.get();
      } catch (RuntimeException e) {
        made = Future.failedFuture(e);
      }
      made.onComplete(done -> {
        calls.remove(key, mine.future());
        mine.handle(done);
      });
    }
    return CallersContext.deliver(running);
  }

  /** Calls in flight right now. */
  int size() {
    return calls.size();
  }
}
