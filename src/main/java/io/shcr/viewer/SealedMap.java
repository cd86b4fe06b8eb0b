package io.shcr.viewer;

import io.shcr.access.SharedValueSeal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A cluster-shared map of viewer state (sessions, sign-ins in progress) whose values no other process
 * can read or forge: each is encrypted (AES-256-GCM, the map and key as associated data) under a key
 * derived from the cluster's shared-state secret, then sealed ({@link SharedValueSeal}) to its map and
 * key like every shared value. Keys are SHA-256 hashes of the browser's random secrets (session id,
 * sign-in state), so neither a key nor a value read from the cluster lets anyone act as a user.
 * A value that fails its seal or its decryption is treated as absent (fail closed).
 */
final class SealedMap {

  private static final int NONCE_BYTES = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final String name;
  private final SharedValueSeal seal;
  private final SecretKeySpec key;

  SealedMap(Vertx vertx, String name, SharedValueSeal seal) {
    this.vertx = vertx;
    this.name = name;
    this.seal = seal;
    // The seal's MAC over a fixed, otherwise unused input: the same on every node holding the cluster
    // secret, and unknown to anyone without it.
    String derivation = seal.seal("shcr.viewer.encryption-key", name, "");
    this.key = new SecretKeySpec(HexFormat.of().parseHex(derivation, 3, 67), "AES");
  }

  /** The map key for a browser-held secret: its SHA-256, never the secret itself. */
  static String keyOf(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh random secret for a browser to hold (256 bits, base64url). */
  static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  Future<Void> put(String mapKey, JsonObject value, long ttlMs) {
    String sealed = seal.seal(name, mapKey, encrypt(mapKey, value.encode()));
    return map().compose(map -> map.put(mapKey, sealed, ttlMs));
  }

  Future<Optional<JsonObject>> get(String mapKey) {
    return map().compose(map -> map.get(mapKey)).map(stored -> stored == null ? Optional.<JsonObject>empty()
        : seal.open(name, mapKey, stored).flatMap(payload -> decrypt(mapKey, payload)));
  }

  /** Removes and returns the value: what single-use entries (a sign-in's state) need. */
  Future<Optional<JsonObject>> take(String mapKey) {
    return map().compose(map -> map.remove(mapKey)).map(stored -> stored == null ? Optional.<JsonObject>empty()
        : seal.open(name, mapKey, stored).flatMap(payload -> decrypt(mapKey, payload)));
  }

  Future<Void> remove(String mapKey) {
    return map().compose(map -> map.remove(mapKey)).mapEmpty();
  }

  private Future<AsyncMap<String, Object>> map() {
    return vertx.sharedData().getAsyncMap(name);
  }

  private String encrypt(String mapKey, String plain) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      cipher.updateAAD((name + "\n" + mapKey).getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  private Optional<JsonObject> decrypt(String mapKey, String payload) {
    try {
      byte[] all = Base64.getDecoder().decode(payload);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, NONCE_BYTES));
      cipher.updateAAD((name + "\n" + mapKey).getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
      return Optional.of(new JsonObject(new String(plain, StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException | IllegalArgumentException | io.vertx.core.json.DecodeException e) {
      return Optional.empty();
    }
  }
}
