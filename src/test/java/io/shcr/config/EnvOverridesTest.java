package io.shcr.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one rule for environment overrides: SHCR_<FILE>__<KEY>__<KEY>=value, read as YAML. */
class EnvOverridesTest {

  private static JsonObject service() {
    return new JsonObject().put("http", new JsonObject().put("host", "127.0.0.1").put("port", 8080))
        .put("record", new JsonObject().put("deadlineMs", 10_000));
  }

  @Test
  void nestedKeysInUpperSnakeCaseKeepTheirTypes() {
    JsonObject out = EnvOverrides.apply(service(), "service.yaml", Map.of(
        "SHCR_SERVICE__HTTP__PORT", "18081",
        "SHCR_SERVICE__HTTP__HOST", "0.0.0.0",
        "SHCR_SERVICE__RECORD__DEADLINE_MS", "2500",
        "SHCR_SERVICE__HTTP__H2C", "true",
        "SHCR_SERVICE__HTTP__EVENT_LOOPS", "3"));
    assertThat(out.getJsonObject("http").getValue("port")).isEqualTo(18081);
    assertThat(out.getJsonObject("http").getString("host")).isEqualTo("0.0.0.0");
    assertThat(out.getJsonObject("record").getValue("deadlineMs")).isEqualTo(2500);
    assertThat(out.getJsonObject("http").getValue("h2c")).isEqualTo(true);
    assertThat(out.getJsonObject("http").getValue("eventLoops")).as("a key the file leaves out, in camel case").isEqualTo(3);
  }

  @Test
  void otherFilesVariablesAndSingleUnderscoreSecretsAreLeftAlone() {
    JsonObject audit = new JsonObject().put("key", new JsonObject().put("env", "SHCR_AUDIT_KEY"));
    JsonObject out = EnvOverrides.apply(audit.copy(), "audit.yaml", Map.of("SHCR_AUDIT_KEY", "a-secret-value-0123456789",
        "SHCR_SERVICE__HTTP__PORT", "1", "SHCR_AUDIT_DB_USER", "shcr"));
    assertThat(out).isEqualTo(audit);
  }

  @Test
  void fileNamesWithDashesListsByIndexAndFlowYaml() {
    JsonObject sources = new JsonObject().put("sources", new JsonArray()
        .add(new JsonObject().put("id", "RXN").put("baseUrl", "http://127.0.0.1:8090/RXN")));
    JsonObject out = EnvOverrides.apply(sources, "sources.yaml", Map.of("SHCR_SOURCES__SOURCES__0__BASE_URL", "https://rxn.example/fhir"));
    assertThat(out.getJsonArray("sources").getJsonObject(0).getString("baseUrl")).isEqualTo("https://rxn.example/fhir");
    JsonObject policy = EnvOverrides.apply(new JsonObject(), "access-policy.yaml",
        Map.of("SHCR_ACCESS_POLICY__PRIVACY__REGION_WIDE", "[RXN, RTX]"));
    assertThat(policy.getJsonObject("privacy").getJsonArray("regionWide")).containsExactly("RXN", "RTX");
    assertThat(EnvOverrides.prefix("access-policy.yaml")).isEqualTo("SHCR_ACCESS_POLICY__");
  }

  @Test
  void namesThatCannotBeAppliedStopStartUpNamingTheVariable() {
    assertThatThrownBy(() -> EnvOverrides.apply(service(), "service.yaml", Map.of("SHCR_SERVICE__HTTP__PORT__X", "1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SHCR_SERVICE__HTTP__PORT__X");
    JsonObject list = new JsonObject().put("sources", new JsonArray().add(new JsonObject()));
    assertThatThrownBy(() -> EnvOverrides.apply(list, "sources.yaml", Map.of("SHCR_SOURCES__SOURCES__5__ID", "X")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not an element");
    assertThatThrownBy(() -> EnvOverrides.apply(service(), "service.yaml", Map.of("SHCR_SERVICE__HTTP___PORT", "1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("empty key");
  }

  @Test
  void relativeDataPathsGoUnderTheDataDirectoryNeverTheWorkingDirectory() {
    assertThat(DataDirectory.resolve("audit", Map.of("SHCR_DATA", "/var/lib/shcr"))).isEqualTo(Path.of("/var/lib/shcr/audit"));
    assertThat(DataDirectory.resolve("audit", Map.of())).isEqualTo(Path.of(System.getProperty("user.home"), ".shcr", "audit"));
    assertThat(DataDirectory.resolve("/srv/audit", Map.of("SHCR_DATA", "/var/lib/shcr"))).isEqualTo(Path.of("/srv/audit"));
  }

  @Test
  void thePackagedConfigurationIsTheShippedOne() throws Exception {
    Path packaged = ConfigDirectory.resolve(null, Map.of());
    assertThat(packaged.toAbsolutePath()).isNotEqualTo(Path.of("conf").toAbsolutePath());
    for (String file : new String[] {"service.yaml", "sources.yaml", "access-policy.yaml", "audit.yaml", "operations.yaml",
        "demo-keys/demo-es256-public.pem"}) {
      assertThat(java.nio.file.Files.readString(packaged.resolve(file))).as(file)
          .isEqualTo(java.nio.file.Files.readString(Path.of("conf").resolve(file)));
    }
    assertThat(ConfigDirectory.resolve(null, Map.of("SHCR_CONFIG", "conf"))).isEqualTo(Path.of("conf"));
    assertThatThrownBy(() -> ConfigDirectory.resolve(Path.of("no-such-dir"), Map.of())).isInstanceOf(ConfigException.class);
  }
}
