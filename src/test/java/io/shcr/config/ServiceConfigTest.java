package io.shcr.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceConfigTest {

  private final ServiceConfig file = ServiceConfig.fromJson(Path.of("conf"),
      new JsonObject().put("http", new JsonObject().put("host", "127.0.0.1").put("port", 8080)));

  @Test
  void environmentOverridesHostAndPort() {
    ServiceConfig config = ServiceConfig.withEnvironment(file, Map.of("SHCR_HTTP_HOST", "0.0.0.0", "SHCR_HTTP_PORT", "9090"));
    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.port()).isEqualTo(9090);
    assertThat(ServiceConfig.withEnvironment(file, Map.of()).port()).isEqualTo(8080);
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> ServiceConfig.withEnvironment(file, Map.of("SHCR_HTTP_PORT", "eighty")))
        .hasMessageContaining("SHCR_HTTP_PORT");
    assertThatThrownBy(() -> ServiceConfig.fromJson(Path.of("conf"), new JsonObject().put("record",
        new JsonObject().put("deadlineMs", -1)))).hasMessageContaining("service.record.deadlineMs");
  }
}
