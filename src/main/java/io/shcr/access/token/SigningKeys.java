package io.shcr.access.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import io.vertx.core.Future;
import java.util.List;

/**
 * The keys the identity provider signs tokens with: static PEM files, or its JWKS fetched and cached. A
 * failed Future ({@link KeysUnavailableException}) means the keys cannot be had right now.
 */
public interface SigningKeys {

  /** The smallest RSA key accepted, in bits. */
  int MIN_RSA_BITS = 2048;

  /** The trusted keys that may have signed a token with this algorithm and {@code kid} (null: any id). */
  Future<List<JWK>> candidates(JWSAlgorithm algorithm, String kid);

  /** Releases what the key source holds (threads, connections). */
  default void close() {}

  /**
   * The keys that can verify this algorithm: the algorithm decides the key type (RSA of at least 2048 bits
   * for RS256, EC P-256 for ES256), never the other way round, which is what defeats algorithm confusion. A
   * key marked for encryption, bound to another algorithm or revoked never matches.
   */
  static JWKMatcher matcher(JWSAlgorithm algorithm, String kid) {
    JWKMatcher.Builder match = new JWKMatcher.Builder()
        .keyUses(KeyUse.SIGNATURE, null)
        .algorithms(algorithm, null)
        .nonRevokedOnly(true);
    if (JWSAlgorithm.RS256.equals(algorithm)) {
      match.keyType(KeyType.RSA).minKeySize(MIN_RSA_BITS);
    } else if (JWSAlgorithm.ES256.equals(algorithm)) {
      match.keyType(KeyType.EC).curve(Curve.P_256);
    } else {
      throw new IllegalArgumentException("not an accepted algorithm: " + algorithm);
    }
    if (kid != null) {
      match.keyID(kid);
    }
    return match.build();
  }
}
