package io.shcr.api;

import static io.shcr.support.LyingSources.HIV;
import static io.shcr.support.LyingSources.HYPERTENSION;
import static io.shcr.support.LyingSources.NHS;
import static io.shcr.support.LyingSources.NHS_SYSTEM;
import static io.shcr.support.LyingSources.OTHER_NHS;
import static io.shcr.support.LyingSources.SNOMED;
import static io.shcr.support.LyingSources.byNhsNumber;
import static io.shcr.support.LyingSources.coded;
import static io.shcr.support.LyingSources.condition;
import static io.shcr.support.LyingSources.encounter;
import static io.shcr.support.LyingSources.fhir;
import static io.shcr.support.LyingSources.honest;
import static io.shcr.support.LyingSources.matching;
import static io.shcr.support.LyingSources.medicationFor;
import static io.shcr.support.LyingSources.patient;
import static io.shcr.support.LyingSources.raw;
import static io.shcr.support.LyingSources.ref;
import static io.shcr.support.LyingSources.searchset;
import static io.shcr.support.TrustBed.ids;
import static io.shcr.support.TrustBed.resources;
import static io.shcr.support.TrustBed.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.core.Section;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceKind;
import io.shcr.support.LyingSources;
import io.shcr.support.SseClient;
import io.shcr.support.TrustBed;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lying-source suite (issue 10 part 8), beside {@link PatientTrustTest} and {@link BoundedWorkTest}:
 * sources that hide sensitive items where a shallow reader would not look, that dress another patient
 * up as ours, or that send answers shaped to break a parser. Every test runs an honest source beside
 * the liar and asserts that the honest one still streams and that nothing withheld reaches the client.
 */
@ExtendWith(VertxExtension.class)
class LyingSourceSuiteTest {

  private static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
  private static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
  private static final String NHS_NUMBER_OID = "urn:oid:2.16.840.1.113883.2.1.4.1";
  private static final Set<Section> WITH_RESULTS = Set.of(Section.DEMOGRAPHICS, Section.PROBLEMS, Section.MEDICATIONS,
      Section.ENCOUNTERS, Section.RESULTS);

  private TrustBed bed;

