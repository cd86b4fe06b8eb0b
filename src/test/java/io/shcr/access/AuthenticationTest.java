package io.shcr.access;

import io.shcr.api.Authentication;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.token.JwksSigningKeys;
import io.shcr.access.token.JwtVerifier;
import io.shcr.access.token.SigningKeys;
import io.shcr.access.token.StaticSigningKeys;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.atomic.AtomicInteger;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every way a bearer token is refused, each with a reason a developer can act on, and the ways it is accepted. */
@ExtendWith(VertxExtension.class)
class AuthenticationTest {

  private final AccessTestBed bed = new AccessTestBed();

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    bed.start(vertx, 100, 1000).onComplete(test.succeedingThenComplete());
  }

  @Test
  void aValidDemoTokenIsAccepted(VertxTestContext test) {
    expectAllowed(test, bed.persona("ed-doctor"));
  }

  @Test
  void noBearerTokenIsRefused(VertxTestContext test) {
    expect401(test, null, "Authorization: Bearer");
  }

  @Test
  void aForgedSignatureIsRefused(VertxTestContext test) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair attacker = generator.generateKeyPair();
    String forged = JwtSigner.sign(claimsOf(bed.persona("ed-doctor")), "shcr-demo-es256", attacker.getPrivate());
    expect401(test, forged, "signature does not verify");
  }

  @Test
  void anAlteredPayloadIsRefused(VertxTestContext test) {
    String[] parts = bed.persona("receptionist").split("\\.");
    JsonObject claims = claimsOf(bed.persona("receptionist"));
    claims.getJsonArray("nhsid_nrbac_roles").getJsonObject(0).put("role_code", "S8000:G8000:R8000");
    expect401(test, parts[0] + "." + JwtSigner.encode(claims) + "." + parts[2], "signature does not verify");
  }

  @Test
  void algNoneIsRefused(VertxTestContext test) {
    JsonObject header = new JsonObject().put("alg", "none").put("typ", "JWT");
    expect401(test, JwtSigner.encode(header) + "." + JwtSigner.encode(claimsOf(bed.persona("ed-doctor"))) + ".", "alg 'none'");
  }

  @Test
  void hmacSignedWithThePublicKeyIsRefused(VertxTestContext test) throws Exception {
    byte[] publicPem = java.nio.file.Files.readAllBytes(Path.of("conf/demo-keys/demo-es256-public.pem"));
    JsonObject header = new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", "shcr-demo-es256");
    String input = JwtSigner.encode(header) + "." + JwtSigner.encode(claimsOf(bed.persona("ed-doctor")));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(publicPem, "HmacSHA256"));
    String signature = Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    expect401(test, input + "." + signature, "HMAC-signed tokens (HS256) are refused");
  }

  @Test
  void anExpiredTokenIsRefused(VertxTestContext test) {
    String token = bed.tokens.mint(spec(Duration.ofMinutes(5)));
    bed.clock.advance(Duration.ofMinutes(10));
    expect401(test, token, "the token expired at");
  }

  @Test
  void aTokenWithinTheClockSkewIsAccepted(VertxTestContext test) {
    String token = bed.tokens.mint(spec(Duration.ofMinutes(5)));
    bed.clock.advance(Duration.ofMinutes(5).plusSeconds(30));
    expectAllowed(test, token);
  }

  @Test
  void aTokenNotYetValidIsRefused(VertxTestContext test) {
    JsonObject claims = claimsOf(bed.persona("ed-doctor"));
    claims.put("nbf", bed.clock.instant().getEpochSecond() + 600);
    expect401(test, signWithDemoKey(claims), "not valid yet");
  }

  @Test
  void theWrongAudienceIsRefused(VertxTestContext test) {
    JsonObject claims = claimsOf(bed.persona("ed-doctor")).put("aud", new JsonArray().add("another-service"));
    expect401(test, signWithDemoKey(claims), "wrong audience");
  }

  @Test
  void anAudienceArrayNamingUsIsAcceptedWhenTheAuthorisedPartyIsUs(VertxTestContext test) {
    JsonObject claims = claimsOf(bed.persona("ed-doctor")).put("aud", new JsonArray().add("other").add("shcr-demo"))
        .put("azp", "shcr-demo");
    expectAllowed(test, signWithDemoKey(claims));
  }

  @Test
  void anAudienceArrayWithOthersAndNoAuthorisedPartyIsRefused(VertxTestContext test) {
    JsonObject claims = claimsOf(bed.persona("ed-doctor")).put("aud", new JsonArray().add("other").add("shcr-demo"));
    expect401(test, signWithDemoKey(claims), "several audiences but no authorised party ('azp')");
  }

  @Test
  void theWrongIssuerIsRefused(VertxTestContext test) {
    expect401(test, signWithDemoKey(claimsOf(bed.persona("ed-doctor")).put("iss", "https://evil.example")), "wrong issuer");
  }

  @Test
  void aMissingSelectedRoleIsRefused(VertxTestContext test) {
    JsonObject claims = claimsOf(bed.persona("ed-doctor"));
    claims.remove("selected_roleid");
    expect401(test, signWithDemoKey(claims), "no 'selected_roleid'");
  }

  @Test
  void aSelectedRoleMatchingNoRoleIsRefused(VertxTestContext test) {
    expect401(test, signWithDemoKey(claimsOf(bed.persona("ed-doctor")).put("selected_roleid", "999999999999")),
        "matches none of the token's nhsid_nrbac_roles");
  }

  @Test
  void theSelectedRoleIsTheActiveOneAmongSeveral(VertxTestContext test) {
    JsonObject claims = claimsOf(bed.persona("ed-doctor"));
    claims.getJsonArray("nhsid_nrbac_roles").add(new JsonObject().put("person_roleid", "555000100001-02")
        .put("org_code", "RXN").put("role_code", "S8000:G8000:R8009"));
    claims.put("selected_roleid", "555000100001-02");
    bed.open(signWithDemoKey(claims), AccessTestBed.RICH).onComplete(test.succeeding(json -> test.verify(() -> {
      assertThat(json.getString("jobRole")).isEqualTo("R8009");
      assertThat(json.getJsonArray("sections")).containsExactlyInAnyOrder("demographics", "alerts");
      test.completeNow();
    })));
  }

  @Test
  void rs256WithAStaticRsaKeyVerifies(Vertx vertx, VertxTestContext test) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair rsa = generator.generateKeyPair();
    AccessPolicy.Auth auth = bed.tokens.policy().auth();
    JwtVerifier verifier = new JwtVerifier(new StaticSigningKeys(List.of(StaticSigningKeys.signingKey("rsa-1", rsa.getPublic()))),
        auth.tokenRules(), bed.clock);
    String token = JwtSigner.sign(claimsOf(bed.persona("ed-doctor")), "rsa-1", rsa.getPrivate());
    verifier.verify(token).onComplete(test.succeeding(claims -> test.verify(() -> {
      assertThat(claims.getString("sub")).isEqualTo("555000100001");
      test.completeNow();
    })));
  }

  @Test
  void keysFromAJwksUrlVerifyAndAnUnknownKeyIsRefused(Vertx vertx, VertxTestContext test) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair rsa = generator.generateKeyPair();
    java.security.interfaces.RSAPublicKey pub = (java.security.interfaces.RSAPublicKey) rsa.getPublic();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    JsonObject jwks = new JsonObject().put("keys", new JsonArray().add(new JsonObject().put("kty", "RSA").put("kid", "idp-1")
        .put("use", "sig").put("alg", "RS256")
        .put("n", b64.encodeToString(unsigned(pub.getModulus().toByteArray())))
        .put("e", b64.encodeToString(unsigned(pub.getPublicExponent().toByteArray())))));
    vertx.createHttpServer().requestHandler(req -> req.response().putHeader("Content-Type", "application/json").end(jwks.encode()))
        .listen(0, "127.0.0.1")
        .compose(server -> {
          JwksSigningKeys keys = JwksSigningKeys.create(vertx, url("http://127.0.0.1:" + server.actualPort() + "/jwks"),
              new JwksSigningKeys.Settings(3_600_000, 2_000, 0));
          JwtVerifier verifier = new JwtVerifier(keys, bed.tokens.policy().auth().tokenRules(), bed.clock);
          return verifier.verify(JwtSigner.sign(claimsOf(bed.persona("ed-doctor")), "idp-1", rsa.getPrivate()))
              .compose(ok -> verifier.verify(bed.persona("ed-doctor")).map(claims -> "accepted").otherwise(e -> e.getMessage()));
        })
        .onComplete(test.succeeding(demoTokenOutcome -> test.verify(() -> {
          assertThat(demoTokenOutcome).contains("UNKNOWN_KEY").contains("no ES256 signing key with kid 'shcr-demo-es256'");
          test.completeNow();
        })));
  }

  @Test
  void refusalsCarryAnRfc6750Challenge(VertxTestContext test) {
    String expired = bed.tokens.mint(spec(Duration.ofMinutes(5)));
    bed.clock.advance(Duration.ofMinutes(10));
    bed.open(null, AccessTestBed.RICH).compose(none -> bed.open(expired, AccessTestBed.RICH).map(old -> {
      test.verify(() -> {
        assertThat(none.getJsonObject("headers").getString("WWW-Authenticate")).isEqualTo("Bearer realm=\"shcr\"");
        assertThat(old.getJsonObject("headers").getString("WWW-Authenticate"))
            .isEqualTo("Bearer realm=\"shcr\", error=\"invalid_token\", error_description=\"the token has expired\"");
      });
      return old;
    })).onComplete(test.succeedingThenComplete());
  }

  @Test
  void aTokenIsVerifiedOncePerRequestHoweverManyHandlersAsk(Vertx vertx, VertxTestContext test) {
    AtomicInteger lookups = new AtomicInteger();
    SigningKeys demoKeys = new StaticSigningKeys(List.of(StaticSigningKeys.signingKey("shcr-demo-es256",
        Pem.publicKey(Path.of("conf/demo-keys/demo-es256-public.pem")))));
    SigningKeys counting = (alg, kid) -> {
      lookups.incrementAndGet();
      return demoKeys.candidates(alg, kid);
    };
    Cis2Authenticator authenticator = new Cis2Authenticator(new JwtVerifier(counting, bed.tokens.policy().auth().tokenRules(),
        bed.clock), 3);
    Router router = Router.router(vertx);
    router.get("/twice").handler(ctx -> Authentication.of(ctx, authenticator).onComplete(first -> ctx.next()))
        .handler(ctx -> Authentication.of(ctx, authenticator).onComplete(second -> ctx.response().end(second.succeeded() ? "ok" : "refused")));
    WebClient client = WebClient.create(vertx);
    vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .compose(server -> client.get(server.actualPort(), "127.0.0.1", "/twice")
            .putHeader("Authorization", "Bearer " + bed.persona("ed-doctor")).send()
            .compose(ok -> client.get(server.actualPort(), "127.0.0.1", "/twice")
                .putHeader("Authorization", "Bearer " + bed.persona("ed-doctor") + "x").send()
                .map(refused -> List.of(ok.bodyAsString(), refused.bodyAsString()))))
        .onComplete(test.succeeding(bodies -> test.verify(() -> {
          assertThat(bodies).containsExactly("ok", "refused");
          assertThat(lookups.get()).as("one key lookup per request, accepted or refused").isEqualTo(2);
          test.completeNow();
        })));
  }

  private static java.net.URL url(String text) {
    try {
      return new java.net.URI(text).toURL();
    } catch (java.net.URISyntaxException | java.net.MalformedURLException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static byte[] unsigned(byte[] bytes) {
    return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  private DemoTokens.Spec spec(Duration lifetime) {
    return new DemoTokens.Spec("555000100001", "Dr Test", "555000100001-01", "S8000:G8000:R8000", "RXN", List.of(), null, lifetime);
  }

  private String signWithDemoKey(JsonObject claims) {
    return JwtSigner.sign(claims, "shcr-demo-es256", Pem.privateKey(Path.of("conf/demo-keys/demo-es256-private.pem")));
  }

  static JsonObject claimsOf(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  private void expect401(VertxTestContext test, String token, String reason) {
    bed.open(token, AccessTestBed.RICH).onComplete(test.succeeding(json -> test.verify(() -> {
      assertThat(json.getBoolean("allowed")).isFalse();
      assertThat(json.getInteger("status")).isEqualTo(401);
      assertThat(json.getString("code")).isEqualTo("UNAUTHORISED");
      assertThat(json.getString("message")).contains(reason);
      test.completeNow();
    })));
  }

  private void expectAllowed(VertxTestContext test, String token) {
    bed.open(token, AccessTestBed.RICH).onComplete(test.succeeding(json -> test.verify(() -> {
      assertThat(json.getBoolean("allowed")).as(json.encode()).isTrue();
      test.completeNow();
    })));
  }
}
