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
  /** The system's host and path, lower case, without the scheme; and the older host GP Connect 0.x used. */
  private static final String SYSTEM_PATH = "fhir.nhs.uk/id/nhs-number";
  private static final String OLD_SYSTEM_PATH = "fhir.nhs.net/id/nhs-number";

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
    if (SYSTEM.equals(text)) {
      return true; // as nearly every source writes it
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return normalisedIsSystem(text); // lower-casing beyond ASCII can change a text's length: the long way
      }
    }
    // ASCII: the same steps as normalisedIsSystem, on the text in place (called for every identifier a
    // source sends, so it builds no strings).
    int start = 0;
    int end = text.length();
    while (start < end && text.charAt(start) <= ' ') {
      start++;
    }
    while (end > start && text.charAt(end - 1) <= ' ') {
      end--;
    }
    while (end > start && text.charAt(end - 1) == '/') {
      end--;
    }
    if (end - start == OID_SYSTEM.length() && text.regionMatches(true, start, OID_SYSTEM, 0, OID_SYSTEM.length())) {
      return true;
    }
    if (end - start >= 8 && text.regionMatches(true, start, "https://", 0, 8)) {
      start += 8;
    } else if (end - start >= 7 && text.regionMatches(true, start, "http://", 0, 7)) {
      start += 7;
    }
    int length = end - start;
    return (length == SYSTEM_PATH.length() && text.regionMatches(true, start, SYSTEM_PATH, 0, length))
        || (length == OLD_SYSTEM_PATH.length() && text.regionMatches(true, start, OLD_SYSTEM_PATH, 0, length));
  }

  /** {@link #isSystem} for any text: trimmed, lower-cased, trailing slashes and the scheme dropped. */
  static boolean normalisedIsSystem(String text) {
    String s = text.trim().toLowerCase(java.util.Locale.ROOT);
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.equals(OID_SYSTEM)) {
      return true;
    }
    s = s.startsWith("https://") ? s.substring(8) : s.startsWith("http://") ? s.substring(7) : s;
    return s.equals(SYSTEM_PATH) || s.equals(OLD_SYSTEM_PATH);
  }

  /** An identifier value as compared with a number: every space, tab or no-break space removed, nothing else changed. */
  public static String compact(String value) {
    int kept = 0;
    while (kept < value.length() && !Character.isWhitespace(value.charAt(kept)) && !Character.isSpaceChar(value.charAt(kept))) {
      kept++;
    }
    if (kept == value.length()) {
      return value; // nothing to drop (the usual case): no copy
    }
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
