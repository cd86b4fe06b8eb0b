package io.shcr.api;

import static io.shcr.support.LyingSources.HYPERTENSION;
import static io.shcr.support.LyingSources.NHS;
import static io.shcr.support.LyingSources.condition;
import static io.shcr.support.LyingSources.fhir;
import static io.shcr.support.LyingSources.matching;
import static io.shcr.support.LyingSources.nhsIdentifier;
import static io.shcr.support.LyingSources.searchset;
import static io.shcr.support.TrustBed.resources;
import static io.shcr.support.TrustBed.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.AccessDecision;
import io.shcr.access.AccessGate;
import io.shcr.access.Purpose;
import io.shcr.access.ResourceTransform;
import io.shcr.fhir.Demographics;
import io.shcr.support.LyingSources;
import io.shcr.support.TestComponents;
import io.shcr.support.TrustBed;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every Patient a source proves to be ours is checked against PDS: a second one under our number cannot hide behind the first. */
@ExtendWith(VertxExtension.class)
class DemographicTrustTest {

  private static final Demographics PDS = new Demographics("SMITH", List.of("Ann"), "1950-01-01", "female");

  private TrustBed bed;

  @BeforeEach
  void bed(Vertx vertx) {
    bed = new TrustBed(vertx);
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  private static JsonObject person(String id, String family, String given, String birthDate) {
    return new JsonObject().put("resourceType", "Patient").put("id", id).put("birthDate", birthDate)
        .put("identifier", new JsonArray().add(nhsIdentifier(NHS)))
        .put("name", new JsonArray().add(new JsonObject().put("family", family).put("given", new JsonArray().add(given))));
  }

  private JsonObject view(JsonObject... patients) {
    JsonObject problem = condition("c1", "Patient/" + patients[patients.length - 1].getString("id"), HYPERTENSION);
    LyingSources.Script script = (request, type) -> fhir(request, 200,
        type.equals("Patient") && request.getParam("_id") == null ? searchset(List.of(patients))
            : searchset(matching("S", request, type, List.of(problem))));
    bed.sources.with("S", script);
    bed.startSources();
    AccessGate gate = (who, request) -> Future.succeededFuture(new AccessDecision(TestComponents.DOCTOR, null, request.sections(),
        Purpose.DIRECT_CARE, null, null, ResourceTransform.IDENTITY, PDS));
    bed.startService(List.of(bed.fhir("S", 3_000, 50)), gate, 10_000);
    return bed.json("").bodyAsJsonObject();
  }

  @Test
  void aSecondPatientUnderOurNumberWhoseBirthDateDiffersWithholdsTheSource() {
    JsonObject document = view(person("p1", "Smith", "Ann", "1950-01-01"), person("p2", "Other", "Jo", "1971-05-02"));
    assertThat(statuses(document).get("S").getString("status")).isEqualTo("patient-mismatch");
    assertThat(statuses(document).get("S").getString("detail")).isEqualTo("demographics differ from PDS");
    assertThat(resources(document, "S", "problems")).isEmpty();
    assertThat(document.encode()).doesNotContain("1971-05-02").doesNotContain("Other");
  }

  @Test
  void aPatientAsPdsHasItIsReleased() {
    JsonObject document = view(person("p1", "SMITH", "Ann", "1950-01-01"));
    assertThat(statuses(document).get("S").getString("status")).as(statuses(document).get("S").encode()).isEqualTo("ok");
    assertThat(resources(document, "S", "problems")).hasSize(1);
  }
}
