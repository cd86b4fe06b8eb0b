package io.shcr.access;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals every value this service keeps in a shared (cluster) map, so a value that did not come from a
 * node holding the cluster secret is recognised and ignored. A sealed value is the text
 * {@code v1:<HMAC-SHA256 hex>:<payload>}, the HMAC taken under the shared cluster secret over the
 * version, the map's name, the entry's key and the payload (each length-prefixed, so no two
 * different inputs give the same bytes). A value is trusted only when all four match: a value copied
 * to another key or another map, a payload altered by one character, an older format or anything that
 * is not a string fails {@link #open}.
 *
 * <p>What the seal does not do: it does not hide the payload (shcr keeps only reason codes, expiry
 * times, hashes and slot names there), it does not stop a value being deleted, and it does not stop a
 * sealed value being written back to the same key later (a replay); the payloads are built so that a
 * replay gives nothing (a grant carries its own expiry, throttle keys carry their window).
 */
public final class SharedValueSeal {

  static final String VERSION = "v1";
  private static final String PREFIX = VERSION + ":";
  private static final int MAC_HEX = 64;
  private static final byte[] DOMAIN = "shcr-shared-state".getBytes(StandardCharsets.UTF_8);

  private final SecretKeySpec key;
  /** One initialised MAC per thread (doFinal resets it): creating one per call costs more than the HMAC. */
  private final ThreadLocal<Mac> macs;

  public SharedValueSeal(byte[] secret) {
    if (secret == null || secret.length < 16) {
      throw new IllegalArgumentException("the shared-state secret must be at least 16 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /**
   * A seal under a secret no other process knows: for a single node, whose maps live in its own
   * memory. A clustered node needs the cluster's shared secret instead.
   */
  public static SharedValueSeal processLocal() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return new SharedValueSeal(secret);
  }

  /** Whether this seal's secret is {@code secret} (a cluster secret must not double as another secret). */
  public boolean usesSecret(byte[] secret) {
    return secret != null && MessageDigest.isEqual(key.getEncoded(), secret);
  }

  /** The sealed form of {@code payload} for {@code key} in {@code map}. */
  public String seal(String map, String key, String payload) {
    return PREFIX + HexFormat.of().formatHex(mac(map, key, payload)) + ":" + payload;
  }

  /**
   * The payload of a value read from {@code key} in {@code map}, or empty when the value is absent,
   * not a string, not in the sealed form, or its seal does not match.
   */
  public Optional<String> open(String map, String key, Object stored) {
    if (!(stored instanceof String text) || !text.startsWith(PREFIX) || text.length() < PREFIX.length() + MAC_HEX + 1
        || text.charAt(PREFIX.length() + MAC_HEX) != ':') {
      return Optional.empty();
    }
    byte[] claimed;
    try {
      claimed = HexFormat.of().parseHex(text, PREFIX.length(), PREFIX.length() + MAC_HEX);
    } catch (IllegalArgumentException notHex) {
      return Optional.empty();
    }
    String payload = text.substring(PREFIX.length() + MAC_HEX + 1);
    return MessageDigest.isEqual(claimed, mac(map, key, payload)) ? Optional.of(payload) : Optional.empty();
  }

  private byte[] mac(String map, String key, String payload) {
    Mac mac = macs.get();
    part(mac, DOMAIN);
    part(mac, VERSION.getBytes(StandardCharsets.UTF_8));
    part(mac, map.getBytes(StandardCharsets.UTF_8));
    part(mac, key.getBytes(StandardCharsets.UTF_8));
    part(mac, payload.getBytes(StandardCharsets.UTF_8));
    return mac.doFinal();
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static void part(Mac mac, byte[] bytes) {
    int n = bytes.length;
    mac.update((byte) (n >>> 24));
    mac.update((byte) (n >>> 16));
    mac.update((byte) (n >>> 8));
    mac.update((byte) n);
    mac.update(bytes);
  }
}
