package io.shcr.access;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

/**
 * A public key a token may be signed with, bound to the one algorithm it may verify: RSA keys of at
 * least 2048 bits verify RS256 only, P-256 keys ES256 only. Binding the algorithm to the key (never
 * taking it from the token) is what defeats {@code alg} confusion.
 *
 * @param kid the key id, or null when the key set names none
 * @param algorithm RS256 or ES256
 * @param key the public key
 */
public record VerificationKey(String kid, String algorithm, PublicKey key) {

  public static final String RS256 = "RS256";
  public static final String ES256 = "ES256";

  /** Binds a key to its algorithm; refuses key types and sizes we do not accept. */
  public static VerificationKey of(String kid, PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      if (rsa.getModulus().bitLength() < 2048) {
        throw new IllegalArgumentException("RSA key " + kid + " is shorter than 2048 bits");
      }
      return new VerificationKey(kid, RS256, key);
    }
    if (key instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() == 256) {
      return new VerificationKey(kid, ES256, key);
    }
    throw new IllegalArgumentException("key " + kid + " is neither RSA nor EC P-256");
  }

  /** The JCA signature algorithm; ES256 signatures are the raw 64-byte r||s form (P1363). */
  public String jcaAlgorithm() {
    return RS256.equals(algorithm) ? "SHA256withRSA" : "SHA256withECDSAinP1363Format";
  }
}
