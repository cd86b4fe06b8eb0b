package io.shcr.access.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.shcr.access.JwtSigner;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The identity provider's JWKS through nimbus's key source, against a fake identity provider: a rotated key
 * is fetched when a token names it, unknown kids do not hammer the provider, the last good set survives an
 * outage for the tolerance and no longer, no keys at all is 503 not 401, a provider that never answers is
 * cut off at the deadline without blocking the event loop, and the steady state answers without a fetch.
 */
class JwksSigningKeysTest {

  private static final TokenRules RULES = new TokenRules("https://idp.test", "shcr", 60, 3600, 8192);

  private Vertx vertx;
  private HttpServer idp;
  private final AtomicInteger fetches = new AtomicInteger();
  private final List<HttpServerRequest> hanging = new CopyOnWriteArrayList<>();
  private volatile Consumer<HttpServerRequest> answer;
  private JwksSigningKeys keys;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    idp = await(vertx.createHttpServer().requestHandler(request -> {
      fetches.incrementAndGet();
      answer.accept(request);
    }).listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() {
    if (keys != null) {
      keys.close();
    }
    hanging.forEach(r -> r.connection().close());
    await(vertx.close());
  }

  @Test
  void aRotatedKeyIsFetchedWhenATokenNamesItAndUnknownKidsDoNotHammerTheProvider() throws Exception {
    KeyPair first = ec();
    KeyPair second = ec();
    serve(ecJwk("k1", first));
    keys = keys(new JwksSigningKeys.Settings(600_000, 2_000, 0));
    JwtVerifier verifier = new JwtVerifier(keys, RULES, Clock.systemUTC());
    assertThat(await(verifier.verify(token("k1", first))).getString("sub")).isEqualTo("user-1");

    serve(ecJwk("k1", first), ecJwk("k2", second));
    assertThat(await(verifier.verify(token("k2", second))).getString("sub")).isEqualTo("user-1");
    assertThat(fetches.get()).as("the first fetch and one for the rotated key").isEqualTo(2);

    for (int i = 0; i < 20; i++) {
      assertThat(problem(verifier.verify(token("random-" + UUID.randomUUID(), second)))).isEqualTo(TokenProblem.UNKNOWN_KEY);
    }
    assertThat(fetches.get()).as("unknown kids within the refetch interval fetch nothing more").isEqualTo(2);
  }

  @Test
  void theSteadyStateAnswersAtOnceWithoutAFetch() throws Exception {
    KeyPair key = ec();
    serve(ecJwk("k1", key));
    keys = keys(new JwksSigningKeys.Settings(600_000, 2_000, 0));
    await(keys.candidates(JWSAlgorithm.ES256, "k1"));
    Future<List<JWK>> again = keys.candidates(JWSAlgorithm.ES256, "k1");
    assertThat(again.isComplete()).as("answered from the loaded set, no worker hop").isTrue();
    assertThat(again.result()).hasSize(1);
    assertThat(fetches.get()).isEqualTo(1);
  }

  @Test
  void keysThatCannotBeFetchedAreUnavailableNotARefusal() throws Exception {
    answer = request -> request.response().setStatusCode(500).end();
    keys = keys(new JwksSigningKeys.Settings(600_000, 2_000, 0));
    Throwable failure = awaitFailure(new JwtVerifier(keys, RULES, Clock.systemUTC()).verify(token("k1", ec())));
    assertThat(failure).isInstanceOf(KeysUnavailableException.class);
  }

  @Test
  void theLastGoodSetOutlivesAnOutageForTheToleranceOnly() throws Exception {
    KeyPair key = ec();
    serve(ecJwk("k1", key));
    // A cache of 300 ms and a tolerance of 2 s: the outage starts after the first fetch.
    JwksSigningKeys tolerant = keys(new JwksSigningKeys.Settings(300, 200, 2_000, 50));
    JwksSigningKeys intolerant = JwksSigningKeys.create(vertx, jwksUrl(), new JwksSigningKeys.Settings(300, 200, 0, 50));
    try {
      assertThat(await(tolerant.candidates(JWSAlgorithm.ES256, "k1"))).hasSize(1);
      assertThat(await(intolerant.candidates(JWSAlgorithm.ES256, "k1"))).hasSize(1);
      answer = request -> request.response().setStatusCode(503).end();
      await(vertx.timer(400, TimeUnit.MILLISECONDS));
      assertThat(await(tolerant.candidates(JWSAlgorithm.ES256, "k1"))).as("within the tolerance").hasSize(1);
      assertThat(awaitFailure(intolerant.candidates(JWSAlgorithm.ES256, "k1"))).isInstanceOf(KeysUnavailableException.class);
    } finally {
      intolerant.close();
    }
  }

  @Test
  void aProviderThatNeverAnswersIsCutOffAtTheDeadlineWithoutBlockingTheEventLoop() throws Exception {
    Promise<Void> disconnected = Promise.promise();
    answer = request -> {
      hanging.add(request);
      request.connection().closeHandler(v -> disconnected.tryComplete());
    };
    keys = keys(new JwksSigningKeys.Settings(600_000, 500, 0));
    Context loop = vertx.getOrCreateContext();
    Promise<String> outcome = Promise.promise();
    AtomicInteger ticks = new AtomicInteger();
    loop.runOnContext(v -> {
      long started = System.nanoTime();
      vertx.setPeriodic(20, id -> ticks.incrementAndGet());
      keys.candidates(JWSAlgorithm.ES256, "k1").onComplete(done -> outcome.complete(
          (done.failed() ? done.cause().getClass().getSimpleName() : "keys") + " after " + (System.nanoTime() - started) / 1_000_000
              + " ms on " + (Vertx.currentContext() == loop ? "the caller's context" : "another context")));
    });
    String result = await(outcome.future());
    assertThat(result).startsWith("KeysUnavailableException").endsWith("on the caller's context");
    assertThat(Long.parseLong(result.replaceAll(".* after (\\d+) ms.*", "$1"))).isLessThan(3_000);
    assertThat(ticks.get()).as("the caller's event loop kept running while the fetch waited").isGreaterThan(5);
    await(disconnected.future());
  }

  @Test
  void onlySigningKeysOfTheRightTypeAndSizeAreUsed() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(1024);
    KeyPair weak = generator.generateKeyPair();
    KeyPair encryption = ec();
    JsonObject weakJwk = new JsonObject(new RSAKey.Builder((RSAPublicKey) weak.getPublic()).keyID("weak").build().toJSONObject());
    JsonObject encJwk = new JsonObject(new ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, (ECPublicKey) encryption.getPublic())
        .keyID("enc").keyUse(KeyUse.ENCRYPTION).build().toJSONObject());
    serve(weakJwk, encJwk);
    keys = keys(new JwksSigningKeys.Settings(600_000, 2_000, 0));
    JwtVerifier verifier = new JwtVerifier(keys, RULES, Clock.systemUTC());
    assertThat(problem(verifier.verify(JwtSigner.sign(claims(), "weak", weak.getPrivate())))).isEqualTo(TokenProblem.UNKNOWN_KEY);
    assertThat(problem(verifier.verify(token("enc", encryption)))).isEqualTo(TokenProblem.UNKNOWN_KEY);
  }

  // ---- the fake identity provider and tokens

  private void serve(JsonObject... jwks) {
    JsonObject set = new JsonObject().put("keys", new io.vertx.core.json.JsonArray(List.of((Object[]) jwks)));
    answer = request -> request.response().putHeader("Content-Type", "application/jwk-set+json").end(set.encode());
  }

  private JwksSigningKeys keys(JwksSigningKeys.Settings settings) throws Exception {
    return JwksSigningKeys.create(vertx, jwksUrl(), settings);
  }

  private java.net.URL jwksUrl() throws Exception {
    return new URI("http://127.0.0.1:" + idp.actualPort() + "/jwks").toURL();
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static JsonObject ecJwk(String kid, KeyPair key) {
    return new JsonObject(new ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, (ECPublicKey) key.getPublic())
        .keyID(kid).keyUse(KeyUse.SIGNATURE).build().toPublicJWK().toJSONObject());
  }

  private static JsonObject claims() {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("iss", RULES.issuer()).put("aud", RULES.audience()).put("sub", "user-1").put("iat", now)
        .put("exp", now + 600);
  }

  private static String token(String kid, KeyPair key) {
    return JwtSigner.sign(claims(), kid, key.getPrivate());
  }

  private static TokenProblem problem(Future<?> future) {
    Throwable failure = awaitFailure(future);
    assertThat(failure).isInstanceOf(InvalidTokenException.class);
    return ((InvalidTokenException) failure).problem();
  }

  private static Throwable awaitFailure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure, got " + future.result());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
