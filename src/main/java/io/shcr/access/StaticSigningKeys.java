package io.shcr.access;

import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Public keys read once from PEM files named in {@code access-policy.yaml}. */
public final class StaticSigningKeys implements SigningKeys {

  private static final Logger LOG = LoggerFactory.getLogger(StaticSigningKeys.class);

  private final List<VerificationKey> keys;

  public StaticSigningKeys(List<VerificationKey> keys) {
    this.keys = List.copyOf(keys);
  }

  public static StaticSigningKeys fromFiles(List<AccessPolicy.KeyFile> files) {
    for (AccessPolicy.KeyFile file : files) {
      if (file.demoOnly()) {
        LOG.warn("TRUSTING THE DEMO SIGNING KEY {} ({}): its private half is public, so anyone can mint accepted tokens. "
            + "Never use it in a real deployment.",
            file.kid(), file.file());
      }
    }
    return new StaticSigningKeys(files.stream().map(f -> VerificationKey.of(f.kid(), Pem.publicKey(f.file()))).toList());
  }

  @Override
  public Future<List<VerificationKey>> candidates(String kid) {
    if (kid == null) {
      return Future.succeededFuture(keys);
    }
    return Future.succeededFuture(keys.stream().filter(k -> kid.equals(k.kid())).toList());
  }
}
