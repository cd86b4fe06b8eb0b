package io.shcr.access;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.util.Base64;

/** Signs compact JWTs with an RSA (RS256) or P-256 (ES256) private key: demo tokens and tests only. */
public final class JwtSigner {

  private JwtSigner() {}

  public static String sign(JsonObject claims, String kid, PrivateKey key) {
    boolean ec = key instanceof ECPrivateKey;
    JsonObject header = new JsonObject().put("alg", ec ? "ES256" : "RS256").put("typ", "JWT");
    if (kid != null) {
      header.put("kid", kid);
    }
    String signingInput = encode(header) + "." + encode(claims);
    try {
      Signature signer = Signature.getInstance(ec ? "SHA256withECDSAinP1363Format" : "SHA256withRSA");
      signer.initSign(key);
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
    }
  }

  /** The base64url form of a JSON object, as a JWT part. */
  public static String encode(JsonObject json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}
