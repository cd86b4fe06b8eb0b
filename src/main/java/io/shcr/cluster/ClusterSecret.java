package io.shcr.cluster;

import io.shcr.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * The secret that seals every value the nodes of a cluster keep in shared maps
 * ({@code io.shcr.access.SharedValueSeal}): the same on every node, from the environment variable
 * {@code cluster.yaml} names ({@code sharedStateSecret.env}, default {@code SHCR_CLUSTER_SECRET}), at
 * least 32 characters. The inline {@code demoSecret} is a fallback for trials only: used when the
 * variable is unset and demo keys are trusted ({@code serve --trust-demo-key}), refused otherwise, and
 * a variable holding the demo value is refused too.
 */
public final class ClusterSecret {

  static final int MIN_LENGTH = 32;

  private ClusterSecret() {}

  public static byte[] resolve(ClusterConfig config, UnaryOperator<String> environment, boolean trustDemoKey) {
    ClusterConfig.Secret where = config.secret();
    String demo = where.demoSecret();
    String fromEnv = where.env() == null ? null : environment.apply(where.env());
    if (fromEnv != null && !fromEnv.isBlank()) {
      if (fromEnv.equals(demo)) {
        throw problem("the environment variable " + where.env() + " holds the demo secret written in cluster.yaml, which is "
            + "public: generate one (openssl rand -hex 32) and give the same value to every node");
      }
      if (fromEnv.length() < MIN_LENGTH) {
        throw problem("the secret in " + where.env() + " must be at least " + MIN_LENGTH + " characters");
      }
      return fromEnv.getBytes(StandardCharsets.UTF_8);
    }
    if (demo == null || demo.isBlank()) {
      throw problem("set the environment variable " + where.env() + " to a secret of at least " + MIN_LENGTH
          + " characters, the same on every node (openssl rand -hex 32)");
    }
    if (!trustDemoKey) {
      throw problem("sharedStateSecret: only the inline demo secret is configured, and it is public. Set the environment "
          + "variable " + where.env() + " to a secret of at least " + MIN_LENGTH + " characters, the same on every node; "
          + "or, for a trial only, pass --trust-demo-key");
    }
    return demo.getBytes(StandardCharsets.UTF_8);
  }

  private static ConfigException problem(String message) {
    return new ConfigException("cluster.yaml: " + message + ".");
  }
}
