package io.shcr.api;

import static io.shcr.support.LyingSources.HYPERTENSION;
import static io.shcr.support.LyingSources.condition;
import static io.shcr.support.LyingSources.honest;
import static io.shcr.support.LyingSources.medicationFor;
import static io.shcr.support.TrustBed.ids;
import static io.shcr.support.TrustBed.resources;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.support.TrustBed;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Duplicate medication (hazard H06 in docs/clinical-safety.md, open until issue 14 reconciles medicines
 * across sources). The current control: nothing is merged or dropped as a duplicate, and every item
 * arrives in a section that names the organisation it came from, so a clinician who sees the same
 * medicine twice can tell that two organisations recorded it rather than that it was prescribed twice
 * by one.
 */
@ExtendWith(VertxExtension.class)
class DuplicateMedicationTest {

  private TrustBed bed;

  @BeforeEach
  void sources(Vertx vertx) {
    bed = new TrustBed(vertx);
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  @Test
  void theSameMedicineFromTwoOrganisationsIsShownTwiceEachUnderItsSource() {
    bed.sources
        .with("GP", honest("GP", condition("c1", "Patient/GP-patient", HYPERTENSION),
            medicationFor("m1", "Patient/GP-patient", "Condition/c1")))
        .with("ACUTE", honest("ACUTE", condition("c1", "Patient/ACUTE-patient", HYPERTENSION),
            medicationFor("m1", "Patient/ACUTE-patient", "Condition/c1")));
    bed.startSources().startService(List.of(bed.fhir("GP", 3_000, 50), bed.fhir("ACUTE", 3_000, 50)), 10_000);
    JsonObject document = bed.json("?sections=medications,problems").bodyAsJsonObject();
    List<JsonObject> fromGp = resources(document, "GP", "medications");
    List<JsonObject> fromAcute = resources(document, "ACUTE", "medications");
    assertThat(ids(fromGp)).containsExactly("MedicationRequest/m1");
    assertThat(ids(fromAcute)).containsExactly("MedicationRequest/m1");
    assertThat(fromGp.get(0).getJsonObject("medicationCodeableConcept"))
        .isEqualTo(fromAcute.get(0).getJsonObject("medicationCodeableConcept"));
    assertThat(document.getJsonArray("sections").stream().map(JsonObject.class::cast))
        .allSatisfy(section -> assertThat(section.getString("source")).isIn("GP", "ACUTE"));
  }
}
