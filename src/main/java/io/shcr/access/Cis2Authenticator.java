package io.shcr.access;

import io.shcr.core.AccessRefusedException;
import io.shcr.core.Principal;
import io.shcr.access.token.InvalidTokenException;
import io.shcr.access.token.JwtVerifier;
import io.shcr.access.token.KeysUnavailableException;
import io.shcr.access.token.TokenProblem;
import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates {@code Authorization: Bearer} NHS CIS2 ID tokens: verifies the JWT ({@link JwtVerifier}),
 * then reads the active role's principal ({@link Cis2Claims}). The outcome, accepted or refused, is kept on
 * the routing context, so a request's token is verified once however many handlers ask. A refusal is 401
 * {@code UNAUTHORISED} with an RFC 6750 {@code WWW-Authenticate} challenge; keys that cannot be fetched are
 * 503 {@code AUTH_UNAVAILABLE}.
 */
public final class Cis2Authenticator implements Authenticator {

  /** The protection space of every challenge. */
  public static final String REALM = "shcr";
  private static final Logger LOG = LoggerFactory.getLogger(Cis2Authenticator.class);

  private final JwtVerifier verifier;
  private final Cis2Claims claims;

  public Cis2Authenticator(JwtVerifier verifier, int minimumAssuranceLevel) {
    this.verifier = verifier;
    this.claims = new Cis2Claims(minimumAssuranceLevel);
  }

  /** The principal for these {@code Authorization} header values (normally one). */
  @Override
  public Future<Principal> authenticate(List<String> authorization) {
    String token;
    try {
      token = bearerToken(authorization);
    } catch (InvalidTokenException e) {
      return Future.failedFuture(refusal(e));
    }
    return verifier.verify(token)
        .map(claims::principal)
        .recover(e -> Future.failedFuture(refusal(e)));
  }

  private static String bearerToken(List<String> authorization) {
    if (authorization.isEmpty()) {
      throw new InvalidTokenException(TokenProblem.MISSING, "send the CIS2 ID token as 'Authorization: Bearer <token>'");
    }
    if (authorization.size() > 1) {
      throw new InvalidTokenException(TokenProblem.MALFORMED, "send one Authorization header, not " + authorization.size());
    }
    String header = authorization.get(0).trim();
    int space = header.indexOf(' ');
    if (space < 0 || !header.substring(0, space).equalsIgnoreCase("Bearer") || header.substring(space).isBlank()) {
      throw new InvalidTokenException(TokenProblem.MISSING, "send the CIS2 ID token as 'Authorization: Bearer <token>'");
    }
    return header.substring(space).trim();
  }

  /** The API's answer to a failed authentication. */
  private static Throwable refusal(Throwable cause) {
    if (cause instanceof InvalidTokenException invalid) {
      return new AccessRefusedException(unauthorised(invalid), invalid);
    }
    if (cause instanceof KeysUnavailableException unavailable) {
      LOG.warn("Tokens cannot be verified: {}", unavailable.getMessage());
      return new AccessRefusedException(ErrorCode.AUTH_UNAVAILABLE.error(
          "The identity provider's signing keys cannot be fetched right now; try again shortly."), unavailable);
    }
    return cause;
  }

  /**
   * 401 with the detailed reason in the body and an RFC 6750 challenge: {@code Bearer realm="shcr"} alone
   * when no bearer token was sent, else with {@code error="invalid_token"} and the problem's fixed
   * description (never a value from the token) as {@code error_description}.
   */
  static ApiError unauthorised(InvalidTokenException invalid) {
    String challenge = invalid.problem() == TokenProblem.MISSING
        ? "Bearer realm=\"" + REALM + "\""
        : "Bearer realm=\"" + REALM + "\", error=\"invalid_token\", error_description=\"" + invalid.problem().description() + "\"";
    return ErrorCode.UNAUTHORISED.error(
        "Authentication failed: " + invalid.detail() + ".").withHeader("WWW-Authenticate", challenge);
  }
}
