package io.shcr.access;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 of identifiers under a configured secret: the only form in which a user or a patient
 * appears in state a cluster shares (break-glass grants, throttle counters). Without the secret the
 * keys cannot be turned back into NHS numbers by trying all ten-digit numbers.
 */
public final class KeyedHash {

  private final SecretKeySpec key;

  public KeyedHash(byte[] secret) {
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  /** The hex HMAC of the parts joined with a separator no part can contain. */
  public String of(String... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      for (String part : parts) {
        mac.update(part.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
      }
      return HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
