package io.shcr.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shcr.config.ConfigException;
import io.shcr.config.EnvOverrides;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The admission settings: the queue's two, their defaults (as many may wait as the node serves, 5 s each),
 * their bounds, and the environment overrides every setting has.
 */
class AdmissionLimitsTest {

  @Test
  void theQueueDefaultsToTheNodesCapAndFiveSeconds() {
    AdmissionLimits limits = AdmissionLimits.from(new JsonObject().put("admission", new JsonObject().put("maxViews", 300)), "service.yaml");
    assertThat(limits.maxViews()).isEqualTo(300);
    assertThat(limits.maxWaiting()).isEqualTo(300);
    assertThat(limits.maxWaitMs()).isEqualTo(5_000);
    AdmissionLimits none = AdmissionLimits.from(new JsonObject(), "service.yaml");
    assertThat(none).isEqualTo(AdmissionLimits.DEFAULT);
    assertThat(none.maxWaiting()).isEqualTo(none.maxViews());
  }

  @Test
  @SuppressWarnings("unchecked")
  void theShippedConfigurationIsTheDefault() throws Exception {
    // The file as shipped, without this machine's SHCR_SERVICE__* overrides (a bench shell may set them).
    Map<String, Object> shipped = new ObjectMapper(new YAMLFactory()).readValue(Path.of("conf", "service.yaml").toFile(), Map.class);
    assertThat(AdmissionLimits.from(new JsonObject(shipped), "service.yaml")).isEqualTo(AdmissionLimits.DEFAULT);
  }

  @Test
  void theEnvironmentSetsTheQueue() {
    JsonObject service = EnvOverrides.apply(new JsonObject(), "service.yaml", Map.of(
        "SHCR_SERVICE__ADMISSION__QUEUE__MAX_WAITING", "0", "SHCR_SERVICE__ADMISSION__QUEUE__MAX_WAIT_MS", "15000"));
    AdmissionLimits limits = AdmissionLimits.from(service, "service.yaml");
    assertThat(limits.maxWaiting()).isZero();
    assertThat(limits.maxWaitMs()).isEqualTo(15_000);
  }

  @Test
  void outOfRangeSettingsAreRefusedAtStartUp() {
    assertThatThrownBy(() -> AdmissionLimits.from(new JsonObject().put("admission", new JsonObject()
        .put("queue", new JsonObject().put("maxWaiting", -1).put("maxWaitMs", 0))), "service.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("service.admission.queue.maxWaiting")
        .hasMessageContaining("service.admission.queue.maxWaitMs");
    assertThatThrownBy(() -> AdmissionLimits.from(new JsonObject().put("admission", new JsonObject()
        .put("queue", "lots")), "service.yaml"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("service.admission.queue");
  }
}
