package io.shcr.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.fhir.Bundles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The simulator's ground truth: which items it wrote as sensitive, tied to sensitive care or confidential,
 * kept beside the record and never in it, and what each organisation serves as its routes answer.
 */
@ExtendWith(VertxExtension.class)
class GroundTruthRecordTest {

  private static SimulatorServer simulator;
  private static GroundTruth truth;
  private static WebClient client;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext ctx) {
    Fixture.start(vertx, Fixture.quietConfig()).onComplete(ctx.succeeding(s -> {
      simulator = s;
      truth = s.groundTruth();
      client = WebClient.create(vertx);
      ctx.completeNow();
    }));
  }

  @AfterAll
  static void stop(VertxTestContext ctx) {
    simulator.close().onComplete(ctx.succeedingThenComplete());
  }

  private static SyntheticPatient patient(String nhs) {
    return truth.network().population().find(nhs).orElseThrow();
  }

  private static Organisation org(String ods) {
    return truth.network().organisation(ods).orElseThrow();
  }

  @Test
  void theSexualHealthVisitAndAllItProducedAreMarkedAndOrdinaryCareIsNot() {
    List<GroundTruth.Item> rxn = truth.servedBy(patient(Population.RICH), org("RXN"));
    Map<String, String> byKind = rxn.stream().collect(Collectors.toMap(GroundTruth.Item::reference, i -> i.disclosure().toString()));
    GroundTruth.Item gum = rxn.stream().filter(i -> i.type().equals("Encounter")
        && i.resource().getJsonObject("serviceType").getJsonArray("coding").getJsonObject(0).getString("code").equals("360"))
        .findFirst().orElseThrow();
    assertThat(gum.disclosure().kind()).isEqualTo(Disclosure.Kind.SENSITIVE);
    String gumRef = gum.reference();
    List<GroundTruth.Item> ofTheVisit = rxn.stream().filter(i -> i.resource().encode().contains("\"" + gumRef + "\"")).toList();
    assertThat(ofTheVisit).extracting(GroundTruth.Item::type).contains("Observation", "DiagnosticReport", "DocumentReference", "Condition");
    assertThat(ofTheVisit).allSatisfy(i -> assertThat(i.disclosure().mustBeWithheld()).as(i.reference()).isTrue());
    assertThat(rxn.stream().filter(i -> i.type().equals("Patient"))).allSatisfy(i -> assertThat(i.disclosure()).isEqualTo(Disclosure.ORDINARY));
    assertThat(byKind.values()).contains("ordinary", "confidential");
    // The antiretroviral at the practice is ordinary in itself and tied to HIV.
    List<GroundTruth.Item> gp = truth.servedBy(patient(Population.RICH), org("P81901"));
    assertThat(gp.stream().filter(i -> i.type().equals("MedicationStatement") && i.resource().encode().contains("Bictegravir")))
        .singleElement().satisfies(i -> assertThat(i.disclosure()).isEqualTo(Disclosure.linkedTo(Sensitive.HIV)));
  }

  @Test
  void theGroundTruthIsNeverServed(VertxTestContext ctx) {
    String url = simulator.baseUrl() + "/RXN/Encounter?patient.identifier=" + Fixture.NHS + Population.RICH + "&_count=100";
    client.getAbs(url).send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      List<JsonObject> served = Bundles.resources(response.bodyAsJsonObject());
      List<JsonObject> truthOf = truth.servedBy(patient(Population.RICH), org("RXN")).stream()
          .filter(i -> i.type().equals("Encounter")).map(GroundTruth.Item::resource).toList();
      assertThat(served).isEqualTo(truthOf);
      assertThat(response.bodyAsString()).doesNotContainIgnoringCase("disclosure").doesNotContain("ordinary")
          .doesNotContain("\"sensitive\"");
      ctx.completeNow();
    })));
  }

  @Test
  void aPracticeServesNothingForARestrictedPatientAndNothingOfADisabledArea() {
    SyntheticPatient restricted = patient(Population.RESTRICTED);
    assertThat(restricted.heldBy("P81902")).isTrue();
    assertThat(truth.servedBy(restricted, org("P81902"))).isEmpty();
    assertThat(truth.servedBy(restricted, org("RXN"))).isNotEmpty();
    SyntheticPatient objected = patient(Population.OBJECTED);
    List<GroundTruth.Item> p81905 = truth.servedBy(objected, org("P81905"));
    assertThat(p81905).extracting(GroundTruth.Item::type).contains("Patient", "Condition").doesNotContain("ServiceRequest");
    assertThat(truth.servedBy(patient(Population.NO_RECORDS), org("RXN"))).isEmpty();
  }
}
