package io.shcr.access;

import io.shcr.api.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Verifies a compact JWS and its registered claims, and says precisely why a token is refused so a
 * developer can fix it. Only RS256 and ES256, each only with a key of its own type: {@code alg: none}
 * and HMAC are refused before any key is looked at. {@code iss} must match, {@code aud} must name us,
 * {@code exp} is required and {@code nbf} honoured, both with a small clock skew.
 */
public final class JwtVerifier {

  private static final Set<String> ALGORITHMS = Set.of(VerificationKey.RS256, VerificationKey.ES256);

  private final SigningKeys keys;
  private final AccessPolicy.Auth settings;
  private final Clock clock;

  public JwtVerifier(SigningKeys keys, AccessPolicy.Auth settings, Clock clock) {
    this.keys = keys;
    this.settings = settings;
    this.clock = clock;
  }

  /** The token's claims; a failure is an {@link AccessRefusedException} with 401 and the reason. */
  public Future<JsonObject> verify(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return refuse("the bearer token is not a signed JWT (expected header.payload.signature)");
    }
    JsonObject header;
    JsonObject claims;
    byte[] signature;
    try {
      header = json(parts[0]);
      claims = json(parts[1]);
      signature = Base64.getUrlDecoder().decode(parts[2]);
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return refuse("the bearer token is not valid base64url JSON");
    }
    String alg = header.getValue("alg") instanceof String s ? s : null;
    if (alg == null || "none".equalsIgnoreCase(alg)) {
      return refuse("unsigned tokens (alg 'none') are refused; sign with RS256 or ES256");
    }
    if (alg.startsWith("HS")) {
      return refuse("HMAC-signed tokens (" + alg + ") are refused; sign with RS256 or ES256");
    }
    if (!ALGORITHMS.contains(alg)) {
      return refuse("signing algorithm " + alg + " is not accepted; use RS256 or ES256");
    }
    if (header.containsKey("crit")) {
      return refuse("tokens with critical header extensions ('crit') are not accepted");
    }
    String kid = header.getValue("kid") instanceof String s ? s : null;
    byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    return keys.candidates(kid)
        .recover(e -> Future.failedFuture(new AccessRefusedException(new ApiError(503, "AUTH_UNAVAILABLE",
            "The identity provider's signing keys cannot be fetched right now; try again shortly."))))
        .compose(candidates -> checkSignature(candidates, alg, kid, signed, signature))
        .compose(ok -> checkClaims(claims));
  }

  private Future<Void> checkSignature(List<VerificationKey> candidates, String alg, String kid, byte[] signed, byte[] signature) {
    List<VerificationKey> usable = candidates.stream().filter(k -> k.algorithm().equals(alg)).toList();
    if (usable.isEmpty()) {
      return refuse("no " + alg + " signing key " + (kid == null ? "" : "with kid '" + kid + "' ")
          + "is trusted; the token was issued by another identity provider or for another environment");
    }
    for (VerificationKey key : usable) {
      if (verifies(key, signed, signature)) {
        return Future.succeededFuture();
      }
    }
    return refuse("the token's signature does not verify: it was altered or signed with a key we do not trust");
  }

  private static boolean verifies(VerificationKey key, byte[] signed, byte[] signature) {
    if (VerificationKey.ES256.equals(key.algorithm()) && signature.length != 64) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance(key.jcaAlgorithm());
      verifier.initVerify(key.key());
      verifier.update(signed);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private Future<JsonObject> checkClaims(JsonObject claims) {
    long now = clock.instant().getEpochSecond();
    long skew = settings.clockSkewSeconds();
    if (!settings.issuer().equals(claims.getValue("iss"))) {
      return refuse("wrong issuer: expected '" + settings.issuer() + "', token has '" + claims.getValue("iss") + "'");
    }
    if (!audienceMatches(claims.getValue("aud"))) {
      return refuse("wrong audience: expected '" + settings.audience() + "', token has " + claims.getValue("aud"));
    }
    if (!(claims.getValue("exp") instanceof Number exp)) {
      return refuse("the token has no expiry ('exp')");
    }
    if (now > exp.longValue() + skew) {
      return refuse("the token expired at " + Instant.ofEpochSecond(exp.longValue()) + "; get a new one");
    }
    Object nbf = claims.getValue("nbf");
    if (nbf != null && (!(nbf instanceof Number n) || now < n.longValue() - skew)) {
      return refuse("the token is not valid yet ('nbf' " + nbf + "); check the issuer's clock");
    }
    return Future.succeededFuture(claims);
  }

  private boolean audienceMatches(Object aud) {
    if (aud instanceof String s) {
      return s.equals(settings.audience());
    }
    return aud instanceof JsonArray array && array.contains(settings.audience());
  }

  private static JsonObject json(String part) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
  }

  private static <T> Future<T> refuse(String reason) {
    return Future.failedFuture(new AccessRefusedException(ApiError.unauthorised("Authentication failed: " + reason + ".")));
  }
}
