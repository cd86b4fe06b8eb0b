package io.shcr.tls;

/**
 * Why a TLS file or setting cannot be used, in our own words: the field's problem as start-up reports
 * it. Never carries a password or key material, and no cause (a JSSE message can quote a file's bytes).
 */
final class Unusable extends Exception {

  private final String field;

  Unusable(String message) {
    this(null, message);
  }

  /** A problem that belongs to a named field rather than the one being read. */
  Unusable(String field, String message) {
    super(message, null, false, false);
    this.field = field;
  }

  /** The field the problem belongs to, else the fallback. */
  String field(String fallback) {
    return field == null ? fallback : field;
  }
}
