package io.shcr.access.token;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The registered claims of a verified token, judged against {@link TokenRules}: who issued it ({@code iss}),
 * for whom ({@code aud}, and {@code azp} as OpenID Connect asks when several audiences are named), and when
 * ({@code exp} and {@code iat} required, {@code nbf} honoured, each a plausible NumericDate; not issued in
 * the future; no longer-lived than allowed).
 */
final class RegisteredClaims {

  /** 9999-12-31T23:59:59Z: a date past this is not a date but an attempt to overflow one. */
  static final long LATEST = 253_402_300_799L;

  private RegisteredClaims() {}

  static void check(JsonObject claims, TokenRules rules, Instant now) {
    issuer(claims.getValue("iss"), rules);
    audience(claims.getValue("aud"), claims.getValue("azp"), rules);
    times(claims, rules, now.getEpochSecond());
  }

  private static void issuer(Object iss, TokenRules rules) {
    if (!rules.issuer().equals(iss)) {
      throw new InvalidTokenException(TokenProblem.WRONG_ISSUER, "wrong issuer: expected '" + rules.issuer() + "', token has "
          + (iss == null ? "none" : "'" + InvalidTokenException.shown(iss) + "'"));
    }
  }

  private static void audience(Object aud, Object azp, TokenRules rules) {
    Set<String> audiences = audiences(aud);
    if (!audiences.contains(rules.audience())) {
      throw new InvalidTokenException(TokenProblem.WRONG_AUDIENCE, "wrong audience: expected '" + rules.audience() + "', token has "
          + (aud == null ? "none" : InvalidTokenException.shown(aud)));
    }
    if (azp == null && audiences.size() > 1) {
      throw new InvalidTokenException(TokenProblem.WRONG_AUTHORISED_PARTY,
          "the token names several audiences but no authorised party ('azp'); it must name '" + rules.audience() + "'");
    }
    if (azp != null && !rules.audience().equals(azp)) {
      throw new InvalidTokenException(TokenProblem.WRONG_AUTHORISED_PARTY, "the token was issued to another client: 'azp' is '"
          + InvalidTokenException.shown(azp) + "', expected '" + rules.audience() + "'");
    }
  }

  /** {@code aud} as a string or a non-empty array of strings; anything else names nobody. */
  private static Set<String> audiences(Object aud) {
    Set<String> out = new LinkedHashSet<>();
    if (aud instanceof String s) {
      out.add(s);
    } else if (aud instanceof JsonArray array) {
      for (Object item : array) {
        if (!(item instanceof String s)) {
          return Set.of();
        }
        out.add(s);
      }
    }
    return out;
  }

  private static void times(JsonObject claims, TokenRules rules, long now) {
    long skew = rules.clockSkewSeconds();
    Long exp = numericDate(claims, "exp", true);
    Long iat = numericDate(claims, "iat", true);
    Long nbf = numericDate(claims, "nbf", false);
    if (now > exp + skew) {
      throw new InvalidTokenException(TokenProblem.EXPIRED, "the token expired at " + Instant.ofEpochSecond(exp) + "; get a new one");
    }
    if (nbf != null && now < nbf - skew) {
      throw new InvalidTokenException(TokenProblem.NOT_YET_VALID,
          "the token is not valid yet ('nbf' " + Instant.ofEpochSecond(nbf) + "); check the issuer's clock");
    }
    if (iat > now + skew) {
      throw new InvalidTokenException(TokenProblem.ISSUED_IN_FUTURE,
          "the token was issued in the future ('iat' " + Instant.ofEpochSecond(iat) + "); check the issuer's clock");
    }
    if (exp < iat) {
      throw new InvalidTokenException(TokenProblem.INVALID_DATE, "the token expires ('exp') before it was issued ('iat')");
    }
    if (exp - iat > rules.maxLifetimeSeconds()) {
      throw new InvalidTokenException(TokenProblem.LIFETIME_TOO_LONG, "the token is valid for " + Duration.ofSeconds(exp - iat)
          + " from issue; at most " + Duration.ofSeconds(rules.maxLifetimeSeconds()) + " is accepted");
    }
  }

  /**
   * A NumericDate claim in whole seconds: a JSON number (never a string or boolean) from 0 to {@link #LATEST};
   * fractions are dropped. Null when absent and not required.
   */
  static Long numericDate(JsonObject claims, String name, boolean required) {
    Object value = claims.getValue(name);
    if (value == null) {
      if (claims.containsKey(name)) {
        throw new InvalidTokenException(TokenProblem.INVALID_DATE, "'" + name + "' is null, not a NumericDate");
      }
      if (required) {
        throw new InvalidTokenException(TokenProblem.MISSING_CLAIM, "the token has no '" + name + "' (" + meaning(name) + ")");
      }
      return null;
    }
    if (!(value instanceof Number number)) {
      throw new InvalidTokenException(TokenProblem.INVALID_DATE,
          "'" + name + "' must be a NumericDate (seconds since 1970 as a JSON number), not " + value.getClass().getSimpleName());
    }
    double seconds = number.doubleValue();
    if (!(seconds >= 0 && seconds <= LATEST)) {
      throw new InvalidTokenException(TokenProblem.INVALID_DATE,
          "'" + name + "' is " + InvalidTokenException.shown(number) + ", which is not a date between 1970 and 9999");
    }
    return (long) Math.floor(seconds);
  }

  private static String meaning(String name) {
    return switch (name) {
      case "exp" -> "expiry";
      case "iat" -> "issued at";
      default -> "not before";
    };
  }
}
