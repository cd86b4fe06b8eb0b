package io.shcr.nhs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NhsNumberTest {

  @ParameterizedTest
  @ValueSource(strings = {"9434765919", "943 476 5919", "943-476-5919", "9990000018", "9990000026", "9990000034", "9990000042"})
  void acceptsValidNumbers(String input) {
    assertThat(NhsNumber.parse(input)).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"9434765918", "943476591", "94347659190", "abcdefghij", "", "943476591x", "0000000010"})
  void rejectsInvalidNumbers(String input) {
    assertThat(NhsNumber.parse(input)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void checkDigitTenMeansInvalid() {
    // 1000000010: weights give remainder 1, check value 10, so no valid number starts 100000001.
    assertThat(NhsNumber.checkDigit("100000001")).isNull();
    assertThat(NhsNumber.of("9434765919").formatted()).isEqualTo("943 476 5919");
    assertThat(NhsNumber.of("9434765919").searchToken()).isEqualTo("https://fhir.nhs.uk/Id/nhs-number|9434765919");
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://fhir.nhs.uk/Id/nhs-number", "http://fhir.nhs.uk/Id/nhs-number", "https://fhir.nhs.uk/Id/nhs-number/",
      "HTTPS://FHIR.NHS.UK/ID/NHS-NUMBER", " https://fhir.nhs.uk/Id/nhs-number ", "http://fhir.nhs.net/Id/nhs-number",
      "urn:oid:2.16.840.1.113883.2.1.4.1"})
  void everyFormOfTheNhsNumberSystemIsRecognised(String system) {
    assertThat(NhsNumber.isSystem(system)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://fhir.nhs.uk/Id/nhs-number-x", "https://fhir.nhs.uk/Id/local-patient-identifier",
      "urn:oid:2.16.840.1.113883.2.1.4.10", "nhs-number", ""})
  void otherSystemsAreNot(String system) {
    assertThat(NhsNumber.isSystem(system)).isFalse();
    assertThat(NhsNumber.isSystem(null)).isFalse();
    assertThat(NhsNumber.isSystem(42)).isFalse();
  }

  @org.junit.jupiter.api.Test
  void comparingAValueIgnoresEveryKindOfSpaceButNothingElse() {
    assertThat(NhsNumber.compact(" 943\t476\u00a05919 ")).isEqualTo("9434765919");
    assertThat(NhsNumber.compact("943-476-5919")).isEqualTo("943-476-5919");
  }

  /** The allocation-free reading of a system decides exactly as the plain normalisation, whatever a source writes. */
  @org.junit.jupiter.api.Test
  void theFastSystemCheckDecidesAsTheNormalisedOne() {
    String[] cores = {"fhir.nhs.uk/Id/nhs-number", "FHIR.NHS.NET/id/NHS-NUMBER", "fhir.nhs.uk/Id/nhs-numbe", "fhir.nhs.uk/Id/nhs-number-x",
        "fhir.nhs.u\u212a/Id/nhs-number", "fh\u0130r.nhs.uk/Id/nhs-number", "urn:oid:2.16.840.1.113883.2.1.4.1", "URN:OID:2.16.840.1.113883.2.1.4.1",
        "", "/", "x", "nhs-number", "fhir.nhs.uk/Id/nhs-number\u00a0"};
    String[] prefixes = {"", "https://", "http://", "HTTPS://", "Http://", " ", "\t https://", "https:/", "ftp://", "https://https://", "urn:oid:"};
    String[] suffixes = {"", "/", "//", " ", "/ ", " /", "\n", "/\t/"};
    java.util.Random random = new java.util.Random(17);
    int checked = 0;
    for (String prefix : prefixes) {
      for (String core : cores) {
        for (String suffix : suffixes) {
          String system = prefix + core + suffix;
          assertThat(NhsNumber.isSystem(system)).as(system).isEqualTo(NhsNumber.normalisedIsSystem(system));
          checked++;
          // and with one character changed in case, or dropped
          if (!system.isEmpty()) {
            int at = random.nextInt(system.length());
            char c = system.charAt(at);
            String flipped = system.substring(0, at) + (Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c))
                + system.substring(at + 1);
            String dropped = system.substring(0, at) + system.substring(at + 1);
            assertThat(NhsNumber.isSystem(flipped)).as(flipped).isEqualTo(NhsNumber.normalisedIsSystem(flipped));
            assertThat(NhsNumber.isSystem(dropped)).as(dropped).isEqualTo(NhsNumber.normalisedIsSystem(dropped));
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(1000);
    String plain = "9434765919";
    assertThat(NhsNumber.compact(plain)).isSameAs(plain);
  }
}
