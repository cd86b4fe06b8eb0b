package io.shcr.api;

import static io.shcr.support.LyingSources.HIV;
import static io.shcr.support.LyingSources.HYPERTENSION;
import static io.shcr.support.LyingSources.NHS;
import static io.shcr.support.LyingSources.OTHER_NHS;
import static io.shcr.support.LyingSources.byNhsNumber;
import static io.shcr.support.LyingSources.condition;
import static io.shcr.support.LyingSources.encounter;
import static io.shcr.support.LyingSources.fhir;
import static io.shcr.support.LyingSources.honest;
import static io.shcr.support.LyingSources.medicationFor;
import static io.shcr.support.LyingSources.patient;
import static io.shcr.support.LyingSources.ref;
import static io.shcr.support.LyingSources.searchset;
import static io.shcr.support.TrustBed.ids;
import static io.shcr.support.TrustBed.resources;
import static io.shcr.support.TrustBed.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.support.LyingSources;
import io.shcr.support.SseClient;
import io.shcr.support.TrustBed;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Never trust a source, end to end: sources that lie about whose data they send, that use one id for
 * two resources, or that write clinical text where we report status. Each test has an honest source
 * beside the liar, which must still stream.
 */
@ExtendWith(VertxExtension.class)
class PatientTrustTest {

  private static final JsonObject HONEST_PROBLEM = condition("h1", "Patient/HONEST-patient", HYPERTENSION);

  private TrustBed bed;