  @BeforeEach
  void sources(Vertx vertx) {
    bed = new TrustBed(vertx);
    bed.sources.with("HONEST", honest("HONEST", condition("h1", "Patient/HONEST-patient", HYPERTENSION)));
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  private SourceConfig source(String id) {
    return TrustBed.withKind(bed.fhir(id, 3_000, 50), SourceKind.ACUTE, WITH_RESULTS);
  }

  /** The JSON view over the honest source and these liars; the honest source's problem must be there. */
  private HttpResponse<Buffer> view(String... liars) {
    bed.startSources();
    List<SourceConfig> configs = new ArrayList<>();
    configs.add(source("HONEST"));
    for (String liar : liars) {
      configs.add(source(liar));
    }
    bed.startService(configs, 10_000);
    HttpResponse<Buffer> response = bed.json("");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject document = response.bodyAsJsonObject();
    assertThat(statuses(document).get("HONEST").getString("status")).isEqualTo("ok");
    assertThat(ids(resources(document, "HONEST", "problems"))).containsExactly("Condition/h1");
    return response;
  }

  private static JsonObject document(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject();
  }

  private static JsonObject label(String system, String code) {
    return new JsonObject().put("security", new JsonArray().add(new JsonObject().put("system", system).put("code", code)));
  }

  /** The Patient search answers with this Patient; every other search honestly from these resources. */
  private static LyingSources.Script patientIs(String sourceId, JsonObject patient, JsonObject... resources) {
    return (request, type) -> fhir(request, 200, type.equals("Patient") && request.getParam("_id") == null
        ? searchset(patient) : searchset(matching(sourceId, request, type, List.of(resources))));
  }

  /** The Patient search answers honestly; the Condition search with these bytes; everything else is empty. */
  private static LyingSources.Script conditionsAre(String sourceId, String contentType, Buffer body) {
    return (request, type) -> {
      if (type.equals("Condition") && request.getParam("_id") == null) {
        raw(request, 200, contentType, body);
      } else {
        fhir(request, 200, searchset(matching(sourceId, request, type, List.of())));
      }
    };
  }

  // Sensitive items where a shallow reader would not look.

  @Test
  void aContainedSensitiveConditionTakesTheOrdinaryMedicineThatNamesItDown() {
    JsonObject hivInside = medicationFor("m1", "Patient/LIAR-patient", "#c")
        .put("contained", new JsonArray().add(condition("c", "#", HIV).put("subject", ref("Patient/LIAR-patient"))));
    JsonObject unreferencedInside = condition("c2", "Patient/LIAR-patient", HYPERTENSION)
        .put("contained", new JsonArray().add(condition("x", "Patient/LIAR-patient", HIV)));
    bed.sources.with("LIAR", honest("LIAR", hivInside, unreferencedInside,
        medicationFor("m2", "Patient/LIAR-patient", "Condition/c3"), condition("c3", "Patient/LIAR-patient", HYPERTENSION)));
    HttpResponse<Buffer> response = view("LIAR");
    JsonObject document = document(response);
    assertThat(statuses(document).get("LIAR").getString("status")).isEqualTo("ok");
    assertThat(ids(resources(document, "LIAR", "medications"))).containsExactly("MedicationRequest/m2");
    assertThat(ids(resources(document, "LIAR", "problems"))).containsExactly("Condition/c3");
    assertThat(response.bodyAsString()).doesNotContain(HIV).doesNotContain("immunodeficiency");
  }

  @Test
  void aSensitiveCodeAsAnObservationsValueWithholdsItAndWhatIsBasedOnIt() {
    JsonObject test = new JsonObject().put("resourceType", "Observation").put("id", "o1").put("status", "final")
        .put("subject", ref("Patient/LIAR-patient"))
        .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("system", "http://loinc.org")
            .put("code", "75325-1").put("display", "Symptom"))))
        .put("valueCodeableConcept", coded(HIV, "Human immunodeficiency virus infection"));
    JsonObject ordinary = new JsonObject().put("resourceType", "Observation").put("id", "o2").put("status", "final")
        .put("subject", ref("Patient/LIAR-patient"))
        .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("system", "http://loinc.org")
            .put("code", "8480-6").put("display", "Systolic blood pressure"))));
    JsonObject basedOnIt = condition("c1", "Patient/LIAR-patient", HYPERTENSION)
        .put("evidence", new JsonArray().add(new JsonObject().put("detail", new JsonArray().add(ref("Observation/o1")))));
    bed.sources.with("LIAR", honest("LIAR", test, ordinary, basedOnIt));
    HttpResponse<Buffer> response = view("LIAR");
    JsonObject document = document(response);
    assertThat(ids(resources(document, "LIAR", "results"))).containsExactly("Observation/o2");
    assertThat(resources(document, "LIAR", "problems")).isEmpty();
    assertThat(response.bodyAsString()).doesNotContain(HIV).doesNotContain("immunodeficiency");
  }

  @Test
  void sensitiveCodesWrittenUnderAnotherFormOfTheirSystemAreStillWithheld() {
    // The SNOMED OID, a trailing slash, a capitalised URI, a padded code, a zero-width space, a leading zero,
    // full-width digits, an inner space, a NUL: recognised or withheld, never released (its display would say it).
    List<JsonObject> disguised = new ArrayList<>();
    String[][] forms = {{"urn:oid:2.16.840.1.113883.6.96", HIV}, {"http://snomed.info/sct/", HIV},
        {"HTTP://SNOMED.INFO/SCT", HIV}, {SNOMED, " " + HIV + " "}, {SNOMED, HIV + "\u200b"}, {SNOMED, "0" + HIV},
        {SNOMED, "\uff18\uff16\uff14\uff10\uff16\uff10\uff10\uff18"}, {SNOMED, "864 06008"}, {SNOMED, HIV + "\u0000"}};
    for (int i = 0; i < forms.length; i++) {
      disguised.add(new JsonObject().put("resourceType", "Condition").put("id", "d" + i).put("subject", ref("Patient/LIAR-patient"))
          .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("system", forms[i][0])
              .put("code", forms[i][1]).put("display", "Human immunodeficiency virus infection")))));
    }
    disguised.add(condition("ok", "Patient/LIAR-patient", HYPERTENSION));
    bed.sources.with("LIAR", honest("LIAR", disguised.toArray(JsonObject[]::new)));
    HttpResponse<Buffer> response = view("LIAR");
    assertThat(ids(resources(document(response), "LIAR", "problems"))).containsExactly("Condition/ok");
    assertThat(response.bodyAsString()).doesNotContain(HIV).doesNotContain("immunodeficiency");
  }

  @Test
  void aSensitiveCodeWithoutASystemIsWithheld() {
    // No system: no list can judge it, and a reader's system may still show it (or its display) as HIV.
    JsonObject bare = new JsonObject().put("resourceType", "Condition").put("id", "b1").put("subject", ref("Patient/LIAR-patient"))
        .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("code", HIV)
            .put("display", "Human immunodeficiency virus infection"))));
    JsonObject inAValue = new JsonObject().put("resourceType", "Observation").put("id", "o1").put("status", "final")
        .put("subject", ref("Patient/LIAR-patient"))
        .put("code", coded(HYPERTENSION, "Hypertensive disorder"))
        .put("valueCodeableConcept", new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("code", HIV))));
    bed.sources.with("LIAR", honest("LIAR", bare, inAValue, condition("c1", "Patient/LIAR-patient", HYPERTENSION)));
    HttpResponse<Buffer> response = view("LIAR");
    JsonObject document = document(response);
    assertThat(ids(resources(document, "LIAR", "problems"))).containsExactly("Condition/c1");
    assertThat(resources(document, "LIAR", "results")).isEmpty();
    assertThat(response.bodyAsString()).doesNotContain(HIV).doesNotContain("immunodeficiency");
  }

  @Test
  void everyConfidentialityOrSensitivityLabelOnALinkedItemWithholdsWhatReliesOnIt() {
    List<JsonObject> resources = new ArrayList<>();
    // The shipped labels (sensitive-data.yaml securityLabels), also under the system's other URIs.
    String[][] labels = {{CONFIDENTIALITY, "R"}, {CONFIDENTIALITY, "V"}, {"http://hl7.org/fhir/v3/Confidentiality", "R"},
        {"urn:oid:2.16.840.1.113883.5.25", "V"}, {ACT_CODE, "HIV"}, {ACT_CODE, "STD"}, {ACT_CODE, "SDV"}};
    for (int i = 0; i < labels.length; i++) {
      resources.add(condition("l" + i, "Patient/LIAR-patient", HYPERTENSION).put("meta", label(labels[i][0], labels[i][1])));
      resources.add(medicationFor("m" + i, "Patient/LIAR-patient", "Condition/l" + i));
    }
    // A labelled encounter takes down the ordinary problem recorded in it.
    resources.add(encounter("e1", "Patient/LIAR-patient").put("meta", label(CONFIDENTIALITY, "R")));
    resources.add(condition("c1", "Patient/LIAR-patient", HYPERTENSION).put("encounter", ref("Encounter/e1")));
    resources.add(condition("c2", "Patient/LIAR-patient", HYPERTENSION));
    resources.add(medicationFor("m9", "Patient/LIAR-patient", "Condition/c2"));
    bed.sources.with("LIAR", honest("LIAR", resources.toArray(JsonObject[]::new)));
    JsonObject document = document(view("LIAR"));
    assertThat(ids(resources(document, "LIAR", "problems"))).containsExactly("Condition/c2");
    assertThat(ids(resources(document, "LIAR", "medications"))).containsExactly("MedicationRequest/m9");
    assertThat(resources(document, "LIAR", "encounters")).isEmpty();
  }

  @Test
  void aLinkToASensitiveItemWrittenAnotherWayStillWithholdsTheReferrer() {
    // A version, another case, the source's own absolute URL, a logical reference: each names HIV condition c9.
    JsonObject hiv = condition("c9", "Patient/LIAR-patient", HIV);
    String[] forms = {"Condition/c9/_history/2", "condition/c9", "CONDITION/c9", "Condition/c9?x=1", "Condition/c9#x",
        "Condition//c9", "Condition/./c9", " Condition/c9", "Condition/c%39"};
    List<JsonObject> resources = new ArrayList<>(List.of(hiv, condition("c1", "Patient/LIAR-patient", HYPERTENSION),
        medicationFor("ok", "Patient/LIAR-patient", "Condition/c1")));
    for (int i = 0; i < forms.length; i++) {
      resources.add(medicationFor("m" + i, "Patient/LIAR-patient", forms[i]));
    }
    bed.sources.with("LIAR", (request, type) -> {
      List<JsonObject> all = new ArrayList<>(resources);
      all.add(medicationFor("abs", "Patient/LIAR-patient", bed.sources.baseUrl("LIAR") + "/Condition/c9"));
      fhir(request, 200, searchset(matching("LIAR", request, type, all)));
    });
    HttpResponse<Buffer> response = view("LIAR");
    JsonObject document = document(response);
    assertThat(ids(resources(document, "LIAR", "medications"))).containsExactly("MedicationRequest/ok");
    assertThat(response.bodyAsString()).doesNotContain(HIV).doesNotContain("immunodeficiency");
  }

  // Another patient dressed up as ours.

  @Test
  void aReferenceToAResourceOfAnotherPatientMakesTheSourceAMismatch() {
    JsonObject theirs = condition("c9", "Patient/LIAR-patient", HYPERTENSION).put("subject", byNhsNumber(OTHER_NHS));
    bed.sources.with("LIAR", honest("LIAR", medicationFor("m1", "Patient/LIAR-patient", "Condition/c9"), theirs,
        condition("c1", "Patient/LIAR-patient", HYPERTENSION)));
    HttpResponse<Buffer> response = view("LIAR");
    JsonObject document = document(response);
    assertThat(statuses(document).get("LIAR").getString("status")).isEqualTo("patient-mismatch");
    assertThat(resources(document, "LIAR", "medications")).isEmpty();
    assertThat(resources(document, "LIAR", "problems")).isEmpty();
    assertThat(response.bodyAsString()).doesNotContain(OTHER_NHS);
  }

  @Test
  void aPatientWithTwoNhsNumbersIsAnotherPatientHoweverTheSecondIsWritten() {
    // Ours beside another: under the NHS number system, its OID, plain http, a trailing slash, other capitals.
    String[] systems = {NHS_SYSTEM, NHS_NUMBER_OID, "http://fhir.nhs.uk/Id/nhs-number", NHS_SYSTEM + "/",
        "https://FHIR.NHS.UK/Id/nhs-number"};
    String[] liars = new String[systems.length];
    for (int i = 0; i < systems.length; i++) {
      liars[i] = "TWO" + i;
      JsonObject twoNumbers = patient(liars[i] + "-patient", NHS);
      twoNumbers.getJsonArray("identifier").add(new JsonObject().put("system", systems[i]).put("value", "999 000 0018"));
      bed.sources.with(liars[i], patientIs(liars[i], twoNumbers, condition("c1", "Patient/" + liars[i] + "-patient", HYPERTENSION)));
    }
    // The other number as a JSON number, or as an object, rather than text.
    String[] all = java.util.Arrays.copyOf(liars, liars.length + 2);
    Object[] values = {9990000018L, new JsonObject().put("value", OTHER_NHS)};
    for (int i = 0; i < values.length; i++) {
      String liar = "ODDVALUE" + i;
      all[liars.length + i] = liar;
      JsonObject oddValue = patient(liar + "-patient", NHS);
      oddValue.getJsonArray("identifier").add(new JsonObject().put("system", NHS_SYSTEM).put("value", values[i]));
      bed.sources.with(liar, patientIs(liar, oddValue, condition("c1", "Patient/" + liar + "-patient", HYPERTENSION)));
    }
    liars = all;
    HttpResponse<Buffer> response = view(liars);
    JsonObject document = document(response);
    for (String liar : liars) {
      assertThat(statuses(document).get(liar).getString("status")).as(liar).isEqualTo("patient-mismatch");
      assertThat(resources(document, liar, "demographics")).as(liar).isEmpty();
      assertThat(resources(document, liar, "problems")).as(liar).isEmpty();
    }
    assertThat(response.bodyAsString()).doesNotContain(OTHER_NHS).doesNotContain("999 000 0018");
  }

  @Test
  void ourNumberWithSpacesIsOursAndAnotherNumberWithSpacesOrUnderAnotherFormIsAnothers() {
    JsonObject spaced = patient("SPACED-patient", null).put("identifier", new JsonArray()
        .add(new JsonObject().put("system", NHS_SYSTEM).put("value", "943 476 5919")));
    JsonObject otherSpaced = patient("OTHER-patient", null).put("identifier", new JsonArray()
        .add(new JsonObject().put("system", NHS_SYSTEM).put("value", " 999\t000 0018")));
    JsonObject otherByOid = patient("OID-patient", null).put("identifier", new JsonArray()
        .add(new JsonObject().put("system", NHS_NUMBER_OID).put("value", OTHER_NHS)));
    bed.sources
        .with("SPACED", patientIs("SPACED", spaced, condition("c1", "Patient/SPACED-patient", HYPERTENSION)))
        .with("OTHER", patientIs("OTHER", otherSpaced, condition("c1", "Patient/OTHER-patient", HYPERTENSION)))
        .with("OID", patientIs("OID", otherByOid, condition("c1", "Patient/OID-patient", HYPERTENSION)));
    HttpResponse<Buffer> response = view("SPACED", "OTHER", "OID");
    JsonObject document = document(response);
    assertThat(statuses(document).get("SPACED").getString("status")).isEqualTo("ok");
    assertThat(ids(resources(document, "SPACED", "problems"))).containsExactly("Condition/c1");
    for (String liar : List.of("OTHER", "OID")) {
      assertThat(statuses(document).get(liar).getString("status")).as(liar).isEqualTo("patient-mismatch");
      assertThat(resources(document, liar, "problems")).as(liar).isEmpty();
    }
    assertThat(response.bodyAsString()).doesNotContain(OTHER_NHS).doesNotContain("999\\t000");
  }

  @Test
  void aPatientUnderAnotherCaseOfResourceTypeStillCounts() {
    JsonObject lowerCase = new JsonObject().put("resourceType", "patient").put("id", "p2")
        .put("identifier", new JsonArray().add(new JsonObject().put("system", NHS_SYSTEM).put("value", OTHER_NHS)));
    JsonObject carrying = condition("c1", "Patient/CASE-patient", HYPERTENSION).put("contained", new JsonArray().add(lowerCase));
    JsonObject upperCase = new JsonObject().put("resourceType", "PATIENT").put("id", "p3").put("birthDate", "1990-01-01");
    JsonObject shouting = condition("c1", "Patient/SHOUT-patient", HYPERTENSION).put("contained", new JsonArray().add(upperCase))
        .put("asserter", ref("#p3"));
    JsonObject oddTypes = new JsonObject().put("resourceType", "condition").put("id", "c2").put("subject", ref("Patient/ODD-patient"))
        .put("code", coded(HYPERTENSION, "Hypertensive disorder"));
    bed.sources.with("CASE", honest("CASE", carrying)).with("SHOUT", honest("SHOUT", shouting))
        .with("ODD", (request, type) -> fhir(request, 200, type.equals("Condition")
            ? searchset(oddTypes) : searchset(matching("ODD", request, type, List.of()))));
    HttpResponse<Buffer> response = view("CASE", "SHOUT", "ODD");
    JsonObject document = document(response);
    assertThat(statuses(document).get("CASE").getString("status")).isEqualTo("patient-mismatch");
    assertThat(resources(document, "CASE", "problems")).isEmpty();
    assertThat(resources(document, "SHOUT", "problems")).isEmpty();
    assertThat(resources(document, "ODD", "problems")).isEmpty();
    assertThat(response.bodyAsString()).doesNotContain(OTHER_NHS).doesNotContain("\"condition\"").doesNotContain("PATIENT");
  }

  @Test
  void aBundleInsideABundleEntryIsNeverReleasedNorItsContents() {
    JsonObject inner = searchset(condition("n1", "Patient/NEST-patient", HIV), condition("n2", "Patient/NEST-patient", HYPERTENSION));
    JsonObject innerOther = searchset(patient("x", OTHER_NHS));
    bed.sources
        .with("NEST", (request, type) -> fhir(request, 200, type.equals("Condition") && request.getParam("_id") == null
            ? searchset(inner, condition("c1", "Patient/NEST-patient", HYPERTENSION))
            : searchset(matching("NEST", request, type, List.of()))))
        .with("NESTOTHER", (request, type) -> fhir(request, 200, type.equals("Condition") && request.getParam("_id") == null
            ? searchset(innerOther, condition("c1", "Patient/NESTOTHER-patient", HYPERTENSION))
            : searchset(matching("NESTOTHER", request, type, List.of()))));
    HttpResponse<Buffer> response = view("NEST", "NESTOTHER");
    JsonObject document = document(response);
    assertThat(ids(resources(document, "NEST", "problems"))).containsExactly("Condition/c1");
    assertThat(statuses(document).get("NESTOTHER").getString("status")).isEqualTo("patient-mismatch");
    assertThat(resources(document, "NESTOTHER", "problems")).isEmpty();
    assertThat(response.bodyAsString()).doesNotContain(HIV).doesNotContain("Condition/n2").doesNotContain("\"n2\"")
        .doesNotContain(OTHER_NHS);
  }

  // Answers shaped to break a parser.

  @Test
  void anAnswerDeclaredAsAnythingButFhirJsonIsRefusedWhateverItHolds() {
    Buffer fhirBody = searchset(condition("c1", "Patient/X-patient", HYPERTENSION)).toBuffer();
    bed.sources
        .with("HTML", conditionsAre("HTML", "text/html", fhirBody))
        .with("XML", conditionsAre("XML", "application/fhir+xml", fhirBody))
        .with("NONE", conditionsAre("NONE", null, fhirBody))
        .with("TEXT", conditionsAre("TEXT", "text/plain; charset=utf-8", fhirBody))
        .with("SNIFFED", conditionsAre("SNIFFED", "application/fhir+json-seq", fhirBody));
    JsonObject document = document(view("HTML", "XML", "NONE", "TEXT", "SNIFFED"));
    for (String liar : List.of("HTML", "XML", "NONE", "TEXT", "SNIFFED")) {
      assertThat(statuses(document).get(liar).getString("status")).as(liar).isEqualTo("error");
      assertThat(statuses(document).get(liar).getString("detail")).as(liar).isEqualTo("answer was not declared as FHIR JSON");
      assertThat(resources(document, liar, "problems")).as(liar).isEmpty();
    }
  }

  @Test
  void duplicateKeysThatWouldHideASensitiveCodeAreRefused() {
    String hidden = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":{\"resourceType\":\"Condition\","
        + "\"id\":\"k1\",\"subject\":{\"reference\":\"Patient/X-patient\"},\"code\":{\"coding\":[{\"system\":\"" + SNOMED
        + "\",\"code\":\"" + HIV + "\"}]},\"code\":{\"coding\":[{\"system\":\"" + SNOMED + "\",\"code\":\"" + HYPERTENSION + "\"}]}}}]}";
    String twoTypes = "{\"resourceType\":\"Bundle\",\"resourceType\":\"Condition\",\"type\":\"searchset\",\"entry\":[]}";
    bed.sources.with("DUP", conditionsAre("DUP", "application/fhir+json", Buffer.buffer(hidden)))
        .with("TWOTYPES", conditionsAre("TWOTYPES", "application/fhir+json", Buffer.buffer(twoTypes)));
    HttpResponse<Buffer> response = view("DUP", "TWOTYPES");
    JsonObject document = document(response);
    for (String liar : List.of("DUP", "TWOTYPES")) {
      assertThat(statuses(document).get(liar).getString("status")).as(liar).isEqualTo("error");
      assertThat(statuses(document).get(liar).getString("detail")).as(liar).isEqualTo("answer was not valid FHIR JSON");
    }
    assertThat(response.bodyAsString()).doesNotContain(HIV).doesNotContain("\"k1\"");
  }

  @Test
  void invalidUtf8InsideASensitiveWordCannotSplitItPastTheFilter() {
    // "HIV" cut by a stray byte inside a display; the whole answer is refused, not repaired.
    byte[] start = ("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":{\"resourceType\":\"Condition\","
        + "\"id\":\"u1\",\"subject\":{\"reference\":\"Patient/X-patient\"},\"code\":{\"text\":\"HI").getBytes();
    byte[] end = "V positive\"}}}]}".getBytes();
    byte[] body = new byte[start.length + 1 + end.length];
    System.arraycopy(start, 0, body, 0, start.length);
    body[start.length] = (byte) 0xFF;
    System.arraycopy(end, 0, body, start.length + 1, end.length);
    bed.sources.with("UTF8", conditionsAre("UTF8", "application/fhir+json", Buffer.buffer(body)));
    HttpResponse<Buffer> response = view("UTF8");
    JsonObject document = document(response);
    assertThat(statuses(document).get("UTF8").getString("detail")).isEqualTo("answer was not valid FHIR JSON");
    assertThat(response.bodyAsString()).doesNotContain("positive").doesNotContain("\"u1\"");
  }

  @Test
  void aHundredThousandEntriesAreRefusedWithinBoundedMemoryAndTheSseViewEnds() {
    StringBuilder json = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[");
    for (int i = 0; i < 100_000; i++) {
      json.append(i == 0 ? "" : ",").append("{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"").append(i)
          .append("\"}}");
    }
    Buffer body = Buffer.buffer(json.append("]}").toString());
    bed.sources.with("FLOOD", conditionsAre("FLOOD", "application/fhir+json", body));
    view("FLOOD"); // a first view, so that what is measured below is the answer, not the service warming up
    long before = allocatedByAllThreads();
    JsonObject document = bed.json("").bodyAsJsonObject();
    long allocated = allocatedByAllThreads() - before;
    assertThat(statuses(document).get("FLOOD").getString("status")).isEqualTo("error");
    assertThat(statuses(document).get("FLOOD").getString("detail"))
        .isEqualTo("answer held more than 10000 resources (this source's limit for one answer)");
    assertThat(statuses(document).get("HONEST").getString("status")).isEqualTo("ok");
    // Measured: about 6 times the body (transport copies, the first 10,000 entries). The tree of all
    // 100,000 resources alone is about 11 times the body, so reading it whole could not pass.
    assertThat(allocated).as("bytes allocated for a %d-byte answer", body.length()).isLessThan(10L * body.length());
    SseClient.Stream stream = bed.sse("");
    assertThat(stream.ofType("complete")).hasSize(1);
    assertThat(stream.ofType("section")).anyMatch(e -> e.data().getString("source").equals("HONEST"));
  }

  @Test
  void aSourceSendingGzipUnaskedIsRefusedAndTheOthersStream() throws Exception {
    // Valid FHIR JSON, gzip-compressed though we asked for identity: never inflated, so never read.
    java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(compressed)) {
      gzip.write(searchset(condition("g1", "Patient/GZIP-patient", HIV)).toBuffer().getBytes());
    }
    bed.sources.with("GZIP", (request, type) -> {
      request.response().putHeader("Content-Encoding", "gzip");
      raw(request, 200, "application/fhir+json", Buffer.buffer(compressed.toByteArray()));
    });
    HttpResponse<Buffer> response = view("GZIP");
    JsonObject document = document(response);
    assertThat(statuses(document).get("GZIP").getString("status")).isEqualTo("error");
    assertThat(resources(document, "GZIP", "problems")).isEmpty();
    assertThat(response.bodyAsString()).doesNotContain(HIV).doesNotContain("\"g1\"");
  }

  private static long allocatedByAllThreads() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long allocated : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      sum += Math.max(0, allocated);
    }
    return sum;
  }
}
