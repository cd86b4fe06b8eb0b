package io.shcr.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shcr.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit key comes from the named environment variable; an inline key only when explicitly allowed. */
class AuditConfigTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef-secret";

  @Test
  void theKeyComesFromTheNamedEnvironmentVariable() {
    JsonObject yaml = new JsonObject().put("key", new JsonObject().put("env", "MY_AUDIT_KEY"));
    AuditConfig config = AuditConfig.fromJson(yaml, "audit.yaml", Map.of("MY_AUDIT_KEY", SECRET));
    assertThat(config.key().mac("x")).isEqualTo(AuditKey.of(SECRET).mac("x"));
  }

  @Test
  void withNoKeyStartUpFailsNamingTheVariable() {
    assertThatThrownBy(() -> AuditConfig.fromJson(new JsonObject(), "audit.yaml", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SHCR_AUDIT_KEY");
  }

  @Test
  void anInlineKeyNeedsAllowInlineKey() {
    JsonObject inline = new JsonObject().put("key", new JsonObject().put("inline", SECRET));
    assertThatThrownBy(() -> AuditConfig.fromJson(inline, "audit.yaml", Map.of())).hasMessageContaining("allowInlineKey");
    inline.getJsonObject("key").put("allowInlineKey", true);
    assertThat(AuditConfig.fromJson(inline, "audit.yaml", Map.of()).key().mac("x")).isEqualTo(AuditKey.of(SECRET).mac("x"));
    assertThat(AuditConfig.fromJson(inline, "audit.yaml", Map.of("SHCR_AUDIT_KEY", "another-key-from-the-environment-0001")).key().mac("x"))
        .as("the environment wins").isNotEqualTo(AuditKey.of(SECRET).mac("x"));
  }

  @Test
  void aShortKeyIsRefusedAndRegionWideOfficersAreRead() {
    assertThatThrownBy(() -> AuditConfig.fromJson(new JsonObject(), "audit.yaml", Map.of("SHCR_AUDIT_KEY", "short")))
        .hasMessageContaining("at least 32 bytes");
    JsonObject yaml = new JsonObject().put("privacyOfficers", new JsonObject().put("regionWide", new io.vertx.core.json.JsonArray().add("RXN")));
    assertThat(AuditConfig.fromJson(yaml, "audit.yaml", Map.of("SHCR_AUDIT_KEY", SECRET)).regionWide()).containsExactly("RXN");
  }

  @Test
  void theShippedConfigurationStartsWithTheDemoKey() {
    AuditConfig config = AuditConfig.fromJson(io.shcr.config.YamlFiles.readOptional(java.nio.file.Path.of("conf", AuditConfig.FILE)),
        "conf/audit.yaml", Map.of());
    assertThat(config.key()).isNotNull();
  }
}
