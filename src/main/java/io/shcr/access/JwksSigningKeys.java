package io.shcr.access;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity provider's JWKS, fetched on first use, again every refresh interval, and again (at
 * most every {@link #MIN_REFETCH_MS}) when a token names a {@code kid} we do not hold, so key rotation
 * needs no restart. While a refreshed set cannot be had the last good one stays in use; with none at
 * all, authentication fails closed.
 */
public final class JwksSigningKeys implements SigningKeys {

  static final long MIN_REFETCH_MS = 30_000;
  private static final Logger LOG = LoggerFactory.getLogger(JwksSigningKeys.class);

  private final WebClient client;
  private final String url;
  private final long refreshMs;
  private final long deadlineMs;
  private volatile List<VerificationKey> keys;
  private volatile long fetchedAt;
  private Future<List<VerificationKey>> inFlight;

  public JwksSigningKeys(WebClient client, String url, long refreshMs, long deadlineMs) {
    this.client = client;
    this.url = url;
    this.refreshMs = refreshMs;
    this.deadlineMs = deadlineMs;
  }

  @Override
  public Future<List<VerificationKey>> candidates(String kid) {
    long age = System.currentTimeMillis() - fetchedAt;
    List<VerificationKey> current = keys;
    boolean unknownKid = current != null && kid != null && current.stream().noneMatch(k -> kid.equals(k.kid()));
    if (current == null || age > refreshMs || (unknownKid && age > MIN_REFETCH_MS)) {
      return onCallersContext(fetch())
          .recover(e -> current == null ? Future.failedFuture(e) : Future.succeededFuture(current))
          .map(set -> matching(set, kid));
    }
    return Future.succeededFuture(matching(current, kid));
  }

  /**
   * One fetch is shared by requests on every event loop; each gets the answer back on its own
   * context, so its request carries on where it belongs.
   */
  private static <T> Future<T> onCallersContext(Future<T> shared) {
    io.vertx.core.Context caller = io.vertx.core.Vertx.currentContext();
    if (caller == null) {
      return shared;
    }
    io.vertx.core.Promise<T> own = io.vertx.core.Promise.promise();
    shared.onComplete(ar -> caller.runOnContext(v -> own.handle(ar)));
    return own.future();
  }

  private static List<VerificationKey> matching(List<VerificationKey> set, String kid) {
    return kid == null ? set : set.stream().filter(k -> kid.equals(k.kid())).toList();
  }

  private synchronized Future<List<VerificationKey>> fetch() {
    if (inFlight != null) {
      return inFlight;
    }
    Future<List<VerificationKey>> fetch = client.getAbs(url).timeout(deadlineMs).send()
        .timeout(deadlineMs, TimeUnit.MILLISECONDS)
        .compose(response -> response.statusCode() == 200
            ? Future.succeededFuture(parse(response.bodyAsJsonObject()))
            : Future.failedFuture("JWKS answered HTTP " + response.statusCode()))
        .onSuccess(set -> {
          keys = set;
          fetchedAt = System.currentTimeMillis();
        })
        .onFailure(e -> LOG.warn("Cannot refresh the JWKS from {}: {}", url, e.getMessage()));
    inFlight = fetch;
    fetch.onComplete(done -> clearInFlight());
    return fetch;
  }

  private synchronized void clearInFlight() {
    inFlight = null;
  }

  /** The RS256/ES256 signing keys of a JWKS document; other keys are skipped. */
  static List<VerificationKey> parse(JsonObject jwks) {
    List<VerificationKey> out = new ArrayList<>();
    JsonArray list = jwks == null ? null : jwks.getJsonArray("keys");
    if (list == null) {
      throw new IllegalArgumentException("JWKS has no keys array");
    }
    for (Object item : list) {
      if (item instanceof JsonObject jwk && !"enc".equals(jwk.getString("use"))) {
        try {
          VerificationKey key = VerificationKey.of(jwk.getString("kid"), publicKey(jwk));
          String alg = jwk.getString("alg");
          if (alg == null || alg.equals(key.algorithm())) {
            out.add(key);
          }
        } catch (RuntimeException | GeneralSecurityException e) {
          LOG.debug("Skipping JWKS key {}: {}", jwk.getString("kid"), e.getMessage());
        }
      }
    }
    return List.copyOf(out);
  }

  private static PublicKey publicKey(JsonObject jwk) throws GeneralSecurityException {
    Base64.Decoder b64 = Base64.getUrlDecoder();
    switch (String.valueOf(jwk.getString("kty"))) {
      case "RSA" -> {
        BigInteger n = new BigInteger(1, b64.decode(jwk.getString("n")));
        BigInteger e = new BigInteger(1, b64.decode(jwk.getString("e")));
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
      }
      case "EC" -> {
        if (!"P-256".equals(jwk.getString("crv"))) {
          throw new IllegalArgumentException("unsupported curve " + jwk.getString("crv"));
        }
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECPoint point = new ECPoint(new BigInteger(1, b64.decode(jwk.getString("x"))), new BigInteger(1, b64.decode(jwk.getString("y"))));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, params.getParameterSpec(ECParameterSpec.class)));
      }
      default -> throw new IllegalArgumentException("unsupported key type " + jwk.getString("kty"));
    }
  }
}
