package io.shcr.api;

import static io.shcr.support.LyingSources.HYPERTENSION;
import static io.shcr.support.LyingSources.NHS;
import static io.shcr.support.LyingSources.OTHER_NHS;
import static io.shcr.support.LyingSources.condition;
import static io.shcr.support.LyingSources.fhir;
import static io.shcr.support.LyingSources.honest;
import static io.shcr.support.LyingSources.patient;
import static io.shcr.support.LyingSources.raw;
import static io.shcr.support.LyingSources.searchset;
import static io.shcr.support.TrustBed.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.support.LyingSources;
import io.shcr.support.TrustBed;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The breaker and the health figures count every way a source fails, not only 5xx and timeouts; a
 * source that does not hold the patient is {@code not-found} whichever protocol it speaks, and the
 * relationship resting on the user's own organisation comes out the same for both protocols.
 */
@ExtendWith(VertxExtension.class)
class SourceFailureCountingTest {

  /** Ways of failing that an HTTP status alone does not show. */
  enum Lie {
    NOT_JSON((request, type) -> raw(request, 200, "application/fhir+json", Buffer.buffer("{\"resourceType\":\"Bund"))),
    NOT_A_BUNDLE((request, type) -> fhir(request, 200, patient("p", NHS))),
    HTML((request, type) -> raw(request, 200, "text/html", searchset(patient("p", NHS)).toBuffer())),
    REDIRECT((request, type) -> {
      request.response().putHeader("Location", "http://127.0.0.1:1/elsewhere");
      raw(request, 302, null, Buffer.buffer());
    }),
    BARE_404((request, type) -> raw(request, 404, "text/html", Buffer.buffer("<h1>Not Found</h1>"))),
    ENDLESS_PAGES(SourceFailureCountingTest::endless),
    ANOTHER_PATIENT((request, type) -> fhir(request, 200, searchset(patient("p", OTHER_NHS)))),
    // Only the Patient search lies; the other searches answer (a little later) with nothing at all.
    ANOTHER_PATIENT_ONCE((request, type) -> {
      if (type.equals("Patient")) {
        fhir(request, 200, searchset(patient("p", OTHER_NHS)));
      } else {
        Vertx.currentContext().owner().setTimer(50, t -> fhir(request, 200, searchset()));
      }
    }),
    OVER_THE_CAP((request, type) -> fhir(request, 200, searchset(many(30)))),
    TOO_DEEP((request, type) -> raw(request, 200, "application/fhir+json",
        Buffer.buffer("{\"resourceType\":\"Bundle\",\"x\":" + "[".repeat(900) + "]".repeat(900) + "}")));

    final LyingSources.Script script;

    Lie(LyingSources.Script script) {
      this.script = script;
    }
  }

  private TrustBed bed;

