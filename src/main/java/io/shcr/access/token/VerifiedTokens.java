package io.shcr.access.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature has verified, so a client sending the same token again is not verified again
 * (an ES256 verification costs ~1.35 ms of CPU, and every request carries the token). Keyed by the
 * SHA-256 of the token, never the token itself; bounded ({@code maxEntries}, expired entries go first).
 *
 * <p>A remembered token is only spared the signature check. Its dates are checked again on every use, so
 * it is refused from its expiry on, and it is believed only while the key that verified it is still a
 * candidate for its algorithm and {@code kid}: a key rotated out of the JWKS (or revoked) drops every token
 * it verified at their next use, which then gets the full verification and its refusal.
 */
final class VerifiedTokens {

  static final int DEFAULT_MAX_ENTRIES = 10_000;

  /** A verified token: its claims, the algorithm and kid of its header, the key that verified it, its expiry. */
  record Verified(JsonObject claims, JWSAlgorithm algorithm, String kid, JWK key, long expiresAtSecond) {}

  private final int maxEntries;
  private final Map<ByteBuffer, Verified> entries = new ConcurrentHashMap<>();

  VerifiedTokens(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  /** The token's digest, the key of its entry. */
  static ByteBuffer digest(String token) {
    try {
      return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  Verified get(ByteBuffer digest) {
    return entries.get(digest);
  }

  void remember(ByteBuffer digest, Verified verified, long nowSecond) {
    if (maxEntries <= 0) {
      return;
    }
    if (entries.size() >= maxEntries) {
      entries.values().removeIf(v -> v.expiresAtSecond() < nowSecond);
      // Still full: make room (any entry; a forgotten token is simply verified again).
      Iterator<ByteBuffer> oldest = entries.keySet().iterator();
      while (entries.size() >= maxEntries && oldest.hasNext()) {
        oldest.next();
        oldest.remove();
      }
    }
    entries.put(digest, verified);
  }

  void forget(ByteBuffer digest) {
    entries.remove(digest);
  }

  int size() {
    return entries.size();
  }
}
