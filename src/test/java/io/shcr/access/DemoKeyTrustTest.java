package io.shcr.access;

import io.shcr.api.Authentication;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shcr.audit.AuditTrail;
import io.shcr.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The public demo key (and the inline hash secret) are trusted only when the process is told to. */
@ExtendWith(VertxExtension.class)
class DemoKeyTrustTest {

  private final AuditTrail audit = new FakeAuditTrail();

  @Test
  void theShippedPolicyIsMarkedDemoOnly() {
    AccessPolicy policy = AccessPolicyLoader.load(Path.of("conf"), name -> null);
    assertThat(policy.auth().publicKeys()).allSatisfy(k -> assertThat(k.demoOnly()).isTrue());
    assertThat(policy.hashSecretInline()).isTrue();
  }

  @Test
  void aPlainStartWithOnlyDemoKeysFailsSayingWhatToDo(Vertx vertx) {
    AccessPolicy policy = AccessPolicyLoader.load(Path.of("conf"), name -> "a-production-secret-from-the-vault");
    assertThatThrownBy(() -> AccessModule.create(vertx, policy, AccessTestBed.sources(), audit, java.time.Clock.systemUTC(), false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("jwksUrl").hasMessageContaining("publicKeys").hasMessageContaining("--trust-demo-key");
  }

  @Test
  void theInlineHashSecretNeedsTheEnvironmentUnlessDemoKeysAreTrusted(Vertx vertx, @TempDir Path dir) throws Exception {
    AccessPolicy policy = withExtraKey(AccessPolicyLoader.load(Path.of("conf"), name -> null), dir);
    assertThatThrownBy(() -> AccessModule.create(vertx, policy, AccessTestBed.sources(), audit, java.time.Clock.systemUTC(), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SHCR_ACCESS_HASH_SECRET");
    AccessModule.create(vertx, policy, AccessTestBed.sources(), audit, java.time.Clock.systemUTC(), true).close();
  }

  @Test
  void aDemoSignedTokenIsRefusedWhenDemoKeysAreNotTrusted(Vertx vertx, VertxTestContext test, @TempDir Path dir) throws Exception {
    AccessPolicy policy = withExtraKey(AccessPolicyLoader.load(Path.of("conf"), name -> "a-production-secret-from-the-vault"), dir);
    AccessModule module = AccessModule.create(vertx, policy, AccessTestBed.sources(), audit, java.time.Clock.systemUTC(), false);
    String token = DemoTokens.of(policy).persona("ed-doctor");
    Router router = Router.router(vertx);
    router.get("/who").handler(ctx -> Authentication.of(ctx, module.authenticator())
        .onSuccess(p -> ctx.json(new JsonObject().put("user", p.userId())))
        .onFailure(e -> ctx.response().setStatusCode(401).end()));
    vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .compose(server -> WebClient.create(vertx).get(server.actualPort(), "127.0.0.1", "/who")
            .putHeader("Authorization", "Bearer " + token).send())
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(401);
          module.close();
          test.completeNow();
        })));
  }

  /** The policy with a second, non-demo public key (a freshly made P-256 key). */
  private static AccessPolicy withExtraKey(AccessPolicy p, Path dir) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    Path file = dir.resolve("idp.pem");
    Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n");
    List<AccessPolicy.KeyFile> keys = new java.util.ArrayList<>(p.auth().publicKeys());
    keys.add(new AccessPolicy.KeyFile("idp-1", file, false));
    AccessPolicy.Auth a = p.auth();
    return new AccessPolicy(a.withPublicKeys(keys), p.participants(), p.roleViews(), p.breakGlass(), p.spine(), p.throttle(),
        p.hashSecret(), p.hashSecretInline(), p.demo());
  }
}
