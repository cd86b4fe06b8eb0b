package io.shcr.viewer;

import io.shcr.access.SharedValueSeal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Optional;

/**
 * Viewer sessions in the cluster-shared state, so any node serves any page. The browser holds only a
 * random secret (the cookie); the map holds, under that secret's hash, the session encrypted and sealed
 * ({@link SealedMap}). A session ends when it has been idle for the configured time (the entry's time to
 * live, renewed on each use), when its ID token expires, or at sign-out.
 */
final class ViewerSessions {

  static final String MAP_NAME = "shcr.viewer.sessions";

  private final SealedMap map;
  private final long idleMs;
  private final Clock clock;

  ViewerSessions(Vertx vertx, SharedValueSeal seal, long idleMs, Clock clock) {
    this.map = new SealedMap(vertx, MAP_NAME, seal);
    this.idleMs = idleMs;
    this.clock = clock;
  }

  /** Stores a new session; the answer is the secret for the browser's cookie. */
  Future<String> create(JsonObject state) {
    String secret = SealedMap.newSecret();
    long ttl = ttl(state.getLong("expiresAt"));
    if (ttl <= 0) {
      return Future.failedFuture(new IllegalStateException("the ID token has already expired"));
    }
    state.put("lastSeen", clock.millis());
    return map.put(SealedMap.keyOf(secret), state, ttl).map(done -> secret);
  }

  /** The live session for a cookie's secret, its idle time renewed; empty when there is none (ended, idle, expired, forged). */
  Future<Optional<ViewerSession>> use(String secret) {
    if (secret == null || secret.isEmpty() || secret.length() > 64) {
      return Future.succeededFuture(Optional.empty());
    }
    String key = SealedMap.keyOf(secret);
    return map.get(key).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.empty());
      }
      JsonObject state = found.get();
      long ttl = ttl(state.getLong("expiresAt", 0L));
      if (ttl <= 0 || clock.millis() - state.getLong("lastSeen", 0L) >= idleMs) {
        return map.remove(key).map(done -> Optional.empty());
      }
      state.put("lastSeen", clock.millis());
      // Put again to renew the time to live (Hazelcast's async map has no replace with a TTL). A sign-out racing
      // this very renewal could be undone; the page clears itself and the entry still ends at the idle time.
      return map.put(key, state, ttl).map(done -> Optional.of(new ViewerSession(key, state)));
    });
  }

  /** The session for a cookie's secret without renewing it (sign-out reads who is leaving). */
  Future<Optional<ViewerSession>> peek(String secret) {
    if (secret == null || secret.isEmpty() || secret.length() > 64) {
      return Future.succeededFuture(Optional.empty());
    }
    String key = SealedMap.keyOf(secret);
    return map.get(key).map(found -> found.map(state -> new ViewerSession(key, state)));
  }

  Future<Void> end(String sessionKey) {
    return map.remove(sessionKey);
  }

  /** Idle time or what is left of the token, whichever ends first. */
  private long ttl(long tokenExpiresAtMs) {
    return Math.min(idleMs, tokenExpiresAtMs - clock.millis());
  }
}