  @BeforeEach
  void start(Vertx vertx) {
    bed = new TrustBed(vertx);
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  private static List<JsonObject> many(int count) {
    List<JsonObject> resources = new java.util.ArrayList<>();
    resources.add(patient("p", NHS));
    for (int i = 0; i < count; i++) {
      resources.add(condition("c" + i, "Patient/p", HYPERTENSION));
    }
    return resources;
  }

  /** Every page has a next link, to the same page. */
  private static void endless(io.vertx.core.http.HttpServerRequest request, String type) {
    JsonObject page = searchset(type.equals("Patient") ? patient("p", NHS) : condition("c1", "Patient/p", HYPERTENSION));
    page.put("link", new JsonArray().add(new JsonObject().put("relation", "next")
        .put("url", "http://" + request.authority() + request.uri())));
    fhir(request, 200, page.put("total", 1_000));
  }

  @ParameterizedTest
  @EnumSource(Lie.class)
  void everyFailureOfASourceCountsAgainstItsBreakerAndHealth(Lie lie) {
    bed.sources.with("LIAR", lie.script).with("HONEST", honest("HONEST", condition("h1", "Patient/HONEST-patient", HYPERTENSION)));
    bed.startSources().startService(List.of(
        TrustBed.withCaps(bed.fhir("LIAR", 3_000, 3), 20, 1_000), bed.fhir("HONEST", 3_000, 3)), 10_000);
    JsonObject first = bed.json("").bodyAsJsonObject();
    assertThat(statuses(first).get("LIAR").getString("status")).isIn("error", "patient-mismatch");
    assertThat(statuses(first).get("HONEST").getString("status")).isEqualTo("ok");
    Map<String, JsonObject> api = bed.sourcesApi();
    assertThat(api.get("LIAR").getJsonObject("health").getBoolean("lastCallSucceeded")).isFalse();
    assertThat(api.get("HONEST").getJsonObject("health").getBoolean("lastCallSucceeded")).isTrue();
    // Within a few views the breaker opens and the liar is no longer asked; the honest source is unaffected.
    String liarStatus = null;
    for (int view = 2; view <= 4 && !"circuit-open".equals(liarStatus); view++) {
      JsonObject next = bed.json("").bodyAsJsonObject();
      liarStatus = statuses(next).get("LIAR").getString("status");
      assertThat(statuses(next).get("HONEST").getString("status")).isEqualTo("ok");
    }
    assertThat(liarStatus).isEqualTo("circuit-open");
    assertThat(bed.sourcesApi().get("LIAR").getString("breaker")).isEqualTo("open");
  }

  @Test
  void aSourceWhosePagesNeverEndCostsAFewCallsOnceThenNone() throws InterruptedException {
    bed.sources.with("ENDLESS", SourceFailureCountingTest::endless);
    bed.startSources().startService(List.of(bed.fhir("ENDLESS", 3_000, 5)), 10_000);
    JsonObject first = bed.json("").bodyAsJsonObject();
    assertThat(statuses(first).get("ENDLESS").getString("detail")).isEqualTo("the source's search pages did not end");
    // A search cancelled when the source failed may still reach it after our answer: let those land.
    Thread.sleep(500);
    int firstCalls = bed.sources.calls("ENDLESS");
    // Five searches (Patient, Condition, two medication types, Encounter), each refused at its second page.
    assertThat(firstCalls).isLessThanOrEqualTo(10);
    bed.json("");
    bed.json("");
    assertThat(bed.sources.calls("ENDLESS")).isEqualTo(firstCalls);
  }

  @Test
  void patientNotFoundIsNotFoundForBothProtocolsAndIsNoFailure() {
    LyingSources.Script notFound = (request, type) -> fhir(request, 404, outcome("not-found", "PATIENT_NOT_FOUND"));
    bed.sources.with("FHIR", notFound).with("GP", notFound);
    bed.startSources().startService(List.of(bed.fhir("FHIR", 3_000, 2), bed.gpConnect("GP", 3_000, 2)), 10_000);
    for (int i = 0; i < 3; i++) {
      JsonObject document = bed.json("").bodyAsJsonObject();
      assertThat(statuses(document).get("FHIR").getString("status")).isEqualTo("not-found");
      assertThat(statuses(document).get("GP").getString("status")).isEqualTo("not-found");
    }
    assertThat(bed.sourcesApi().values()).allSatisfy(source -> {
      assertThat(source.getString("breaker")).isEqualTo("closed");
      assertThat(source.getJsonObject("health").getBoolean("lastCallSucceeded")).isTrue();
    });
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
      "fhir-r4, PATIENT_NOT_FOUND, 403, NO_RELATIONSHIP",
      "gp-connect, PATIENT_NOT_FOUND, 403, NO_RELATIONSHIP",
      "fhir-r4, NO_RECORD_FOUND, 403, NO_RELATIONSHIP",
      "gp-connect, NO_RECORD_FOUND, 403, NO_RELATIONSHIP",
      "fhir-r4, BAD_REQUEST, 503, RELATIONSHIP_UNAVAILABLE",
      "gp-connect, BAD_REQUEST, 503, RELATIONSHIP_UNAVAILABLE"})
  void theOwnOrganisationsAnswerMeansTheSameWhicheverProtocolItSpeaks(String adapter, String code, int status,
      String refusal) {
    bed.sources.with("OWN", (request, type) -> fhir(request, 404, outcome("not-found", code)))
        .with("HONEST", honest("HONEST"));
    bed.startSources();
    bed.startService(List.of(adapter.equals("gp-connect") ? bed.gpConnect("OWN", 3_000, 5) : bed.fhir("OWN", 3_000, 5),
        bed.fhir("HONEST", 3_000, 5)), TrustBed.allowAll("OWN", io.shcr.access.ResourceTransform.IDENTITY), 10_000);
    HttpResponse<Buffer> response = bed.json("");
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.bodyAsString()).contains(refusal);
  }

  static JsonObject outcome(String issueCode, String spineCode) {
    return new JsonObject().put("resourceType", "OperationOutcome").put("issue", new JsonArray().add(new JsonObject()
        .put("severity", "error").put("code", issueCode)
        .put("details", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
            .put("system", "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1").put("code", spineCode))))));
  }
}
