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

  @Test
  void slowReaderBoundsHaveDefaultsAndAreValidated() {
    assertThat(file.slowReader()).isEqualTo(ServiceConfig.SlowReader.DEFAULT);
    assertThat(file.slowReader().maxEvents()).isEqualTo(2_000);
    assertThat(file.slowReader().maxBytes()).isEqualTo(4L * 1024 * 1024);
    assertThat(file.slowReader().graceMs()).isEqualTo(2_000);
    ServiceConfig set = ServiceConfig.fromJson(Path.of("conf"), new JsonObject().put("record", new JsonObject()
        .put("slowReader", new JsonObject().put("maxEvents", 500).put("maxBytes", 1_048_576).put("graceMs", 0))));
    assertThat(set.slowReader()).isEqualTo(new ServiceConfig.SlowReader(500, 1_048_576, 0));
    assertThat(ServiceConfig.withEnvironment(set, Map.of("SHCR_HTTP_PORT", "9090")).slowReader()).isEqualTo(set.slowReader());
    assertThat(set.withPort(0).slowReader()).isEqualTo(set.slowReader());
    assertThatThrownBy(() -> ServiceConfig.fromJson(Path.of("conf"), new JsonObject().put("record", new JsonObject()
        .put("slowReader", new JsonObject().put("maxBytes", 0))))).hasMessageContaining("service.record.slowReader.maxBytes");
    assertThatThrownBy(() -> ServiceConfig.fromJson(Path.of("conf"), new JsonObject().put("record", new JsonObject()
        .put("slowReader", new JsonObject().put("maxEvents", "many"))))).hasMessageContaining("service.record.slowReader.maxEvents");
  }

  @Test
  void theShippedFileLoads() {
    ServiceConfig shipped = ServiceConfig.fromJson(Path.of("conf"), YamlFiles.readOptional(Path.of("conf", "service.yaml")));
    assertThat(shipped.slowReader()).isEqualTo(new ServiceConfig.SlowReader(2_000, 4_194_304, 2_000));
  }
}
