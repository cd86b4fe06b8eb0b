package io.shcr.access;

import io.vertx.core.Future;
import java.util.List;

/**
 * The keys the identity provider signs tokens with: static PEM files, or a JWKS fetched and refreshed.
 * A failed Future means the keys cannot be had right now (the JWKS is unreachable).
 */
public interface SigningKeys {

  /** The keys that may have signed a token with this {@code kid} (null: every key). */
  Future<List<VerificationKey>> candidates(String kid);
}
