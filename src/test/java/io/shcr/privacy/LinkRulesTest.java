package io.shcr.privacy;

import static io.shcr.privacy.SampleRecord.concept;
import static io.shcr.privacy.SampleRecord.ref;
import static io.shcr.privacy.SensitiveCodeRulesTest.FILTER;
import static io.shcr.privacy.SensitiveCodeRulesTest.SNOMED;
import static io.shcr.privacy.SensitiveCodeRulesTest.observation;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.fhir.ResourceIndex;
import io.shcr.privacy.PrivacyFilter.FilterResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What is withheld because of what it links to, and what must be fetched to know. */
class LinkRulesTest {

  static final JsonObject CHLAMYDIA = new JsonObject().put("resourceType", "Condition").put("id", "chl")
      .put("code", concept(SNOMED, "105629000", "Chlamydial infection"));
  static final JsonObject ASTHMA = new JsonObject().put("resourceType", "Condition").put("id", "ast")
      .put("code", concept(SNOMED, "195967001", "Asthma"));
  static final JsonObject GUM_VISIT = new JsonObject().put("resourceType", "Encounter").put("id", "gum").put("status", "finished")
      .put("serviceType", concept("https://fhir.nhs.uk/CodeSystem/Specialty-1", "360", "Genitourinary medicine"));

  static List<String> releasedIds(List<JsonObject> batch, JsonObject... context) {
    List<JsonObject> all = new ArrayList<>(batch);
    all.addAll(List.of(context));
    return FILTER.filter(batch, ResourceIndex.of(all)).released().stream().map(r -> r.getString("id")).toList();
  }

  static JsonObject medicineFor(String id, String condition) {
    return new JsonObject().put("resourceType", "MedicationRequest").put("id", id).put("intent", "order")
        .put("medicationCodeableConcept", concept(SNOMED, "324357002", "Doxycycline"))
        .put("reasonReference", new JsonArray().add(ref("Condition/" + condition)));
  }

  @Test
  void withholdsAMedicineForAWithheldConditionInTheContext() {
    List<JsonObject> medicines = List.of(medicineFor("m1", "chl"), medicineFor("m2", "ast"));
    assertThat(releasedIds(medicines, CHLAMYDIA, ASTHMA)).containsExactly("m2");
  }

  @Test
  void withholdsResultsLettersAndReferralsOfAWithheldEncounterOrCondition() {
    JsonObject result = observation("r1").put("encounter", ref("Encounter/gum"));
    JsonObject letter = new JsonObject().put("resourceType", "DocumentReference").put("id", "l1").put("status", "current")
        .put("context", new JsonObject().put("encounter", new JsonArray().add(ref("https://trust.example/fhir/Encounter/gum"))));
    JsonObject referral = new JsonObject().put("resourceType", "ServiceRequest").put("id", "sr1").put("status", "active").put("intent", "order")
        .put("reasonReference", new JsonArray().add(ref("Condition/chl/_history/2")));
    JsonObject ordinary = observation("r2").put("encounter", ref("Encounter/gp"));
    JsonObject gpVisit = new JsonObject().put("resourceType", "Encounter").put("id", "gp").put("status", "finished");
    assertThat(releasedIds(List.of(result, letter, referral, ordinary), GUM_VISIT, CHLAMYDIA, gpVisit)).containsExactly("r2");
  }

  @Test
  void withholdsAReportWithAWithheldResultButNotTheOrdinaryResultsItShares() {
    JsonObject hiv = observation("hiv").put("valueCodeableConcept", concept(SNOMED, "165816005", "HIV positive"));
    JsonObject hb = observation("hb");
    JsonObject report = new JsonObject().put("resourceType", "DiagnosticReport").put("id", "dr").put("status", "final")
        .put("code", concept(SNOMED, "26604007", "Blood tests"))
        .put("result", new JsonArray().add(ref("Observation/hiv")).add(ref("Observation/hb")));
    assertThat(releasedIds(List.of(report, hiv, hb))).containsExactly("hb");
  }

