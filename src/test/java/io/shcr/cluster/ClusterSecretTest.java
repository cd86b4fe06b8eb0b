package io.shcr.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shcr.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the shared-state secret comes from: the environment in production; the public demo one only for trials. */
class ClusterSecretTest {

  private static final ClusterConfig SHIPPED = ClusterConfig.load(Path.of("conf"));
  private static final String REAL = "3f0c9a7e5b1d4c2a8e6f0b9d7c5a3e1f2b4d6c8a";

  @Test
  void productionTakesTheSecretFromTheEnvironment() {
    byte[] secret = ClusterSecret.resolve(SHIPPED, Map.of("SHCR_CLUSTER_SECRET", REAL)::get, false);
    assertThat(new String(secret, StandardCharsets.UTF_8)).isEqualTo(REAL);
  }

  @Test
  void productionRefusesTheDemoSecretWhereverItComesFrom() {
    assertThatThrownBy(() -> ClusterSecret.resolve(SHIPPED, name -> null, false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SHCR_CLUSTER_SECRET").hasMessageContaining("--trust-demo-key");
    String demo = SHIPPED.secret().demoSecret();
    assertThatThrownBy(() -> ClusterSecret.resolve(SHIPPED, Map.of("SHCR_CLUSTER_SECRET", demo)::get, false))
        .hasMessageContaining("holds the demo secret");
    assertThatThrownBy(() -> ClusterSecret.resolve(SHIPPED, Map.of("SHCR_CLUSTER_SECRET", demo)::get, true))
        .as("not even for a trial: a variable is meant to be real").hasMessageContaining("holds the demo secret");
  }

  @Test
  void aShortSecretIsRefused() {
    assertThatThrownBy(() -> ClusterSecret.resolve(SHIPPED, Map.of("SHCR_CLUSTER_SECRET", "too-short-a-secret")::get, true))
        .hasMessageContaining("at least 32 characters");
  }

  @Test
  void aTrialUsesTheDemoSecretAndWithoutOneNeedsTheEnvironment() {
    assertThat(new String(ClusterSecret.resolve(SHIPPED, name -> null, true), StandardCharsets.UTF_8))
        .isEqualTo(SHIPPED.secret().demoSecret());
    ClusterConfig noDemo = SHIPPED.withSecret(new ClusterConfig.Secret("MY_SECRET", null));
    assertThatThrownBy(() -> ClusterSecret.resolve(noDemo, name -> null, true)).hasMessageContaining("MY_SECRET");
    assertThat(ClusterSecret.resolve(noDemo, Map.of("MY_SECRET", REAL)::get, false)).hasSize(REAL.length());
  }
}
