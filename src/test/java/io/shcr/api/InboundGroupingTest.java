package io.shcr.api;

import static io.shcr.support.LyingSources.HIV;
import static io.shcr.support.LyingSources.coded;
import static io.shcr.support.LyingSources.condition;
import static io.shcr.support.LyingSources.encounter;
import static io.shcr.support.LyingSources.fhir;
import static io.shcr.support.LyingSources.honest;
import static io.shcr.support.LyingSources.ref;
import static io.shcr.support.TrustBed.ids;
import static io.shcr.support.TrustBed.resources;
import static io.shcr.support.TrustBed.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.core.Section;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceKind;
import io.shcr.support.LyingSources;
import io.shcr.support.TrustBed;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A FHIR source's item grouped by a sensitive resource of a section the view did not ask (an HIV
 * problem's evidence, a sexual-health care plan's activity) is withheld all the same: what groups an
 * item is written only on the grouper, so the adapter searches the unasked sections for the filter
 * alone, and never releases them.
 */
@ExtendWith(VertxExtension.class)
class InboundGroupingTest {

  private static final Set<Section> HELD = Set.of(Section.DEMOGRAPHICS, Section.PROBLEMS, Section.RESULTS,
      Section.ENCOUNTERS, Section.CARE_PLANS);

  private TrustBed bed;

  @BeforeEach
  void bed(Vertx vertx) {
    bed = new TrustBed(vertx);
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  private static JsonObject observation(String id, String loinc) {
    return new JsonObject().put("resourceType", "Observation").put("id", id).put("status", "final")
        .put("subject", ref("Patient/S-patient"))
        .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("system", "http://loinc.org")
            .put("code", loinc).put("display", "A test"))));
  }

  /** A problem coded HIV whose evidence is o1; a care plan coded HIV whose activity is e1; o2 and e2 stand alone. */
  private static JsonObject[] record() {
    JsonObject hivProblem = condition("c1", "Patient/S-patient", HIV)
        .put("evidence", new JsonArray().add(new JsonObject().put("detail", new JsonArray().add(ref("Observation/o1")))));
    JsonObject hivPlan = new JsonObject().put("resourceType", "CarePlan").put("id", "cp1").put("status", "active")
        .put("intent", "plan").put("subject", ref("Patient/S-patient"))
        .put("category", new JsonArray().add(coded(HIV, "Human immunodeficiency virus infection")))
        .put("activity", new JsonArray().add(new JsonObject().put("reference", ref("Encounter/e1"))));
    return new JsonObject[] {hivProblem, hivPlan, observation("o1", "24467-3"), observation("o2", "8480-6"),
        encounter("e1", "Patient/S-patient"), encounter("e2", "Patient/S-patient")};
  }

  private HttpResponse<Buffer> view(LyingSources.Script script, String query) {
    bed.sources.with("S", script);
    bed.startSources();
    SourceConfig source = TrustBed.withKind(bed.fhir("S", 3_000, 50), SourceKind.ACUTE, HELD);
    bed.startService(List.of(source), 10_000);
    HttpResponse<Buffer> response = bed.json(query);
    assertThat(response.statusCode()).isEqualTo(200);
    return response;
  }

  @Test
  void resultsAskedAloneLeaveOutWhatAnUnaskedSensitiveProblemGroups() {
    HttpResponse<Buffer> response = view(honest("S", record()), "?sections=results");
    JsonObject document = response.bodyAsJsonObject();
    assertThat(statuses(document).get("S").getString("status")).isEqualTo("ok");
    assertThat(ids(resources(document, "S", "results"))).containsExactly("Observation/o2");
    assertThat(resources(document, "S", "problems")).isEmpty();
    assertThat(response.bodyAsString()).doesNotContain(HIV).doesNotContain("24467-3");
  }

  @Test
  void encountersAskedAloneLeaveOutWhatAnUnaskedSensitiveCarePlanGroups() {
    HttpResponse<Buffer> response = view(honest("S", record()), "?sections=encounters");
    JsonObject document = response.bodyAsJsonObject();
    assertThat(ids(resources(document, "S", "encounters"))).containsExactly("Encounter/e2");
    assertThat(resources(document, "S", "care-plans")).isEmpty();
    assertThat(response.bodyAsString()).doesNotContain(HIV).doesNotContain("\"e1\"");
  }

  @Test
  void askedAloneOrTogetherASectionReleasesTheSame() {
    JsonObject alone = view(honest("S", record()), "?sections=results,encounters").bodyAsJsonObject();
    JsonObject together = bed.json("").bodyAsJsonObject();
    for (String section : List.of("results", "encounters")) {
      assertThat(ids(resources(alone, "S", section))).isEqualTo(ids(resources(together, "S", section))).isNotEmpty();
    }
  }

  @Test
  void anUnaskedSectionThatCannotBeReadMeansTheAskedOnesAreNotSent() {
    LyingSources.Script carePlansFail = (request, type) -> {
      if (type.equals("CarePlan")) {
        fhir(request, 500, new JsonObject().put("resourceType", "OperationOutcome"));
      } else {
        honest("S", record()).answer(request, type);
      }
    };
    JsonObject document = view(carePlansFail, "?sections=encounters").bodyAsJsonObject();
    assertThat(statuses(document).get("S").getString("status")).isNotEqualTo("ok");
    assertThat(resources(document, "S", "encounters")).isEmpty();
  }
}
