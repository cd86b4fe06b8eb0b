package io.shcr.privacy;

import static io.shcr.privacy.SampleRecord.concept;
import static io.shcr.privacy.SampleRecord.ref;
import static io.shcr.privacy.SensitiveCodeRulesTest.FILTER;
import static io.shcr.privacy.SensitiveCodeRulesTest.SNOMED;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.fhir.ContainedMedications;
import io.shcr.fhir.ResourceIndex;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A medicine that names its Medication by reference (GP Connect) takes a copy of it inside, from the
 * same source's answer, before it is judged: the filter then judges the Medication as part of the item
 * (a sensitive code or a confidential label on the Medication withholds the medicine, as the link did),
 * the released medicine carries the Medication (so the client and the reconciled record can read which
 * medicine it is), and anything that cannot be contained safely is left as the source sent it.
 */
class ContainedMedicationTest {

  private static final String DMD = "https://dmd.nhs.uk";

  private static JsonObject statement(String id, String medication) {
    return new JsonObject().put("resourceType", "MedicationStatement").put("id", id).put("status", "active")
        .put("subject", ref("Patient/p")).put("medicationReference", ref(medication));
  }

  private static JsonObject medication(String id, JsonObject code) {
    return new JsonObject().put("resourceType", "Medication").put("id", id).put("code", code)
        .put("text", new JsonObject().put("status", "generated").put("div", "<div>narrative</div>"));
  }

  private static List<JsonObject> released(List<JsonObject> batch, JsonObject... answer) {
    List<JsonObject> all = new ArrayList<>(batch);
    all.addAll(List.of(answer));
    ResourceIndex index = ResourceIndex.of(all);
    return FILTER.filter(ContainedMedications.inline(batch, index), index).released();
  }

  @Test
  void aReleasedMedicineCarriesItsMedicationContained() {
    JsonObject amlodipine = medication("m1", concept(DMD, "319283006", "Amlodipine 5mg tablets"));
    List<JsonObject> out = released(List.of(statement("s1", "Medication/m1")), amlodipine);
    assertThat(out).singleElement().satisfies(s -> {
      assertThat(s.getJsonObject("medicationReference").getString("reference")).isEqualTo("#m1");
      JsonObject contained = s.getJsonArray("contained").getJsonObject(0);
      assertThat(contained.getString("resourceType")).isEqualTo("Medication");
      assertThat(contained.getJsonObject("code").encode()).contains("319283006");
      assertThat(contained.containsKey("text")).isFalse();
    });
  }

  @Test
  void aMedicationWithASensitiveCodeOrAConfidentialLabelWithholdsItsMedicine() {
    JsonObject sensitive = medication("m1", concept(SNOMED, "86406008", "Human immunodeficiency virus infection"));
    JsonObject confidential = medication("m2", concept(DMD, "319283006", "Amlodipine 5mg tablets"))
        .put("meta", new JsonObject().put("security", new JsonArray().add(new JsonObject()
            .put("system", "http://terminology.hl7.org/CodeSystem/v3-Confidentiality").put("code", "R"))));
    JsonObject ordinary = medication("m3", concept(DMD, "325278007", "Metformin 500mg tablets"));
    List<JsonObject> out = released(List.of(statement("s1", "Medication/m1"), statement("s2", "Medication/m2"),
        statement("s3", "Medication/m3")), sensitive, confidential, ordinary);
    assertThat(out).extracting(s -> s.getString("id")).containsExactly("s3");
    assertThat(new JsonArray(out).encode()).doesNotContain("86406008", "m2");
  }

  @Test
  void whatCannotBeContainedSafelyIsLeftAsTheSourceSentIt() {
    JsonObject twice = medication("dup", concept(DMD, "319283006", "Amlodipine"));
    JsonObject notAMedication = new JsonObject().put("resourceType", "Substance").put("id", "sub");
    JsonObject nested = medication("n", concept(DMD, "319283006", "Amlodipine"))
        .put("contained", new JsonArray().add(new JsonObject().put("resourceType", "Substance").put("id", "x")));
    JsonObject clash = statement("s5", "Medication/ok").put("contained", new JsonArray().add(new JsonObject()
        .put("resourceType", "Medication").put("id", "ok").put("code", concept(DMD, "325278007", "Metformin"))));
    JsonObject ok = medication("ok", concept(DMD, "319283006", "Amlodipine"));
    List<JsonObject> batch = List.of(statement("s1", "Medication/dup"), statement("s2", "Substance/sub"),
        statement("s3", "Medication/n"), statement("s4", "https://elsewhere.example/fhir/Medication/ok"), clash,
        statement("s6", "Medication/missing"));
    List<JsonObject> all = new ArrayList<>(batch);
    all.addAll(List.of(twice, medication("dup", concept(DMD, "319284000", "Amlodipine")), notAMedication, nested, ok));
    ResourceIndex index = new ResourceIndex("https://gp.example/fhir");
    index.addAll(all);
    List<JsonObject> inlined = ContainedMedications.inline(batch, index);
    for (int i = 0; i < batch.size(); i++) {
      assertThat(inlined.get(i)).as(batch.get(i).getString("id")).isSameAs(batch.get(i));
    }
    JsonObject absoluteOurs = statement("s7", "https://gp.example/fhir/Medication/ok");
    assertThat(ContainedMedications.inline(List.of(absoluteOurs), index).get(0).getJsonObject("medicationReference")
        .getString("reference")).isEqualTo("#ok");
    assertThat(absoluteOurs.getJsonObject("medicationReference").getString("reference")).as("the source's item is not changed")
        .endsWith("Medication/ok");
  }
}