  @BeforeEach
  void sources(Vertx vertx) {
    bed = new TrustBed(vertx);
    bed.sources.with("HONEST", honest("HONEST", HONEST_PROBLEM));
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  private JsonObject view(String liar) {
    bed.startSources().startService(List.of(bed.fhir("HONEST", 3_000, 50), bed.fhir(liar, 3_000, 50)), 10_000);
    HttpResponse<Buffer> response = bed.json("");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject document = response.bodyAsJsonObject();
    assertThat(statuses(document).get("HONEST").getString("status")).isEqualTo("ok");
    assertThat(ids(resources(document, "HONEST", "problems"))).containsExactly("Condition/h1");
    assertThat(response.bodyAsString()).doesNotContain(OTHER_NHS);
    return document;
  }

  @Test
  void anotherNhsNumberInAnyPatientFieldMakesTheSourceAMismatch() {
    // subject names our patient, patient names another: read subject first and it would pass.
    JsonObject twoFaced = condition("c1", "Patient/LIAR-patient", HYPERTENSION).put("patient", byNhsNumber(OTHER_NHS));
    bed.sources.with("LIAR", honest("LIAR", twoFaced));
    JsonObject document = view("LIAR");
    assertThat(statuses(document).get("LIAR").getString("status")).isEqualTo("patient-mismatch");
    assertThat(resources(document, "LIAR", "problems")).isEmpty();
  }

  @Test
  void aSourceWhosePatientSearchNamesAnotherPatientReleasesNothingAtAll() {
    // Two Patients under one id, another patient's first: nothing of this source may go out, not even first.
    bed.sources.with("LIAR", (request, type) -> fhir(request, 200, type.equals("Patient")
        ? searchset(patient("p", OTHER_NHS), patient("p", NHS))
        : searchset(condition("c1", "Patient/p", HYPERTENSION))));
    bed.startSources().startService(List.of(bed.fhir("HONEST", 3_000, 50), bed.fhir("LIAR", 3_000, 50)), 10_000);
    SseClient.Stream stream = bed.sse("");
    assertThat(stream.ofType("section")).noneMatch(e -> e.data().getString("source").equals("LIAR"));
    assertThat(stream.ofType("section")).anyMatch(e -> e.data().getString("source").equals("HONEST"));
    JsonObject liar = stream.ofType("source").stream().map(e -> e.data())
        .filter(d -> d.getString("source").equals("LIAR")).findFirst().orElseThrow();
    assertThat(liar.getString("status")).isEqualTo("patient-mismatch");
    assertThat(stream.events.toString()).doesNotContain(OTHER_NHS);
  }

  @Test
  void twoDifferentPatientsOfOursUnderOneIdProveNothing() {
    bed.sources.with("LIAR", (request, type) -> fhir(request, 200, type.equals("Patient")
        ? searchset(patient("p", NHS), patient("p", NHS).put("birthDate", "1990-02-02"))
        : searchset(LyingSources.matching("LIAR", request, type, List.of(condition("c1", "Patient/p", HYPERTENSION))))));
    JsonObject document = view("LIAR");
    assertThat(statuses(document).get("LIAR").getString("status")).isEqualTo("not-found");
    assertThat(resources(document, "LIAR", "demographics")).isEmpty();
    assertThat(resources(document, "LIAR", "problems")).isEmpty();
  }

  @Test
  void twoConditionsUnderOneIdWithholdBothAndWhatReliesOnThem() {
    bed.sources.with("LIAR", honest("LIAR",
        condition("c1", "Patient/LIAR-patient", HIV),
        condition("c1", "Patient/LIAR-patient", HYPERTENSION),
        condition("c2", "Patient/LIAR-patient", HYPERTENSION),
        medicationFor("m1", "Patient/LIAR-patient", "Condition/c1"),
        medicationFor("m2", "Patient/LIAR-patient", "Condition/c2")));
    JsonObject document = view("LIAR");
    assertThat(statuses(document).get("LIAR").getString("status")).isEqualTo("ok");
    assertThat(ids(resources(document, "LIAR", "problems"))).containsExactly("Condition/c2");
    assertThat(ids(resources(document, "LIAR", "medications"))).containsExactly("MedicationRequest/m2");
    assertThat(document.encode()).doesNotContain(HIV);
  }

  @Test
  void aReferenceToAResourceOfAPatientWeCannotCheckDropsTheReferrer() {
    // c9 is fetched only when the filter asks for it, and names a patient the source never returned.
    JsonObject strangers = condition("c9", "Patient/stranger", HYPERTENSION);
    JsonObject partOfStrangers = encounter("e2", "Patient/LIAR-patient").put("partOf", ref("Encounter/e9"));
    bed.sources.with("LIAR", (request, type) -> {
      List<JsonObject> found = LyingSources.matching("LIAR", request, type, List.of(
          medicationFor("m1", "Patient/LIAR-patient", "Condition/c9"),
          medicationFor("m2", "Patient/LIAR-patient", "Condition/c2"),
          condition("c2", "Patient/LIAR-patient", HYPERTENSION),
          encounter("e1", "Patient/LIAR-patient"), partOfStrangers, encounter("e9", "Patient/stranger")));
      if (request.getParam("_id") != null && type.equals("Condition") && request.getParam("_id").contains("c9")) {
        found = List.of(strangers);
      }
      fhir(request, 200, searchset(found));
    });
    JsonObject document = view("LIAR");
    assertThat(ids(resources(document, "LIAR", "medications"))).containsExactly("MedicationRequest/m2");
    assertThat(ids(resources(document, "LIAR", "encounters"))).containsExactly("Encounter/e1");
    assertThat(document.encode()).doesNotContain("stranger");
  }

  @Test
  void containedPatientsAndPatientsInOtherFieldsMustBeOurs() {
    JsonObject containedStranger = condition("k1", "#p", HYPERTENSION)
        .put("contained", new JsonArray().add(patient("p", null)));
    JsonObject containedOurs = condition("k2", "Patient/LIAR-patient", HYPERTENSION)
        .put("contained", new JsonArray().add(patient("q", NHS)));
    JsonObject assertedByAGhost = condition("k3", "Patient/LIAR-patient", HYPERTENSION).put("asserter", ref("Patient/ghost"));
    JsonObject ghostInAnExtension = condition("k4", "Patient/LIAR-patient", HYPERTENSION)
        .put("extension", new JsonArray().add(new JsonObject().put("url", "https://example.org/about")
            .put("valueReference", ref("Patient/ghost"))));
    JsonObject noPatientAtAll = condition("k5", "Group/g1", HYPERTENSION);
    bed.sources.with("LIAR", honest("LIAR", containedStranger, containedOurs, assertedByAGhost, ghostInAnExtension,
        noPatientAtAll));
    JsonObject document = view("LIAR");
    assertThat(ids(resources(document, "LIAR", "problems"))).containsExactly("Condition/k2");
  }

  @Test
  void aContainedPatientWithAnotherNumberIsAMismatch() {
    JsonObject containedOther = condition("k1", "Patient/LIAR-patient", HYPERTENSION)
        .put("contained", new JsonArray().add(patient("p", OTHER_NHS)));
    bed.sources.with("LIAR", honest("LIAR", containedOther));
    JsonObject document = view("LIAR");
    assertThat(statuses(document).get("LIAR").getString("status")).isEqualTo("patient-mismatch");
  }

  @Test
  void sensitiveCodesInExtensionsAndLabelsOnLinkedItemsAreWithheld() {
    JsonObject labelled = condition("c5", "Patient/LIAR-patient", HYPERTENSION).put("meta", new JsonObject()
        .put("security", new JsonArray().add(new JsonObject()
            .put("system", "http://terminology.hl7.org/CodeSystem/v3-Confidentiality").put("code", "R"))));
    JsonObject hiddenInExtension = condition("c6", "Patient/LIAR-patient", HYPERTENSION)
        .put("extension", new JsonArray().add(new JsonObject().put("url", "https://example.org/reason")
            .put("valueCodeableConcept", LyingSources.coded(HIV, "Human immunodeficiency virus infection"))));
    bed.sources.with("LIAR", honest("LIAR", labelled, hiddenInExtension,
        medicationFor("m5", "Patient/LIAR-patient", "Condition/c5"),
        medicationFor("m6", "Patient/LIAR-patient", "Condition/c6"),
        condition("c7", "Patient/LIAR-patient", HYPERTENSION)));
    JsonObject document = view("LIAR");
    assertThat(ids(resources(document, "LIAR", "problems"))).containsExactly("Condition/c7");
    assertThat(resources(document, "LIAR", "medications")).isEmpty();
  }
}
