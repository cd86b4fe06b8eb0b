package io.shcr.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shcr.config.ConfigException;
import io.shcr.core.Section;
import io.shcr.sources.SourceRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped policy loads and agrees with the simulated network; a broken one names every problem. */
class AccessPolicyLoaderTest {

  @Test
  void theShippedPolicyLoadsAndAgreesWithSources() {
    AccessPolicy policy = AccessPolicyLoader.load(Path.of("conf"), name -> null);
    assertThat(policy.roleViews().get("R8000").sections()).containsExactlyInAnyOrder(Section.values());
    assertThat(policy.roleViews().get("R0001").sections()).isEmpty();
    assertThat(policy.demo().personas()).extracting(AccessPolicy.Persona::id)
        .containsExactly("ed-doctor", "social-worker", "receptionist", "privacy-officer", "not-live-council", "gp",
            "gp-urgent-care");
    assertThat(policy.spine().maxConnections()).isEqualTo(32);
    assertThat(policy.spine().maxWaitQueue()).isEqualTo(500);
    assertThat(policy.spine().breaker()).isEqualTo(new AccessPolicy.SpineBreaker(10, 5_000));
    assertThat(policy.spine().probeCacheMs()).isEqualTo(5_000);
    Path sources = Path.of("conf/sources.yaml");
    if (Files.isRegularFile(sources)) {
      SourceRegistry registry = SourceRegistry.load(sources);
      Participation participation = new Participation(registry, policy.participants());
      assertThat(participation.liveSource("RXN")).isPresent();
      assertThat(participation.isLive("888")).isTrue();
      assertThat(participation.isLive("890")).isFalse();
      assertThat(participation.isKnown("890")).isTrue();
    }
  }

  @Test
  void theEnvironmentSecretWinsOverTheInlineOne() {
    AccessPolicy inline = AccessPolicyLoader.load(Path.of("conf"), name -> null);
    AccessPolicy env = AccessPolicyLoader.load(Path.of("conf"), name -> "a-production-secret-from-the-vault");
    assertThat(new String(env.hashSecret())).isEqualTo("a-production-secret-from-the-vault");
    assertThat(new KeyedHash(env.hashSecret()).of("x")).isNotEqualTo(new KeyedHash(inline.hashSecret()).of("x"));
  }

  @Test
  void everyProblemIsNamed(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("access-policy.yaml"), """
        authentication:
          audience: shcr
          publicKeys:
            - {kid: k1, file: missing.pem}
        roleViews:
          R8000: {sections: [demographics, gossip]}
        breakGlass:
          reasons: []
        keyedHash:
          secret: short
        spine:
          maxConnections: 0
          breaker: {resetMs: forever}
        """);
    assertThatThrownBy(() -> AccessPolicyLoader.load(dir, name -> null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("authentication.issuer: required")
        .hasMessageContaining("missing.pem")
        .hasMessageContaining("roleViews.R8000.sections: unknown section 'gossip'")
        .hasMessageContaining("breakGlass.reasons")
        .hasMessageContaining("SHCR_ACCESS_HASH_SECRET")
        .hasMessageContaining("access-policy.spine.maxConnections: expected a whole number from 1")
        .hasMessageContaining("access-policy.spine.breaker.resetMs");
  }

  @Test
  void tokenRulesDefaultToCis2SmartcardAndTwelveHours() {
    AccessPolicy.Auth auth = AccessPolicyLoader.load(Path.of("conf"), name -> null).auth();
    assertThat(auth.minimumAssuranceLevel()).isEqualTo(3);
    assertThat(auth.maxLifetimeMinutes()).isEqualTo(720);
    assertThat(auth.tokenRules().maxLifetimeSeconds()).isEqualTo(720 * 60);
    assertThat(auth.maxTokenLength()).isEqualTo(8192);
  }

  @Test
  void keysOverPlainHttpToAnotherHostAndDemoTokensTheServiceWouldRefuseAreNamed(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("access-policy.yaml"), """
        authentication:
          issuer: https://idp.example
          audience: shcr
          maxLifetimeMinutes: 60
          jwksUrl: http://idp.example/jwks
        breakGlass:
          reasons: [{code: emergency-treatment}]
        keyedHash:
          secret: a-long-enough-inline-secret
          allowInlineSecret: true
        demo:
          lifetimeMinutes: 480
        """);
    assertThatThrownBy(() -> AccessPolicyLoader.load(dir, name -> null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("authentication.jwksUrl: expected an https URL")
        .hasMessageContaining("demo.lifetimeMinutes: 480 is longer than authentication.maxLifetimeMinutes (60)");
  }

  @Test
  void aParticipantMayNotAlsoBeASource() {
    SourceRegistry registry = AccessTestBed.sources();
    assertThatThrownBy(() -> new Participation(registry, List.of(new AccessPolicy.Participant("RXN", "dup", true))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("already a source");
    assertThat(new RoleViews(Map.of()).permitted("R8000")).isEmpty();
  }
}
