package io.shcr.access.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.time.Clock;
import java.util.List;

/**
 * Verifies a compact JWS and its registered claims, and says precisely why a token is refused so a
 * developer can fix it ({@link InvalidTokenException} with a {@link TokenProblem}). In order: the token is
 * read strictly ({@link CompactJws}: size, base64url, one JSON object each, no repeated member); the header
 * allows only RS256 or ES256 and no key of the token's own ({@link TokenHeader}); the signature is checked
 * by nimbus-jose-jwt with a trusted key bound to that algorithm ({@link SigningKeys}); then issuer, audience
 * and dates ({@link RegisteredClaims}). Nothing of the payload is believed before its signature verifies.
 * A failure to get keys at all is a {@link KeysUnavailableException}.
 *
 * <p>A token that verified is remembered ({@link VerifiedTokens}) so the same token sent again skips the
 * signature check, never the dates, and only while the key that verified it is still trusted.
 */
public final class JwtVerifier {

  private final SigningKeys keys;
  private final TokenRules rules;
  private final Clock clock;
  private final VerifiedTokens verified;

  public JwtVerifier(SigningKeys keys, TokenRules rules, Clock clock) {
    this(keys, rules, clock, VerifiedTokens.DEFAULT_MAX_ENTRIES);
  }

  /** With at most {@code rememberedTokens} verified tokens remembered (0: none). */
  public JwtVerifier(SigningKeys keys, TokenRules rules, Clock clock, int rememberedTokens) {
    this.keys = keys;
    this.rules = rules;
    this.clock = clock;
    this.verified = new VerifiedTokens(rememberedTokens);
  }

  /** The verified claims (a copy of its own for each caller); a refusal is a failed Future with {@link InvalidTokenException}. */
  public Future<JsonObject> verify(String token) {
    if (token == null || token.length() > rules.maxTokenLength()) {
      return verifyInFull(token, null);
    }
    java.nio.ByteBuffer digest = VerifiedTokens.digest(token);
    VerifiedTokens.Verified known = verified.get(digest);
    if (known == null) {
      return verifyInFull(token, digest);
    }
    return keys.candidates(known.algorithm(), known.kid()).compose(candidates -> {
      if (!candidates.contains(known.key())) {
        verified.forget(digest);
        return verifyInFull(token, digest);
      }
      try {
        RegisteredClaims.check(known.claims(), rules, clock.instant());
      } catch (InvalidTokenException e) {
        verified.forget(digest);
        return Future.failedFuture(e);
      }
      return Future.succeededFuture(known.claims().copy());
    });
  }

  /** Every check, and the token remembered when it passes ({@code digest} null: not remembered). */
  private Future<JsonObject> verifyInFull(String token, java.nio.ByteBuffer digest) {
    CompactJws jws;
    TokenHeader header;
    JWSObject signed;
    try {
      jws = CompactJws.parse(token, rules.maxTokenLength());
      header = TokenHeader.check(jws.header());
      signed = nimbus(jws, header);
    } catch (InvalidTokenException e) {
      return Future.failedFuture(e);
    }
    return keys.candidates(header.algorithm(), header.kid())
        .compose(candidates -> {
          try {
            JWK key = checkSignature(signed, candidates, header);
            java.time.Instant now = clock.instant();
            RegisteredClaims.check(jws.claims(), rules, now);
            if (digest != null) {
              Long exp = RegisteredClaims.numericDate(jws.claims(), "exp", true);
              verified.remember(digest, new VerifiedTokens.Verified(jws.claims().copy(), header.algorithm(), header.kid(), key, exp),
                  now.getEpochSecond());
            }
            return Future.succeededFuture(jws.claims());
          } catch (InvalidTokenException e) {
            return Future.failedFuture(e);
          }
        });
  }

  /** nimbus's own reading of the same parts, which must agree with ours on what decides the verification. */
  private static JWSObject nimbus(CompactJws jws, TokenHeader header) {
    if (jws.encodedSignature().isEmpty()) {
      throw new InvalidTokenException(TokenProblem.BAD_SIGNATURE, "the token has no signature; it must be signed with "
          + header.algorithm());
    }
    JWSObject signed;
    try {
      signed = new JWSObject(new Base64URL(jws.encodedHeader()), new Base64URL(jws.encodedPayload()),
          new Base64URL(jws.encodedSignature()));
    } catch (ParseException e) {
      throw new InvalidTokenException(TokenProblem.MALFORMED, "the token header is not a valid JWS header");
    }
    if (!header.algorithm().equals(signed.getHeader().getAlgorithm())
        || !java.util.Objects.equals(header.kid(), signed.getHeader().getKeyID())
        || !signed.getHeader().isBase64URLEncodePayload()) {
      throw new InvalidTokenException(TokenProblem.MALFORMED, "the token header reads differently to different parsers");
    }
    return signed;
  }

  /** The key that verified the signature. */
  private static JWK checkSignature(JWSObject signed, List<JWK> candidates, TokenHeader header) {
    if (candidates.isEmpty()) {
      throw new InvalidTokenException(TokenProblem.UNKNOWN_KEY, "no " + header.algorithm() + " signing key "
          + (header.kid() == null ? "" : "with kid '" + InvalidTokenException.shown(header.kid()) + "' ")
          + "is trusted; the token was issued by another identity provider or for another environment");
    }
    for (JWK key : candidates) {
      if (verifies(signed, key)) {
        return key;
      }
    }
    throw new InvalidTokenException(TokenProblem.BAD_SIGNATURE,
        "the token's signature does not verify: it was altered or signed with a key we do not trust");
  }

  private static boolean verifies(JWSObject signed, JWK key) {
    try {
      JWSVerifier verifier = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) key);
      return signed.verify(verifier);
    } catch (JOSEException | IllegalStateException | ClassCastException e) {
      return false;
    }
  }
}
