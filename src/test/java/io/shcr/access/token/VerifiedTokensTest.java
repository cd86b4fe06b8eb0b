package io.shcr.access.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import io.shcr.access.JwtSigner;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A verified token is remembered (by its digest) so it is not verified again, but never past what a full
 * verification would allow: its expiry still refuses it, a key rotated out drops it, an altered token is
 * another token, a caller cannot change what the next one gets, and the memory is bounded.
 */
class VerifiedTokensTest {

  private static final TokenRules RULES = new TokenRules("https://idp.test", "shcr", 60, 3600, 8192);
  private static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");

  private final List<JWK> trusted = new CopyOnWriteArrayList<>();
  private final SigningKeys keys = (alg, kid) -> new StaticSigningKeys(trusted).candidates(alg, kid);
  private Instant now = T0;
  private final Clock clock = new Clock() {
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  };

  @Test
  void theSameTokenIsRememberedOnceAndItsClaimsAreEachCallersOwn() throws Exception {
    KeyPair key = trust("k1");
    JwtVerifier verifier = new JwtVerifier(keys, RULES, clock);
    String token = token("k1", key, "user-1");
    JsonObject first = await(verifier.verify(token));
    first.put("sub", "someone-else");
    assertThat(await(verifier.verify(token)).getString("sub")).isEqualTo("user-1");
    assertThat(remembered(verifier)).isEqualTo(1);
  }

  @Test
  void aRememberedTokenIsRefusedFromItsExpiry() throws Exception {
    KeyPair key = trust("k1");
    JwtVerifier verifier = new JwtVerifier(keys, RULES, clock);
    String token = token("k1", key, "user-1");
    await(verifier.verify(token));
    now = T0.plusSeconds(600 + 61);
    assertThat(problem(verifier.verify(token))).isEqualTo(TokenProblem.EXPIRED);
    assertThat(remembered(verifier)).isZero();
  }

  @Test
  void aKeyRotatedOutDropsTheTokensItVerified() throws Exception {
    KeyPair key = trust("k1");
    JwtVerifier verifier = new JwtVerifier(keys, RULES, clock);
    String token = token("k1", key, "user-1");
    await(verifier.verify(token));
    trusted.clear();
    KeyPair other = trust("k1");   // same kid, another key: the remembered token must not ride on its kid
    assertThat(other).isNotNull();
    assertThat(problem(verifier.verify(token))).isEqualTo(TokenProblem.BAD_SIGNATURE);
    trusted.clear();
    assertThat(problem(verifier.verify(token))).isEqualTo(TokenProblem.UNKNOWN_KEY);
  }

  @Test
  void anAlteredTokenIsAnotherTokenAndIsVerifiedInFull() throws Exception {
    KeyPair key = trust("k1");
    JwtVerifier verifier = new JwtVerifier(keys, RULES, clock);
    String token = token("k1", key, "user-1");
    await(verifier.verify(token));
    String[] parts = token.split("\\.");
    String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        claims("admin").encode().getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
    assertThat(problem(verifier.verify(forged))).isEqualTo(TokenProblem.BAD_SIGNATURE);
  }

  @Test
  void theMemoryIsBounded() throws Exception {
    KeyPair key = trust("k1");
    JwtVerifier verifier = new JwtVerifier(keys, RULES, clock, 2);
    for (int i = 0; i < 5; i++) {
      assertThat(await(verifier.verify(token("k1", key, "user-" + i))).getString("sub")).isEqualTo("user-" + i);
    }
    assertThat(remembered(verifier)).isEqualTo(2);
    JwtVerifier none = new JwtVerifier(keys, RULES, clock, 0);
    await(none.verify(token("k1", key, "user-1")));
    assertThat(remembered(none)).isZero();
  }

  private KeyPair trust(String kid) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    trusted.add(StaticSigningKeys.signingKey(kid, pair.getPublic()));
    return pair;
  }

  private static int remembered(JwtVerifier verifier) throws Exception {
    java.lang.reflect.Field field = JwtVerifier.class.getDeclaredField("verified");
    field.setAccessible(true);
    return ((VerifiedTokens) field.get(verifier)).size();
  }

  private JsonObject claims(String sub) {
    return new JsonObject().put("iss", RULES.issuer()).put("aud", RULES.audience()).put("sub", sub)
        .put("iat", now.getEpochSecond()).put("exp", now.getEpochSecond() + 600);
  }

  private String token(String kid, KeyPair key, String sub) {
    return JwtSigner.sign(claims(sub), kid, key.getPrivate());
  }

  private static TokenProblem problem(Future<?> future) {
    assertThat(future.failed()).as("refused").isTrue();
    assertThat(future.cause()).isInstanceOf(InvalidTokenException.class);
    return ((InvalidTokenException) future.cause()).problem();
  }

  private static <T> T await(Future<T> future) {
    assertThat(future.succeeded()).as("accepted: %s", future.cause()).isTrue();
    return future.result();
  }
}
