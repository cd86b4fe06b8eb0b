package io.shcr.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret that keys the audit chain: every record's hash and the head checkpoint are HMAC-SHA256
 * under it, so someone who can write the log or the table but does not hold the key cannot recompute
 * the chain after an edit. The service and {@code audit verify} need the same key. Never logged.
 */
public final class AuditKey {

  /** Fewest bytes a key may have: HMAC-SHA256 wants at least its output size. */
  public static final int MIN_BYTES = 32;

  private final SecretKeySpec key;
  private final boolean demo;
  /** One keyed Mac per thread: looking one up and keying it for every record cost more than the hash. */
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  private AuditKey(byte[] secret) {
    this(secret, false);
  }

  private AuditKey(byte[] secret, boolean demo) {
    this.demo = demo;
    if (secret.length < MIN_BYTES) {
      throw new IllegalArgumentException("an audit key needs at least " + MIN_BYTES + " bytes, found " + secret.length);
    }
    this.key = new SecretKeySpec(secret, "HmacSHA256");
  }

  /** A key from its text form (the environment variable or the inline demo key), as UTF-8 bytes. */
  public static AuditKey of(String secret) {
    return new AuditKey(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** The inline key from audit.yaml: demos and trials only. */
  public static AuditKey demo(String secret) {
    return new AuditKey(secret.getBytes(StandardCharsets.UTF_8), true);
  }

  /** True for the inline demo key, which a production start refuses. */
  public boolean isDemo() {
    return demo;
  }

  /** A fresh random key: a trail written with it can be verified only in this process (benchmarks). */
  public static AuditKey ephemeral() {
    byte[] secret = new byte[MIN_BYTES];
    new SecureRandom().nextBytes(secret);
    return new AuditKey(secret);
  }

  /** HMAC-SHA256 of the text under this key, as lower-case hex. */
  public String mac(String text) {
    // This thread's Mac, keyed once: doFinal leaves it reset under the same key, ready for the next record.
    Mac mac = macs.get();
    mac.reset();
    return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  @Override
  public String toString() {
    return "AuditKey[hidden]";
  }
}
