package io.shcr.access.token;

import com.nimbusds.jose.JWSAlgorithm;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a token's header may say. The algorithm is RS256 or ES256 and nothing else ({@code none} and HMAC are
 * named as such); keys are never taken from a token ({@code jku}, {@code jwk}, {@code x5u}, {@code x5c});
 * nothing that changes how the token is read ({@code crit}, {@code b64}, {@code cty}); {@code typ}, when
 * given, is JWT; {@code kid}, when given, is a short printable string.
 *
 * @param algorithm the signing algorithm the key must be bound to
 * @param kid the key id, or null
 */
record TokenHeader(JWSAlgorithm algorithm, String kid) {

  static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
  private static final List<String> KEY_PARAMETERS = List.of("jku", "jwk", "x5u", "x5c");
  private static final List<String> READING_PARAMETERS = List.of("crit", "b64", "cty");
  private static final int KID_MAX = 128;

  static TokenHeader check(Map<String, Object> header) {
    Object alg = header.get("alg");
    if (alg == null) {
      throw new InvalidTokenException(TokenProblem.MALFORMED, "the token header has no 'alg'");
    }
    if (!(alg instanceof String name)) {
      throw new InvalidTokenException(TokenProblem.MALFORMED, "the token header's 'alg' is not a string");
    }
    if ("none".equalsIgnoreCase(name.trim())) {
      throw new InvalidTokenException(TokenProblem.UNSIGNED, "unsigned tokens (alg 'none') are refused; sign with RS256 or ES256");
    }
    if (name.startsWith("HS")) {
      throw new InvalidTokenException(TokenProblem.ALGORITHM_NOT_ALLOWED,
          "HMAC-signed tokens (" + InvalidTokenException.shown(name) + ") are refused; sign with RS256 or ES256");
    }
    JWSAlgorithm algorithm = ALGORITHMS.stream().filter(a -> a.getName().equals(name)).findFirst().orElseThrow(() ->
        new InvalidTokenException(TokenProblem.ALGORITHM_NOT_ALLOWED,
            "signing algorithm " + InvalidTokenException.shown(name) + " is not accepted; use RS256 or ES256"));
    for (String parameter : KEY_PARAMETERS) {
      if (header.containsKey(parameter)) {
        throw new InvalidTokenException(TokenProblem.HEADER_NOT_ALLOWED, "the token header carries '" + parameter
            + "': keys are never taken from a token, only from the identity provider's configured keys");
      }
    }
    for (String parameter : READING_PARAMETERS) {
      if (header.containsKey(parameter)) {
        throw new InvalidTokenException(TokenProblem.HEADER_NOT_ALLOWED,
            "tokens with a '" + parameter + "' header parameter are not accepted");
      }
    }
    Object typ = header.get("typ");
    if (typ != null && !(typ instanceof String t && t.equalsIgnoreCase("JWT"))) {
      throw new InvalidTokenException(TokenProblem.WRONG_TYPE,
          "the token's type ('typ' " + InvalidTokenException.shown(typ) + ") is not JWT; send the CIS2 ID token");
    }
    return new TokenHeader(algorithm, kid(header.get("kid")));
  }

  private static String kid(Object kid) {
    if (kid == null) {
      return null;
    }
    if (!(kid instanceof String text) || text.isEmpty() || text.length() > KID_MAX || !printable(text)) {
      throw new InvalidTokenException(TokenProblem.MALFORMED,
          "the token header's 'kid' is not a key id (a string of 1 to " + KID_MAX + " printable characters)");
    }
    return text;
  }

  private static boolean printable(String text) {
    return text.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
  }
}
