package io.shcr.nhs;

import java.util.Optional;

/**
 * A validated NHS number: ten digits whose last is the Modulus 11 check digit of the first nine.
 * Spaces (and the hyphens some systems print) are ignored when parsing.
 */
public final class NhsNumber {

  public static final String SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

  /** The NHS number's OID, which HL7 v2/v3 feeds and some FHIR systems write as the identifier system. */
  private static final String OID_SYSTEM = "urn:oid:2.16.840.1.113883.2.1.4.1";

  private final String digits;

  private NhsNumber(String digits) {
    this.digits = digits;
  }

  /** Parses user or source input; empty when it is not a valid NHS number. */
  public static Optional<NhsNumber> parse(String input) {
    if (input == null) {
      return Optional.empty();
    }
    String compact = input.replace(" ", "").replace("-", "");
    if (compact.length() != 10 || !compact.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.empty();
    }
    Integer check = checkDigit(compact.substring(0, 9));
    if (check == null || check != compact.charAt(9) - '0') {
      return Optional.empty();
    }
    return Optional.of(new NhsNumber(compact));
  }

  /**
   * True when an identifier system names the NHS number, however a source writes it: the canonical URI
   * under http or https, in any case, with a trailing slash, the older {@code fhir.nhs.net} host GP
   * Connect 0.x used, or the OID. A source must not be able to slip another patient's number past the
   * patient guard by writing its system differently.
   */
  public static boolean isSystem(Object system) {
    if (!(system instanceof String text)) {
      return false;
    }
    String s = text.trim().toLowerCase(java.util.Locale.ROOT);
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.equals(OID_SYSTEM)) {
      return true;
    }
    s = s.startsWith("https://") ? s.substring(8) : s.startsWith("http://") ? s.substring(7) : s;
    return s.equals("fhir.nhs.uk/id/nhs-number") || s.equals("fhir.nhs.net/id/nhs-number");
  }

  /** An identifier value as compared with a number: every space, tab or no-break space removed, nothing else changed. */
  public static String compact(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Parses input already known to be valid (configuration, tests); throws otherwise. */
  public static NhsNumber of(String input) {
    return parse(input).orElseThrow(() -> new IllegalArgumentException("not a valid NHS number"));
  }

  /**
   * The Modulus 11 check digit for nine digits, or null where the remainder makes the number invalid
   * (check value 10).
   */
  public static Integer checkDigit(String nineDigits) {
    int sum = 0;
    for (int i = 0; i < 9; i++) {
      sum += (nineDigits.charAt(i) - '0') * (10 - i);
    }
    int check = 11 - (sum % 11);
    if (check == 11) {
      return 0;
    }
    return check == 10 ? null : check;
  }

  /** The ten digits with no spaces, as FHIR identifiers carry them. */
  public String value() {
    return digits;
  }

  /** The 3-3-4 form people read. */
  public String formatted() {
    return digits.substring(0, 3) + " " + digits.substring(3, 6) + " " + digits.substring(6);
  }

  /** The token a FHIR search takes: system|value. */
  public String searchToken() {
    return SYSTEM + "|" + digits;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NhsNumber other && other.digits.equals(digits);
  }

  @Override
  public int hashCode() {
    return digits.hashCode();
  }

  /** Deliberately the plain digits: callers decide whether a number may be logged (it may not). */
  @Override
  public String toString() {
    return digits;
  }
}
