package io.shcr.fhir;

import static io.shcr.support.LyingSources.HYPERTENSION;
import static io.shcr.support.LyingSources.NHS;
import static io.shcr.support.LyingSources.OTHER_NHS;
import static io.shcr.support.LyingSources.byNhsNumber;
import static io.shcr.support.LyingSources.condition;
import static io.shcr.support.LyingSources.patient;
import static io.shcr.support.LyingSources.ref;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every field that can name a patient must agree, wherever it sits; an id used twice proves nothing. */
class PatientGuardTest {

  private final PatientGuard guard = new PatientGuard(NhsNumber.of(NHS));
  private final ResourceIndex index = new ResourceIndex("http://127.0.0.1:1/SRC");

  PatientGuardTest() {
    index.add(patient("ours", NHS));
    index.add(patient("theirs", OTHER_NHS));
    index.add(patient("nameless", null));
  }

  private String judge(JsonObject resource) {
    index.add(resource);
    PatientGuard.Verdict verdict = guard.check(List.of(resource), index);
    return !verdict.kept().isEmpty() ? "kept" : verdict.mismatched() > 0 ? "another patient" : "unverifiable";
  }

  private static JsonObject ours(String id) {
    return condition(id, "Patient/ours", HYPERTENSION);
  }

  @Test
  void aResourceOfOursByReferenceOrByNumberIsKept() {
    assertThat(judge(ours("c1"))).isEqualTo("kept");
    assertThat(judge(condition("c2", "Patient/ours", HYPERTENSION).put("subject", byNhsNumber(NHS)))).isEqualTo("kept");
    assertThat(judge(condition("c3", "http://127.0.0.1:1/SRC/Patient/ours", HYPERTENSION))).isEqualTo("kept");
    assertThat(judge(patient("ours", NHS))).isEqualTo("kept");
  }

  @ParameterizedTest
  @ValueSource(strings = {"patient", "beneficiary", "individual", "for", "focus", "performer", "asserter", "recorder"})
  void anyFieldNamingAnotherPatientMakesItAnothersWhateverSubjectSays(String field) {
    assertThat(judge(ours("a-" + field).put(field, ref("Patient/theirs")))).isEqualTo("another patient");
    assertThat(judge(ours("b-" + field).put(field, byNhsNumber(OTHER_NHS)))).isEqualTo("another patient");
    assertThat(judge(ours("c-" + field).put(field, ref("Patient/elsewhere")))).isEqualTo("unverifiable");
    assertThat(judge(ours("d-" + field).put(field, ref("Patient/nameless")))).isEqualTo("unverifiable");
  }

  @Test
  void patientsInsideBackboneElementsExtensionsAndContainedResourcesCountToo() {
    JsonObject participant = ours("p1").put("participant", new JsonArray().add(new JsonObject()
        .put("individual", ref("Patient/theirs"))));
    assertThat(judge(participant)).isEqualTo("another patient");
    JsonObject extension = ours("p2").put("extension", new JsonArray().add(new JsonObject().put("url", "u")
        .put("valueReference", byNhsNumber(OTHER_NHS))));
    assertThat(judge(extension)).isEqualTo("another patient");
    JsonObject containedOther = ours("p3").put("contained", new JsonArray().add(patient("x", OTHER_NHS)));
    assertThat(judge(containedOther)).isEqualTo("another patient");
    JsonObject containedNameless = condition("p4", "#x", HYPERTENSION).put("contained", new JsonArray().add(patient("x", null)));
    assertThat(judge(containedNameless)).isEqualTo("unverifiable");
    JsonObject containedOurs = ours("p5").put("contained", new JsonArray().add(patient("x", NHS)));
    assertThat(judge(containedOurs)).isEqualTo("kept");
  }

