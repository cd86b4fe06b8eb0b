package io.shcr.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.config.ServiceConfig;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.privacy.RuleBasedPrivacyFilter;
import io.shcr.sources.GpConnectAdapter;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceKind;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.FakePractice;
import io.shcr.support.FakeSources;
import io.shcr.support.TestComponents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A section asked alone from a GP practice, judged with what GP Connect links it to: the problem and
 * consultation areas are fetched with it and never released, an area a link needs is asked for, and an
 * item that still cannot be judged is reported in a fixed sentence that never depends on what is
 * sensitive. Over real HTTP with the real privacy filter and a fake practice.
 */
class GpConnectJudgingTest {

  private static final String SNOMED = "http://snomed.info/sct";

  private Vertx vertx;
  private FakePractice practice;
  private ShcrServer server;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    practice = await(new FakePractice(vertx).holding(
        FakeSources.patient("p1", FakeSources.NHS),
        condition("c-ast", "195967001", "Asthma"),
        condition("c-hiv", "86406008", "Human immunodeficiency virus infection"),
        medicine("m-salb", "Salbutamol 100micrograms/dose inhaler", "c-ast").put("context", ref("Encounter/e1")),
        medicine("m-arv", "Antiretroviral tablets", "c-hiv"),
        clinical("Encounter", "e1").put("status", "finished").put("reasonReference", new JsonArray().add(ref("Condition/c-ast"))),
        clinical("Encounter", "e2").put("status", "finished").put("basedOn", new JsonArray().add(ref("ServiceRequest/r1"))),
        clinical("ServiceRequest", "r1").put("status", "active").put("intent", "order")
            .put("reasonReference", new JsonArray().add(ref("Condition/c-ast"))),
        clinical("AllergyIntolerance", "a1").put("code", concept("91936005", "Allergy to penicillin"))).start());
    serve(practice);
  }

  /** (Re)starts the service with one source, GP1, answered by this practice. */
  private void serve(FakePractice source) {
    if (server != null) {
      await(server.close());
    }
    SourceConfig gp = new SourceConfig("GP1", "Practice GP1", SourceKind.GP, source.baseUrl(), "gp-connect",
        GpConnectAdapter.SUPPORTED, true, 3_000, 5, 20, 200_000, 1, new SourceConfig.BreakerConfig(50, 30_000));
    ServiceConfig config = new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, 5_000, 60_000);
    Components components = new Components(new SourceRegistry(List.of(gp)), RuleBasedPrivacyFilter.load(Path.of("conf")),
        TestComponents.allowAll(), ctx -> Future.succeededFuture(TestComponents.DOCTOR), new TestComponents.MemoryAudit(),
        List.of(), Future::succeededFuture);
    server = await(ShcrServer.start(vertx, config, components));
  }

  @AfterEach
  void stop() {
    await(server.close());
    await(practice.close());
    await(vertx.close());
  }

  @Test
  void medicationsAloneAreJudgedWithTheProblemsAndConsultationsFetchedInTheSameRequestAndNeverReleased() {
    JsonObject document = record("medications");
    assertThat(practice.requests).containsExactly(List.of("includeMedication", "includeProblems", "includeConsultations"));
    assertThat(ids(document, "medications")).containsExactly("m-salb");
    assertThat(sectionNames(document)).containsExactly("medications");
    assertThat(typesIn(document)).containsOnly("MedicationStatement");
    assertThat(detail(document)).isEmpty();
  }

  @Test
  void aLinkIntoAnAreaNotAskedMakesThatAreaAskedToJudgeAndNothingOfItIsReleased() {
    JsonObject document = record("encounters");
    assertThat(practice.requests).containsExactly(List.of("includeProblems", "includeConsultations"), List.of("includeReferrals"));
    assertThat(ids(document, "encounters")).containsExactlyInAnyOrder("e1", "e2");
    assertThat(typesIn(document)).containsOnly("Encounter");
    assertThat(detail(document)).isEmpty();
  }

  @Test
  void demographicsAloneReleaseOnlyThePatientEvenWhenItsLinkMadeAProblemAreaFetched() {
    JsonObject patient = FakeSources.patient("p1", FakeSources.NHS).put("extension", new JsonArray().add(new JsonObject()
        .put("url", "https://example.org/fhir/StructureDefinition/main-problem").put("valueReference", ref("Condition/c-ast"))));
    FakePractice withLink = another(patient, condition("c-ast", "195967001", "Asthma"));
    try {
      JsonObject document = record("demographics");
      assertThat(withLink.requests).containsExactly(List.of(), List.of("includeProblems"));
      assertThat(typesIn(document)).containsOnly("Patient");
      assertThat(document.encode()).doesNotContain("Asthma");
    } finally {
      await(withLink.close());
    }
  }

  @Test
  void anItemWhoseLinkCouldNotBeLookedUpIsWithheldAndTheSourceSaysSoInAFixedSentence() {
    practice.switchedOff.add("includeProblems");
    JsonObject document = record("medications");
    assertThat(ids(document, "medications")).isEmpty();
    assertThat(detail(document)).isEqualTo(PrivacyFilter.UNJUDGED_DETAIL);
    assertThat(status(document)).isEqualTo("ok");

    // Asked for, the switched-off area is named; the sentence stays one sentence, never a count.
    JsonObject both = record("medications,problems");
    assertThat(detail(both)).isEqualTo("problems: switched off at source (NOT_IMPLEMENTED); " + PrivacyFilter.UNJUDGED_DETAIL);
  }

  @Test
  void whatThePracticeLeftOutIsWithheldWithoutAWordSoTheSentenceIsNoTell() {
    // A practice leaving out the HIV problem, but not the link to it, is telling nothing through us.
    practice.leftOut.add("Condition/c-hiv");
    JsonObject document = record("medications");
    assertThat(ids(document, "medications")).containsExactly("m-salb");
    assertThat(detail(document)).isEmpty();
    assertThat(practice.requests).hasSize(1);
  }

  @Test
  void whetherTheSentenceAppearsDoesNotDependOnWhetherAnythingIsSensitive() {
    practice.switchedOff.add("includeConsultations");
    // The antiretroviral has no link into the switched-off area; the salbutamol has (its consultation).
    JsonObject document = record("medications");
    assertThat(ids(document, "medications")).isEmpty();
    assertThat(detail(document)).isEqualTo(PrivacyFilter.UNJUDGED_DETAIL);

    // The same structure, but the only item with a link never looked up is itself sensitive: still told.
    FakePractice sensitiveOnly = another(FakeSources.patient("p1", FakeSources.NHS),
        condition("c-hiv", "86406008", "Human immunodeficiency virus infection"),
        medicine("m-arv", "Antiretroviral tablets", "c-hiv").put("context", ref("Encounter/e1")));
    sensitiveOnly.switchedOff.add("includeConsultations");
    try {
      JsonObject sensitive = record("medications");
      assertThat(ids(sensitive, "medications")).isEmpty();
      assertThat(detail(sensitive)).isEqualTo(PrivacyFilter.UNJUDGED_DETAIL);
    } finally {
      await(sensitiveOnly.close());
    }
  }

  @Test
  void warningsOfAnAreaFetchedOnlyToJudgeAreNotReportedAndItsItemsAreNotTakenAsLeftOut() {
    practice.warnings.put("includeProblems", "data-in-transit");
    practice.warnings.put("includeMedication", "data-awaiting-filing");
    practice.leftOut.add("Condition/c-ast");
    JsonObject document = record("medications");
    // The problem list may be incomplete (in transit), so the missing asthma problem was not left out.
    assertThat(detail(document)).isEqualTo("medications: data-awaiting-filing; " + PrivacyFilter.UNJUDGED_DETAIL);
    assertThat(ids(document, "medications")).isEmpty();
  }

  @Test
  void aSourcesOwnIssueCodeIsNeverEchoed() {
    practice.switchedOff.add("includeAllergies");
    practice.switchedOffCode = "PATIENT_HAS_HIV_SEE_GUM_CLINIC";
    JsonObject document = record("allergies");
    assertThat(detail(document)).isEqualTo("allergies: switched off at source");
  }

  private JsonObject record(String sections) {
    var response = await(WebClient.create(vertx).get(server.port(), "127.0.0.1",
            "/api/v1/patients/" + FakeSources.NHS + "/record?sections=" + sections)
        .putHeader("Accept", "application/json").send());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  /** A second practice for one test, served in place of the first. */
  private FakePractice another(JsonObject... chart) {
    FakePractice other = await(new FakePractice(vertx).holding(chart).start());
    serve(other);
    return other;
  }

  private static List<JsonObject> sections(JsonObject document) {
    return document.getJsonArray("sections").stream().map(JsonObject.class::cast).toList();
  }

  private static List<String> sectionNames(JsonObject document) {
    return sections(document).stream().map(s -> s.getString("section")).toList();
  }

  private static List<String> ids(JsonObject document, String section) {
    return sections(document).stream().filter(s -> section.equals(s.getString("section")))
        .flatMap(s -> s.getJsonArray("resources").stream()).map(r -> ((JsonObject) r).getString("id")).toList();
  }

  private static Set<String> typesIn(JsonObject document) {
    return sections(document).stream().flatMap(s -> s.getJsonArray("resources").stream())
        .map(r -> ((JsonObject) r).getString("resourceType")).collect(Collectors.toSet());
  }

  private static JsonObject gpStatus(JsonObject document) {
    Map<String, JsonObject> sources = document.getJsonArray("sources").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(s -> s.getString("source"), s -> s));
    return sources.get("GP1");
  }

  private static String detail(JsonObject document) {
    return gpStatus(document).getString("detail", "");
  }

  private static String status(JsonObject document) {
    return gpStatus(document).getString("status");
  }

  private static JsonObject ref(String reference) {
    return new JsonObject().put("reference", reference);
  }

  private static JsonObject concept(String code, String display) {
    return new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("system", SNOMED).put("code", code)
        .put("display", display))).put("text", display);
  }

  private static JsonObject clinical(String type, String id) {
    String subject = type.equals("AllergyIntolerance") ? "patient" : "subject";
    return new JsonObject().put("resourceType", type).put("id", id).put(subject, ref("Patient/p1"));
  }

  private static JsonObject condition(String id, String code, String display) {
    return clinical("Condition", id).put("code", concept(code, display));
  }

  private static JsonObject medicine(String id, String name, String condition) {
    return clinical("MedicationStatement", id).put("status", "active")
        .put("medicationCodeableConcept", new JsonObject().put("text", name))
        .put("reasonReference", new JsonArray().add(ref("Condition/" + condition)));
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
