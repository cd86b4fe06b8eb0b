package io.shcr.access.token;

/**
 * Why a bearer token is refused, one value per thing a client or identity provider can fix. Each has a
 * short fixed description, safe to send as RFC 6750 {@code error_description} (printable ASCII, no quotes,
 * nothing taken from the token); the detailed reason a developer acts on travels next to it.
 */
public enum TokenProblem {
  MISSING("no bearer token"),
  MALFORMED("the token is not a well-formed signed JWT"),
  TOO_LARGE("the token is too large"),
  DUPLICATE_MEMBER("the token repeats a JSON member"),
  UNSIGNED("unsigned tokens are refused"),
  ALGORITHM_NOT_ALLOWED("the signing algorithm is not allowed"),
  HEADER_NOT_ALLOWED("a header parameter is not allowed"),
  WRONG_TYPE("the token is not an ID token"),
  UNKNOWN_KEY("the signing key is not trusted"),
  BAD_SIGNATURE("the signature does not verify"),
  WRONG_ISSUER("wrong issuer"),
  WRONG_AUDIENCE("wrong audience"),
  WRONG_AUTHORISED_PARTY("wrong or missing authorised party (azp)"),
  INVALID_DATE("a date claim is not a plausible NumericDate"),
  EXPIRED("the token has expired"),
  NOT_YET_VALID("the token is not valid yet"),
  ISSUED_IN_FUTURE("the token was issued in the future"),
  LIFETIME_TOO_LONG("the token lifetime is too long"),
  MISSING_CLAIM("a required claim is missing"),
  MALFORMED_CLAIM("a claim is malformed"),
  ASSURANCE_TOO_LOW("the identity assurance level is too low"),
  NO_ACTIVE_ROLE("the selected role is missing or not among the roles"),
  ROLE_MALFORMED("the selected role is malformed"),
  ORGANISATION_NOT_USERS("the role organisation is not among the user organisations");

  private final String description;

  TokenProblem(String description) {
    this.description = description;
  }

  /** The fixed, header-safe description. */
  public String description() {
    return description;
  }
}
