package io.shcr.access.token;

import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.Map;

/**
 * A bearer token split into its three base64url parts and read strictly: a bounded size, only base64url
 * characters and two dots (no padding, no whitespace, no fourth or fifth part), a header and a payload that
 * are each one JSON object without repeated members. Nothing here is trusted yet: the signature is checked
 * by {@link JwtVerifier} over exactly these parts.
 *
 * @param header the header's members
 * @param claims the payload's claims
 */
record CompactJws(String encodedHeader, String encodedPayload, String encodedSignature, Map<String, Object> header,
    JsonObject claims) {

  static CompactJws parse(String token, int maxLength) {
    if (token.length() > maxLength) {
      throw new InvalidTokenException(TokenProblem.TOO_LARGE,
          "the bearer token is " + token.length() + " characters long; at most " + maxLength + " are accepted");
    }
    int dots = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '.') {
        dots++;
      } else if (!isBase64Url(c)) {
        throw new InvalidTokenException(TokenProblem.MALFORMED,
            "the bearer token has a character outside base64url (position " + i + "); send the JWT exactly as issued");
      }
    }
    if (dots != 2) {
      throw new InvalidTokenException(TokenProblem.MALFORMED, dots == 4
          ? "the bearer token has five parts, like an encrypted JWT (JWE); send the signed CIS2 ID token"
          : "the bearer token has " + (dots + 1) + " parts; a signed JWT has three (header.payload.signature)");
    }
    String[] parts = token.split("\\.", -1);
    if (parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new InvalidTokenException(TokenProblem.MALFORMED, "the bearer token has an empty header or payload");
    }
    Map<String, Object> header = StrictJson.object(decode(parts[0], "header"), "header");
    Map<String, Object> claims = StrictJson.object(decode(parts[1], "payload"), "payload");
    decode(parts[2], "signature");
    return new CompactJws(parts[0], parts[1], parts[2], header, new JsonObject(claims));
  }

  private static boolean isBase64Url(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  }

  private static byte[] decode(String part, String name) {
    try {
      return Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw new InvalidTokenException(TokenProblem.MALFORMED, "the token's " + name + " is not valid base64url");
    }
  }
}