  @Test
  void followsLinksAtAnyDistanceAndThroughCycles() {
    JsonObject location = new JsonObject().put("resourceType", "Location").put("id", "loc").put("name", "Clinic")
        .put("type", new JsonArray().add(concept("https://fhir.nhs.uk/CodeSystem/Specialty-1", "360", "GUM")));
    JsonObject visit = new JsonObject().put("resourceType", "Encounter").put("id", "e1").put("status", "finished")
        .put("location", new JsonArray().add(new JsonObject().put("location", ref("Location/loc"))))
        .put("partOf", ref("Encounter/e2"));
    JsonObject episode = new JsonObject().put("resourceType", "Encounter").put("id", "e2").put("status", "finished")
        .put("partOf", ref("Encounter/e1"));
    JsonObject result = observation("r1").put("encounter", ref("Encounter/e2"));
    assertThat(releasedIds(List.of(result), visit, episode, location)).isEmpty();
  }

  @Test
  void asksOnlyForClinicalLinksItDoesNotKnowYet() {
    JsonObject result = observation("r1").put("encounter", ref("Encounter/e1"))
        .put("performer", new JsonArray().add(ref("Practitioner/gp")).add(ref("Organization/o")).add(ref("PractitionerRole/pr")))
        .put("basedOn", new JsonArray().add(ref("ServiceRequest/sr1")))
        .put("hasMember", new JsonArray().add(ref("#contained")).add(ref("Observation/r2")))
        .put("derivedFrom", new JsonArray().add(ref("https://other.example/fhir/Observation/r3/_history/1")));
    JsonObject sibling = observation("r2");
    JsonObject known = new JsonObject().put("resourceType", "ServiceRequest").put("id", "sr1").put("status", "active").put("intent", "order");
    assertThat(FILTER.referencesToResolve(List.of(result, sibling), ResourceIndex.of(List.of(known))))
        .containsExactlyInAnyOrder("Encounter/e1", "Observation/r3");
  }

  @Test
  void asksForTheNextLevelOnceTheFirstIsKnown() {
    JsonObject result = observation("r1").put("encounter", ref("Encounter/e1"));
    JsonObject visit = new JsonObject().put("resourceType", "Encounter").put("id", "e1").put("status", "finished")
        .put("location", new JsonArray().add(new JsonObject().put("location", ref("Location/l1"))));
    ResourceIndex context = ResourceIndex.of(List.of(result));
    assertThat(FILTER.referencesToResolve(List.of(result), context)).containsExactly("Encounter/e1");
    context.add(visit);
    assertThat(FILTER.referencesToResolve(List.of(result), context)).containsExactly("Location/l1");
  }

  @Test
  void withholdsWhatHasAnUnresolvedOrUnreadableLinkAndReleasesItOnceResolved() {
    JsonObject medicine = medicineFor("m1", "ast");
    assertThat(releasedIds(List.of(medicine))).isEmpty();
    assertThat(releasedIds(List.of(medicine), ASTHMA)).containsExactly("m1");
    JsonObject uuid = observation("u1").put("hasMember", new JsonArray().add(ref("urn:uuid:5d4b5a1e-0000-0000-0000-000000000000")));
    JsonObject conditional = observation("u2").put("basedOn", new JsonArray().add(ref("ServiceRequest?identifier=x|1")));
    assertThat(releasedIds(List.of(uuid, conditional))).isEmpty();
  }

  @Test
  void neverNeedsPeopleOrOrganisationsButHonoursAWithheldOneItKnows() {
    JsonObject result = observation("r1").put("performer", new JsonArray().add(ref("Organization/clinic")));
    assertThat(releasedIds(List.of(result))).containsExactly("r1");
    JsonObject gumClinic = new JsonObject().put("resourceType", "Organization").put("id", "clinic")
        .put("type", new JsonArray().add(concept(SNOMED, "394808002", "Genito-urinary medicine")));
    assertThat(releasedIds(List.of(result), gumClinic)).isEmpty();
  }

  @Test
  void aReferenceToThePatientWithholdsNothing() {
    JsonObject patient = new JsonObject().put("resourceType", "Patient").put("id", "p1")
        .put("meta", new JsonObject().put("security", new JsonArray().add(
            new JsonObject().put("system", "http://terminology.hl7.org/CodeSystem/v3-Confidentiality").put("code", "R"))));
    assertThat(releasedIds(List.of(observation("r1")), patient)).containsExactly("r1");
  }

  static final String RELATED_CONTENT = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-RelatedClinicalContent-1";

