package io.shcr.access.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.vertx.core.Future;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;

/** Public keys configured once (PEM files named in {@code access-policy.yaml}); nothing is ever fetched. */
public final class StaticSigningKeys implements SigningKeys {

  private final JWKSet keys;

  public StaticSigningKeys(List<JWK> keys) {
    this.keys = new JWKSet(List.copyOf(keys));
  }

  /**
   * A configured public key as a signing JWK bound to its one algorithm: RSA of at least 2048 bits for RS256,
   * EC P-256 for ES256. Anything else is refused at start-up.
   */
  public static JWK signingKey(String kid, PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
        throw new IllegalArgumentException("RSA key " + kid + " is shorter than " + MIN_RSA_BITS + " bits");
      }
      return new RSAKey.Builder(rsa).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).build();
    }
    if (key instanceof ECPublicKey ec && Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
      return new ECKey.Builder(Curve.P_256, ec).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).build();
    }
    throw new IllegalArgumentException("key " + kid + " is neither RSA nor EC P-256");
  }

  @Override
  public Future<List<JWK>> candidates(JWSAlgorithm algorithm, String kid) {
    return Future.succeededFuture(new JWKSelector(SigningKeys.matcher(algorithm, kid)).select(keys));
  }
}
