package io.shcr.nhs;

import java.util.Optional;

/**
 * A validated NHS number: ten digits whose last is the Modulus 11 check digit of the first nine.
 * Spaces (and the hyphens some systems print) are ignored when parsing.
 */
public final class NhsNumber {

  public static final String SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

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