  @Test
  void aReferenceToAnotherPatientsResourceMakesItAnothers() {
    index.add(condition("theirs-c", "Patient/theirs", HYPERTENSION));
    index.add(condition("stranger-c", "Patient/elsewhere", HYPERTENSION));
    index.add(new JsonObject().put("resourceType", "Medication").put("id", "med1"));
    assertThat(judge(ours("r1").put("evidence", new JsonArray().add(new JsonObject()
        .put("detail", new JsonArray().add(ref("Condition/theirs-c"))))))).isEqualTo("another patient");
    assertThat(judge(ours("r2").put("evidence", new JsonArray().add(new JsonObject()
        .put("detail", new JsonArray().add(ref("Condition/stranger-c"))))))).isEqualTo("unverifiable");
    // A resource that names no patient at all (a Medication, a Practitioner) says nothing either way.
    assertThat(judge(ours("r3").put("medicationReference", ref("Medication/med1")))).isEqualTo("kept");
    // A link not known yet is for the privacy filter to fetch, not a verdict on the patient.
    assertThat(judge(ours("r4").put("encounter", ref("Encounter/unknown")))).isEqualTo("kept");
  }

  @Test
  void aForeignPatientReferenceOrNoPatientAtAllProvesNothing() {
    assertThat(judge(condition("f1", "https://elsewhere.example/fhir/Patient/ours", HYPERTENSION))).isEqualTo("unverifiable");
    assertThat(judge(condition("f2", "Group/g1", HYPERTENSION))).isEqualTo("unverifiable");
    assertThat(judge(new JsonObject().put("resourceType", "Condition").put("id", "f3"))).isEqualTo("unverifiable");
  }

  @Test
  void anIdTheSourceUsedTwiceMakesBothAndWhatReliesOnThemUnusable() {
    index.add(condition("dup", "Patient/ours", "86406008"));
    index.add(condition("dup", "Patient/ours", HYPERTENSION));
    assertThat(guard.check(List.of(condition("dup", "Patient/ours", HYPERTENSION)), index).kept()).isEmpty();
    assertThat(judge(ours("relies").put("evidence", new JsonArray().add(new JsonObject()
        .put("detail", new JsonArray().add(ref("Condition/dup"))))))).isEqualTo("unverifiable");
    index.add(patient("twice", NHS));
    index.add(patient("twice", NHS).put("birthDate", "2001-01-01"));
    assertThat(judge(condition("t1", "Patient/twice", HYPERTENSION))).isEqualTo("unverifiable");
    assertThat(guard.proves(patient("twice", NHS), index)).isFalse();
  }

  @Test
  void aPatientCarryingAnotherNumberBesideOursIsAnothers() {
    JsonObject both = patient("both", NHS);
    both.getJsonArray("identifier").add(new JsonObject().put("system", NhsNumber.SYSTEM).put("value", OTHER_NHS));
    assertThat(judge(both)).isEqualTo("another patient");
    assertThat(guard.namesAnotherPatient(both)).isTrue();
  }

  @Test
  void anotherNumberUnderAnotherFormOfTheSystemOrInAPatientOfAnotherCaseIsSeen() {
    JsonObject byOid = patient("oid", NHS);
    byOid.getJsonArray("identifier").add(new JsonObject().put("system", "urn:oid:2.16.840.1.113883.2.1.4.1").put("value", OTHER_NHS));
    assertThat(judge(byOid)).isEqualTo("another patient");
    JsonObject lowerCase = patient("lc", OTHER_NHS).put("resourceType", "patient");
    assertThat(judge(ours("c1").put("contained", new JsonArray().add(lowerCase)))).isEqualTo("another patient");
    assertThat(guard.anotherPatientIn(new JsonObject().put("entry", new JsonArray().add(new JsonObject()
        .put("resource", lowerCase))))).isTrue();
  }

  @Test
  void anAnswerNamingAnotherNhsNumberAnywhereIsSeen() {
    JsonObject bundle = new JsonObject().put("resourceType", "Bundle").put("entry", new JsonArray()
        .add(new JsonObject().put("resource", ours("e1").put("extension", new JsonArray().add(new JsonObject()
            .put("valueReference", byNhsNumber(OTHER_NHS)))))));
    assertThat(guard.anotherPatientIn(bundle)).isTrue();
    assertThat(guard.anotherPatientIn(new JsonObject().put("entry", new JsonArray().add(new JsonObject()
        .put("resource", ours("e2")))))).isFalse();
  }
}
