package io.shcr.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.core.Section;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The matching rules on the shapes UK systems send: dm+d VMPs and AMPs (dm+d ids are SNOMED CT ids),
 * SNOMED substances and disorders, and the traps: the same display with a different code, the same code
 * with another dose, a stopped and an active prescription, a code in an unknown system, two concepts in
 * one item, a statement and the request it is based on.
 */
class GroupingRulesTest {

  private static final String DMD = "https://dmd.nhs.uk";
  private static final String SCT = "http://snomed.info/sct";
  /** VMP Amlodipine 5mg tablets, and an AMP mapped to it in the test's relation. */
  private static final String AMLODIPINE_5 = "319283006";
  private static final String AMLODIPINE_10 = "319284000";
  private static final String AMLODIPINE_BRAND = "39990001000001101";

  private final Reconciliation reconciliation = new Reconciliation(
      new GroupingRules(new MedicineConcepts(Map.of(AMLODIPINE_BRAND, AMLODIPINE_5))));

  static JsonObject coded(String system, String code, String display) {
    return new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("system", system).put("code", code)
        .put("display", display))).put("text", display);
  }

  static JsonObject statement(String id, String system, String code, String display, String dose, String status) {
    return new JsonObject().put("resourceType", "MedicationStatement").put("id", id).put("status", status)
        .put("medicationCodeableConcept", coded(system, code, display))
        .put("effectivePeriod", new JsonObject().put("start", "2024-01-10"))
        .put("dosage", new JsonArray().add(new JsonObject().put("text", dose)));
  }

  static JsonObject request(String id, String code, String dose, String status) {
    return new JsonObject().put("resourceType", "MedicationRequest").put("id", id).put("status", status)
        .put("intent", "plan").put("authoredOn", "2024-01-10")
        .put("medicationCodeableConcept", coded(DMD, code, "Amlodipine 5mg tablets"))
        .put("dosageInstruction", new JsonArray().add(new JsonObject().put("text", dose)));
  }

  private List<JsonObject> accept(String source, Section section, JsonObject... items) {
    return reconciliation.accept(source, section, List.of(items)).stream().map(GroupEvent::toJson).toList();
  }

  private JsonArray groups(String section) {
    return reconciliation.reconciled().getJsonArray(section, new JsonArray());
  }

  private static JsonObject difference(JsonObject group, String field) {
    return group.getJsonArray("differences").stream().map(JsonObject.class::cast)
        .filter(d -> field.equals(d.getString("field"))).findFirst().orElse(null);
  }

  @Test
  void aVmpAndItsAmpAcrossSystemsAreOneMedicine() {
    accept("P81901", Section.MEDICATIONS, statement("1", DMD, AMLODIPINE_5, "Amlodipine 5mg tablets", "One tablet once a day", "active"));
    accept("RXN", Section.MEDICATIONS, statement("a", DMD, AMLODIPINE_BRAND, "Amlocare 5mg tablets", "One tablet once a day", "active"));
    accept("RTX", Section.MEDICATIONS, statement("x", SCT, AMLODIPINE_5, "Amlodipine 5mg tablet", "One tablet once a day", "active"));
    assertThat(groups("medications")).hasSize(1);
    JsonObject group = groups("medications").getJsonObject(0);
    assertThat(group.getJsonArray("members")).hasSize(3);
    assertThat(group.getJsonObject("summary").getString("code")).isEqualTo(AMLODIPINE_5);
    assertThat(group.getJsonObject("summary").getString("status")).isEqualTo("active");
    assertThat(group.getJsonArray("differences")).isEmpty();
  }

  @Test
  void aMedicineFirstRecordedAsABrandIsNamedByItsGenericOnceOneArrives() {
    accept("RXN", Section.MEDICATIONS, statement("a", DMD, AMLODIPINE_BRAND, "Amlocare 5mg tablets", "One tablet once a day", "active"));
    List<JsonObject> events = accept("P81901", Section.MEDICATIONS,
        statement("1", DMD, AMLODIPINE_5, "Amlodipine 5mg tablets", "One tablet once a day", "active"));
    assertThat(events).singleElement().satisfies(group ->
        assertThat(group.getJsonObject("summary").getString("display")).isEqualTo("Amlodipine 5mg tablets"));
  }

  @Test
  void theSameDisplayWithADifferentCodeIsTwoMedicines() {
    accept("P81901", Section.MEDICATIONS, statement("1", DMD, AMLODIPINE_5, "Amlodipine tablets", "One a day", "active"));
    accept("RXN", Section.MEDICATIONS, statement("2", DMD, AMLODIPINE_10, "Amlodipine tablets", "One a day", "active"));
    assertThat(groups("medications")).hasSize(2);
  }

  @Test
  void theSameCodeWithAnotherDoseIsOneGroupWithTheDoseDisagreementShown() {
    accept("P81901", Section.MEDICATIONS, statement("1", DMD, AMLODIPINE_5, "Amlodipine 5mg tablets", "One tablet once a day", "active"));
    List<JsonObject> events = accept("RXN", Section.MEDICATIONS,
        statement("2", DMD, AMLODIPINE_5, "Amlodipine 5mg tablets", "Two tablets once a day", "active"));
    assertThat(groups("medications")).hasSize(1);
    JsonObject dose = difference(events.get(0), "dose");
    assertThat(dose.getJsonArray("values").encode())
        .isEqualTo("[{\"value\":\"One tablet once a day\",\"sources\":[\"P81901\"]},{\"value\":\"Two tablets once a day\",\"sources\":[\"RXN\"]}]");
  }

  @Test
  void aStoppedAndAnActivePrescriptionStayTogetherAndNoStatusIsPickedAsTheWinner() {
    accept("P81901", Section.MEDICATIONS, statement("1", DMD, AMLODIPINE_5, "Amlodipine 5mg tablets", "One a day", "active"));
    List<JsonObject> events = accept("RXN", Section.MEDICATIONS,
        statement("2", DMD, AMLODIPINE_5, "Amlodipine 5mg tablets", "One a day", "stopped"));
    JsonObject group = events.get(0);
    assertThat(group.getJsonObject("summary").getString("status")).isEqualTo("differs");
    assertThat(difference(group, "status").getJsonArray("values").encode()).contains("\"active\"", "\"stopped\"");
  }

  @Test
  void aCodeInAnUnknownSystemNeverMergesWithAnything() {
    accept("P81901", Section.MEDICATIONS, statement("1", "http://read.info/readv2", "bd3j.", "Amlodipine 5mg tablets", "One a day", "active"));
    accept("RXN", Section.MEDICATIONS, statement("2", "http://read.info/readv2", "bd3j.", "Amlodipine 5mg tablets", "One a day", "active"));
    accept("RTX", Section.MEDICATIONS, statement("3", DMD, AMLODIPINE_5, "Amlodipine 5mg tablets", "One a day", "active"));
    assertThat(groups("medications")).hasSize(3);
    JsonObject alone = groups("medications").getJsonObject(0);
    assertThat(alone.getJsonObject("summary").containsKey("code")).isFalse();
    assertThat(alone.getJsonObject("summary").getString("display")).isEqualTo("Amlodipine 5mg tablets");
  }

  @Test
  void anItemNamingTwoConceptsOrAMalformedCodeIsAlone() {
    JsonObject two = statement("1", DMD, AMLODIPINE_5, "Amlodipine", "One a day", "active");
    two.getJsonObject("medicationCodeableConcept").getJsonArray("coding")
        .add(new JsonObject().put("system", SCT).put("code", AMLODIPINE_10));
    accept("P81901", Section.MEDICATIONS, two, statement("2", DMD, "3192830 06", "Amlodipine", "One a day", "active"));
    accept("RXN", Section.MEDICATIONS, statement("3", DMD, AMLODIPINE_5, "Amlodipine", "One a day", "active"),
        statement("4", DMD, AMLODIPINE_10, "Amlodipine", "One a day", "active"));
    assertThat(groups("medications")).hasSize(4);
  }

  @Test
  void aStatementWithoutACodeJoinsTheRequestItIsBasedOn() {
    JsonObject uncoded = new JsonObject().put("resourceType", "MedicationStatement").put("id", "s1").put("status", "active")
        .put("basedOn", new JsonArray().add(new JsonObject().put("reference", "MedicationRequest/r1")));
    accept("P81901", Section.MEDICATIONS, uncoded, request("r1", AMLODIPINE_5, "One a day", "active"));
    accept("RXN", Section.MEDICATIONS, request("r9", AMLODIPINE_5, "One a day", "active"));
    assertThat(groups("medications")).hasSize(1);
    assertThat(groups("medications").getJsonObject(0).getJsonArray("members")).hasSize(3);
    // Another source's request of the same id does not adopt this source's statement.
    JsonObject foreign = uncoded.copy().put("id", "s2");
    accept("RTX", Section.MEDICATIONS, foreign);
    assertThat(groups("medications")).hasSize(2);
  }

  /** basedOn is followed only by a statement that names no medicine: one that names its own, however badly, is alone. */
  @Test
  void aStatementNamingItsOwnMedicineNeverJoinsTheRequestItIsBasedOn() {
    JsonArray basedOn = new JsonArray().add(new JsonObject().put("reference", "MedicationRequest/r1"));
    JsonObject unknownSystem = statement("s1", "http://emis.example/codes", "WARF1", "Warfarin 1mg", "As directed", "active")
        .put("basedOn", basedOn);
    JsonObject textOnly = new JsonObject().put("resourceType", "MedicationStatement").put("id", "s2").put("status", "active")
        .put("medicationCodeableConcept", new JsonObject().put("text", "Warfarin 1mg")).put("basedOn", basedOn);
    JsonObject malformed = statement("s3", DMD, "31928x", "Warfarin 1mg", "As directed", "active").put("basedOn", basedOn);
    JsonObject twoConcepts = statement("s4", DMD, AMLODIPINE_5, "Amlodipine", "As directed", "active").put("basedOn", basedOn);
    twoConcepts.getJsonObject("medicationCodeableConcept").getJsonArray("coding")
        .add(new JsonObject().put("system", SCT).put("code", "319733000").put("display", "Warfarin 1mg tablets"));
    JsonObject notAnObject = new JsonObject().put("resourceType", "MedicationStatement").put("id", "s5").put("status", "active")
        .put("medicationCodeableConcept", "Warfarin").put("basedOn", basedOn);
    accept("P81901", Section.MEDICATIONS, request("r1", AMLODIPINE_5, "One a day", "active"), unknownSystem, textOnly, malformed,
        twoConcepts, notAnObject);
    assertThat(groups("medications")).hasSize(6);
    JsonObject amlodipine = groups("medications").stream().map(JsonObject.class::cast)
        .filter(g -> AMLODIPINE_5.equals(g.getJsonObject("summary").getString("code"))).findFirst().orElseThrow();
    assertThat(amlodipine.getJsonArray("members")).singleElement()
        .satisfies(m -> assertThat(((JsonObject) m).getString("ref")).isEqualTo("MedicationRequest/r1"));
    assertThat(groups("medications").encode()).contains("Warfarin 1mg");
  }

  @Test
  void allergiesGroupBySubstanceAndKeepSeverityAndStatusDifferences() {
    JsonObject mite = new JsonObject().put("resourceType", "AllergyIntolerance").put("id", "a1")
        .put("code", coded(SCT, "260147004", "House dust mite"))
        .put("clinicalStatus", coded("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", "Active"))
        .put("reaction", new JsonArray().add(new JsonObject().put("severity", "mild")));
    JsonObject again = mite.copy().put("id", "a2").put("reaction", new JsonArray().add(new JsonObject().put("severity", "severe")));
    JsonObject resolved = mite.copy().put("id", "a3")
        .put("clinicalStatus", coded("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "resolved", "Resolved"));
    JsonObject peanut = new JsonObject().put("resourceType", "AllergyIntolerance").put("id", "a4")
        .put("code", coded(SCT, "91935009", "House dust mite")); // same words, another substance
    accept("P81901", Section.ALLERGIES, mite, peanut);
    accept("RXN", Section.ALLERGIES, again);
    accept("RTX", Section.ALLERGIES, resolved);
    assertThat(groups("allergies")).hasSize(2);
    JsonObject group = groups("allergies").getJsonObject(0);
    assertThat(group.getJsonArray("organisations")).hasSize(3);
    assertThat(difference(group, "severity")).isNotNull();
    assertThat(difference(group, "clinicalStatus")).isNotNull();
    assertThat(group.getJsonObject("summary").getString("status")).isEqualTo("differs");
  }

  @Test
  void problemsGroupByConceptAndImmunisationsByVaccineAndDay() {
    JsonObject diabetes = new JsonObject().put("resourceType", "Condition").put("id", "c1")
        .put("code", coded(SCT, "44054006", "Diabetes mellitus type 2")).put("onsetDateTime", "2015-04-01");
    accept("P81901", Section.PROBLEMS, diabetes);
    accept("RXN", Section.PROBLEMS, diabetes.copy().put("onsetDateTime", "2016-02-01"));
    assertThat(groups("problems")).hasSize(1);
    assertThat(difference(groups("problems").getJsonObject(0), "onset")).isNotNull();

    JsonObject flu = new JsonObject().put("resourceType", "Immunization").put("id", "i1").put("status", "completed")
        .put("vaccineCode", coded(SCT, "955691000001108", "Influenza vaccine")).put("occurrenceDateTime", "2024-10-01");
    accept("P81901", Section.IMMUNISATIONS, flu, flu.copy().put("id", "i2").put("occurrenceDateTime", "2023-10-03"),
        flu.copy().put("id", "i3").putNull("occurrenceDateTime"));
    accept("P81902", Section.IMMUNISATIONS, flu.copy().put("id", "z").put("occurrenceDateTime", "2024-10-01T10:00:00Z"));
    assertThat(groups("immunisations")).hasSize(3);
  }

  @Test
  void groupIdsComeFromTheKeyNotTheOrderOfArrival() {
    Reconciliation other = new Reconciliation();
    accept("P81901", Section.MEDICATIONS, statement("1", DMD, "325278007", "Metformin", "One", "active"),
        statement("2", DMD, AMLODIPINE_5, "Amlodipine", "One", "active"));
    other.accept("RXN", Section.MEDICATIONS, List.of(statement("9", SCT, AMLODIPINE_5, "Amlodipine", "Two", "active")));
    String here = groups("medications").getJsonObject(1).getString("group");
    String there = other.reconciled().getJsonArray("medications").getJsonObject(0).getString("group");
    assertThat(here).isEqualTo(there).startsWith("m-").hasSize(14);
  }

  @Test
  void theSameItemSentAgainChangesNothing() {
    JsonObject item = statement("1", DMD, AMLODIPINE_5, "Amlodipine", "One", "active");
    assertThat(accept("P81901", Section.MEDICATIONS, item)).hasSize(1);
    assertThat(accept("P81901", Section.MEDICATIONS, item.copy())).isEmpty();
    assertThat(accept("P81901", Section.ENCOUNTERS, new JsonObject().put("resourceType", "Encounter").put("id", "e"))).isEmpty();
  }

  /** A GP Connect medicine: no code of its own, a reference to a Medication that carries it. */
  static JsonObject byReference(String id, String type, String reference, String dose) {
    JsonObject item = new JsonObject().put("resourceType", type).put("id", id).put("status", "active")
        .put("medicationReference", new JsonObject().put("reference", reference));
    return "MedicationRequest".equals(type)
        ? item.put("intent", "plan").put("authoredOn", "2024-01-10")
            .put("dosageInstruction", new JsonArray().add(new JsonObject().put("text", dose)))
        : item.put("effectivePeriod", new JsonObject().put("start", "2024-01-10"))
            .put("dosage", new JsonArray().add(new JsonObject().put("text", dose)));
  }

  static JsonObject medication(String id, String code, String display) {
    return new JsonObject().put("resourceType", "Medication").put("id", id).put("code", coded(DMD, code, display));
  }

  @Test
  void aMedicineNamedThroughItsMedicationGroupsByTheMedicationsCode() {
    JsonObject contained = byReference("s1", "MedicationStatement", "#m1", "One tablet once a day")
        .put("contained", new JsonArray().add(medication("m1", AMLODIPINE_BRAND, "Amlocare 5mg tablets")));
    JsonObject released = byReference("r1", "MedicationRequest", "Medication/m7", "One tablet once a day");
    accept("P81901", Section.MEDICATIONS, contained, released, medication("m7", AMLODIPINE_5, "Amlodipine 5mg tablets"));
    accept("RXN", Section.MEDICATIONS, statement("a", SCT, AMLODIPINE_5, "Amlodipine 5mg tablet", "Two tablets once a day", "active"));
    assertThat(groups("medications")).hasSize(1);
    JsonObject group = groups("medications").getJsonObject(0);
    assertThat(group.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("ref")))
        .containsExactlyInAnyOrder("MedicationStatement/s1", "MedicationRequest/r1", "MedicationStatement/a");
    assertThat(group.getJsonObject("summary").getString("code")).isEqualTo(AMLODIPINE_5);
    assertThat(group.getJsonObject("summary").getString("display")).isEqualTo("Amlodipine 5mg tablets");
    assertThat(difference(group, "dose")).isNotNull();
  }

  /** Every way a reference can fail to lead to one Medication leaves the item alone, never matched by its words. */
  @Test
  void aMedicationReferenceThatDoesNotLeadToOneMedicationIsAlone() {
    JsonObject coded = statement("c", DMD, AMLODIPINE_5, "Amlodipine 5mg tablets", "One a day", "active");
    JsonObject missing = byReference("s1", "MedicationStatement", "Medication/gone", "One a day");
    missing.getJsonObject("medicationReference").put("display", "Amlodipine 5mg tablets");
    JsonObject absolute = byReference("s2", "MedicationStatement", "https://elsewhere.example/fhir/Medication/m1", "One a day");
    JsonObject twice = byReference("s3", "MedicationStatement", "Medication/dup", "One a day");
    JsonObject notAMedication = byReference("s4", "MedicationStatement", "#c1", "One a day")
        .put("contained", new JsonArray().add(new JsonObject().put("resourceType", "Substance").put("id", "c1")
            .put("code", coded(DMD, AMLODIPINE_5, "Amlodipine"))));
    JsonObject both = byReference("s5", "MedicationStatement", "Medication/m1", "One a day")
        .put("medicationCodeableConcept", coded(DMD, AMLODIPINE_5, "Amlodipine 5mg tablets"));
    JsonObject containedTwice = byReference("s6", "MedicationStatement", "#x", "One a day")
        .put("contained", new JsonArray().add(medication("x", AMLODIPINE_5, "Amlodipine")).add(medication("x", AMLODIPINE_10, "Amlodipine")));
    JsonObject basedOn = byReference("s7", "MedicationStatement", "Medication/gone", "One a day")
        .put("basedOn", new JsonArray().add(new JsonObject().put("reference", "MedicationRequest/r1")));
    JsonObject request = request("r1", AMLODIPINE_5, "One a day", "active");
    accept("P81901", Section.MEDICATIONS, coded, missing, absolute, twice, notAMedication, both, containedTwice, basedOn, request,
        medication("m1", AMLODIPINE_5, "Amlodipine 5mg tablets"), medication("dup", AMLODIPINE_5, "Amlodipine"),
        medication("dup", AMLODIPINE_5, "Amlodipine"));
    List<JsonObject> all = groups("medications").stream().map(JsonObject.class::cast).toList();
    // The coded statement and the request share a group; each of the seven others is alone.
    assertThat(all).hasSize(8);
    assertThat(all).filteredOn(g -> g.getJsonArray("members").size() > 1).singleElement()
        .satisfies(g -> assertThat(g.getJsonArray("members").encode()).contains("MedicationStatement/c", "MedicationRequest/r1"));
    JsonObject alone = all.stream().filter(g -> g.getJsonArray("members").encode().contains("MedicationStatement/s1")).findFirst().orElseThrow();
    assertThat(alone.getJsonObject("summary").containsKey("code")).isFalse();
    assertThat(alone.getJsonObject("summary").getString("display")).isEqualTo("Amlodipine 5mg tablets"); // shown, never compared
    // A Medication is what a medicine is, not a medicine: never a member.
    assertThat(groups("medications").encode()).doesNotContain("Medication/");
  }

  /** Group events are written as bytes, not through Jackson: whatever a source writes, they are valid JSON saying exactly it. */
  @Test
  void groupEventsAreValidJsonWhateverTheSourceWrote() {
    String display = "Amlo\"dipine\\ 5mg\n\t\u0001 tablets \u2028 </script> \uD83D\uDC8A é";
    String dose = "One \"tablet\"\r\nonce a day";
    accept("P\"81901", Section.MEDICATIONS, statement("1\"", DMD, AMLODIPINE_5, display, dose, "active"));
    List<JsonObject> events = accept("RXN", Section.MEDICATIONS, statement("2", DMD, AMLODIPINE_5, display, "Two", "stop\\ped"));
    GroupEvent event = reconciliation.accept("RTX", Section.MEDICATIONS,
        List.of(statement("3", DMD, AMLODIPINE_5, display, "Three", "active"))).get(0);
    JsonObject parsed = new JsonObject(event.json());
    assertThat(parsed.encode()).isEqualTo(event.json().toString());
    assertThat(parsed.getJsonObject("summary").getString("display")).isEqualTo(display);
    assertThat(parsed.getJsonArray("members").getJsonObject(0).getString("source")).isEqualTo("P\"81901");
    assertThat(parsed.getJsonArray("members").getJsonObject(0).getString("ref")).isEqualTo("MedicationStatement/1\"");
    assertThat(difference(parsed, "dose").getJsonArray("values").getJsonObject(0).getString("value")).isEqualTo(dose);
    assertThat(difference(parsed, "status").getJsonArray("values").getJsonObject(1).getString("value")).isEqualTo("stop\\ped");
    assertThat(events.get(0).getJsonObject("summary").getString("status")).isEqualTo("differs");
  }

  /** A lone surrogate, or a long text whose cut would fall inside a pair, still makes a valid group event (U+FFFD in its place). */
  @Test
  void unpairedSurrogatesAndLongTextsCutInsideAPairStillMakeValidEvents() {
    String lone = "Amlodipine \uD800 5mg \uDC8A tablets\uD83D";
    String longText = "x".repeat(ItemFacts.MAX_VALUE - 1) + "\uD83D\uDC8A tail";
    String longDose = "y".repeat(ItemFacts.MAX_VALUE - 2) + "\uD83D\uDC8A tail";
    JsonObject uncoded = new JsonObject().put("resourceType", "MedicationStatement").put("id", "u1").put("status", "active")
        .put("medicationCodeableConcept", new JsonObject().put("text", longText))
        .put("dosage", new JsonArray().add(new JsonObject().put("text", longDose)));
    List<JsonObject> events = accept("P81901", Section.MEDICATIONS, statement("1", DMD, AMLODIPINE_5, lone, lone, "active"), uncoded);
    assertThat(events).hasSize(2);
    List<JsonObject> again = accept("RXN", Section.MEDICATIONS, statement("2", DMD, AMLODIPINE_5, lone, "\uDFFF", "active"));
    JsonObject group = again.get(0);
    assertThat(group.getJsonObject("summary").getString("display")).isEqualTo("Amlodipine \uFFFD 5mg \uFFFD tablets\uFFFD");
    assertThat(difference(group, "dose").encode()).contains("\uFFFD").doesNotContain("\uD800");
    JsonObject alone = events.get(1);
    assertThat(alone.getJsonObject("summary").getString("display")).isEqualTo("x".repeat(ItemFacts.MAX_VALUE - 1));
    assertThat(reconciliation.reconciled().encode()).doesNotContain("\uFFFD\uFFFD");
    assertThat(JsonText.wellFormed("a\uD83D\uDC8Ab")).isEqualTo("a\uD83D\uDC8Ab");
    assertThat(JsonText.cut("ab\uD83D\uDC8A", 3)).isEqualTo("ab");
  }
}
