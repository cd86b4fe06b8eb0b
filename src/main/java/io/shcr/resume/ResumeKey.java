package io.shcr.resume;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key resume tokens are signed with. Every node of a cluster must accept every other node's tokens, so it
 * is derived from a secret they already share: the keyed-hash secret of {@code access-policy.yaml}
 * ({@code SHCR_ACCESS_HASH_SECRET}; its inline value for the demo and trials). It is derived, not used
 * as is, so a token's signature can never be mistaken for a keyed hash of an identifier.
 */
public final class ResumeKey {

  private static final String PURPOSE = "shcr resume-token signing key v1";

  private static final String SEALING = "shcr resume-token sealing key v2";

  private final SecretKeySpec key;
  private final SecretKeySpec sealing;
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  private ResumeKey(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(this.key);
      this.sealing = new SecretKeySpec(mac.doFinal(SEALING.getBytes(StandardCharsets.UTF_8)), "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /**
   * The AES-256 key a token's content is sealed under (AES-GCM: encrypted and authenticated), so a
   * token can be neither read nor altered: what a client has, and which source stands behind a restricted
   * patient's alias, stay unreadable to the client that carries it.
   */
  SecretKeySpec sealingKey() {
    return sealing;
  }

  /** The key every node holding this shared secret derives alike. */
  public static ResumeKey derivedFrom(byte[] sharedSecret) {
    if (sharedSecret == null || sharedSecret.length < 16) {
      throw new IllegalArgumentException("the secret resume tokens are derived from must be at least 16 bytes");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(sharedSecret.clone(), "HmacSHA256"));
      return new ResumeKey(mac.doFinal(PURPOSE.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** A key no other process holds: a node on its own (tests, embedded use) resumes only its own streams. */
  public static ResumeKey processLocal() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return derivedFrom(secret);
  }

  /**
   * This thread's MAC under this key, reset: keyed once per thread rather than looked up and keyed per view.
   * The caller finishes with it ({@code doFinal}) before asking for it again on the same thread.
   */
  Mac mac() {
    Mac mac = macs.get();
    mac.reset();
    return mac;
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
}
