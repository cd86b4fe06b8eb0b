package io.shcr.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.fhir.Demographics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Each source's Patient against PDS: what withholds, what is shown, what is never shown. */
class DemographicCheckTest {

  private static final Demographics PDS = patient("Whittaker", "1968-03-12", "male", "Alex", "John");

  static Demographics patient(String family, String birthDate, String gender, String... given) {
    JsonObject name = new JsonObject().put("use", "official").put("given", new JsonArray(java.util.List.of(given)));
    if (family != null) {
      name.put("family", family);
    }
    JsonObject patient = new JsonObject().put("resourceType", "Patient").put("name", new JsonArray().add(name))
        .put("gender", gender);
    if (birthDate != null) {
      patient.put("birthDate", birthDate);
    }
    return Demographics.of(patient);
  }

  @Test
  void theSamePersonMatches() {
    assertThat(DemographicCheck.compare(PDS, patient("Whittaker", "1968-03-12", "male", "Alex", "John")))
        .isEqualTo(new DemographicCheck.Verdict(false, java.util.List.of()));
  }

  @Test
  void anotherDateOfBirthFamilyNameOrFirstNameIsAMismatch() {
    assertThat(DemographicCheck.compare(PDS, patient("Whittaker", "1968-12-03", "male", "Alex", "John")).mismatch()).isTrue();
    assertThat(DemographicCheck.compare(PDS, patient("Whitaker", "1968-03-12", "male", "Alex", "John")).mismatch()).isTrue();
    // A twin: same family, same birthday, another first name.
    assertThat(DemographicCheck.compare(PDS, patient("Whittaker", "1968-03-12", "male", "Sam", "John")).mismatch()).isTrue();
  }

  @Test
  void smallerDifferencesAreShownNotWithheld() {
    DemographicCheck.Verdict noMiddle = DemographicCheck.compare(PDS, patient("Whittaker", "1968-03-12", "male", "Alex"));
    assertThat(noMiddle.mismatch()).isFalse();
    assertThat(noMiddle.differences()).containsExactly("given");
    DemographicCheck.Verdict cased = DemographicCheck.compare(PDS, patient("WHITTAKER", "1968-03-12T00:00:00Z", "male", "ALEX", "john"));
    assertThat(cased.mismatch()).isFalse();
    assertThat(cased.differences()).containsExactly("family", "given");
    DemographicCheck.Verdict initial = DemographicCheck.compare(PDS, patient("Whittaker", null, "male", "A", "John"));
    assertThat(initial.mismatch()).isFalse();
    assertThat(initial.differences()).containsExactly("birthDate", "given");
  }

  @Test
  void aPartialBirthDateThatAgreesIsADifferenceOneThatDisagreesIsAMismatch() {
    DemographicCheck.Verdict month = DemographicCheck.compare(PDS, patient("Whittaker", "1968-03", "male", "Alex", "John"));
    assertThat(month.mismatch()).isFalse();
    assertThat(month.differences()).containsExactly("birthDate");
    assertThat(DemographicCheck.compare(PDS, patient("Whittaker", "1968", "male", "Alex", "John")).differences())
        .containsExactly("birthDate");
    assertThat(DemographicCheck.compare(PDS, patient("Whittaker", "1968-04", "male", "Alex", "John")).mismatch()).isTrue();
    assertThat(DemographicCheck.compare(PDS, patient("Whittaker", "1969", "male", "Alex", "John")).mismatch()).isTrue();
  }

  @Test
  void aGenderDifferenceIsNeitherShownNorWithheld() {
    assertThat(DemographicCheck.compare(PDS, patient("Whittaker", "1968-03-12", "female", "Alex", "John")))
        .isEqualTo(new DemographicCheck.Verdict(false, java.util.List.of()));
  }

  @Test
  void withoutAPdsAnswerNothingIsCompared() {
    assertThat(DemographicCheck.compare(null, patient("Other", "2001-01-01", "male", "X")).mismatch()).isFalse();
  }
}