  static JsonObject related(String reference) {
    return new JsonObject().put("url", RELATED_CONTENT).put("valueReference", ref(reference));
  }

  @Test
  void withholdsWhatIsFiledUnderAWithheldProblemEvenWhenTheBatchNeverPointsAtIt() {
    JsonObject problem = CHLAMYDIA.copy().put("extension", new JsonArray()
        .add(related("Observation/swab")).add(related("MedicationRequest/m9")).add(related("Observation/bp")));
    JsonObject swab = observation("swab");
    JsonObject medicine = new JsonObject().put("resourceType", "MedicationRequest").put("id", "m9").put("intent", "order")
        .put("medicationCodeableConcept", concept(SNOMED, "324357002", "Doxycycline"));
    JsonObject unrelated = observation("r2");
    assertThat(releasedIds(List.of(swab, medicine, unrelated), problem)).containsExactly("r2");
    assertThat(releasedIds(List.of(swab, medicine, unrelated))).containsExactly("swab", "m9", "r2");
  }

  @Test
  void withholdsTheMembersOfATaintedReportPanelCarePlanAndList() {
    JsonObject gumReport = new JsonObject().put("resourceType", "DiagnosticReport").put("id", "dr").put("status", "final")
        .put("encounter", ref("Encounter/gum")).put("code", concept(SNOMED, "26604007", "Blood tests"))
        .put("result", new JsonArray().add(ref("Observation/panel")));
    JsonObject panel = observation("panel").put("hasMember", new JsonArray().add(ref("Observation/member")));
    JsonObject member = observation("member");
    JsonObject plan = new JsonObject().put("resourceType", "CarePlan").put("id", "cp").put("status", "active").put("intent", "plan")
        .put("meta", new JsonObject().put("security", new JsonArray().add(
            new JsonObject().put("system", "http://hl7.org/fhir/v3/Confidentiality").put("code", "R"))))
        .put("activity", new JsonArray().add(new JsonObject().put("reference", ref("ServiceRequest/act"))));
    JsonObject activity = new JsonObject().put("resourceType", "ServiceRequest").put("id", "act").put("status", "active").put("intent", "order");
    JsonObject consultation = new JsonObject().put("resourceType", "List").put("id", "consult").put("status", "current").put("mode", "snapshot")
        .put("encounter", ref("Encounter/gum"))
        .put("entry", new JsonArray().add(new JsonObject().put("item", ref("Condition/ast"))));
    assertThat(releasedIds(List.of(member, activity, ASTHMA, observation("r9")), gumReport, panel, plan, consultation, GUM_VISIT))
        .containsExactly("r9");
  }

  @Test
  void aListOrReportWithOneWithheldItemDoesNotTakeItsOtherItemsDown() {
    JsonObject problems = new JsonObject().put("resourceType", "List").put("id", "problems").put("status", "current").put("mode", "snapshot")
        .put("subject", ref("Patient/p1"))
        .put("entry", new JsonArray().add(new JsonObject().put("item", ref("Condition/chl"))).add(new JsonObject().put("item", ref("Condition/ast"))));
    JsonObject sharedUnder = observation("r1").put("extension", new JsonArray().add(related("Condition/ast")));
    assertThat(releasedIds(List.of(ASTHMA, CHLAMYDIA, sharedUnder), problems)).containsExactly("ast", "r1");
  }

  @Test
  void neverWithholdsThePatientOrPeopleForWhatAWithheldResourceGroups() {
    JsonObject patient = new JsonObject().put("resourceType", "Patient").put("id", "p1");
    JsonObject clinic = new JsonObject().put("resourceType", "Organization").put("id", "org");
    JsonObject problem = CHLAMYDIA.copy().put("extension", new JsonArray().add(related("Patient/p1")).add(related("Organization/org")));
    JsonObject list = new JsonObject().put("resourceType", "List").put("id", "l").put("status", "current").put("mode", "snapshot")
        .put("code", concept(SNOMED, "105629000", "Chlamydial infection"))
        .put("entry", new JsonArray().add(new JsonObject().put("item", ref("Patient/p1"))));
    JsonObject result = observation("r1").put("performer", new JsonArray().add(ref("Organization/org")));
    assertThat(releasedIds(List.of(patient, clinic, result), problem, list)).containsExactly("p1", "org", "r1");
  }
}
