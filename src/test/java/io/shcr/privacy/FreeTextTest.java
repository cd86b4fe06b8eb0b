package io.shcr.privacy;

import static io.shcr.privacy.SampleRecord.concept;
import static io.shcr.privacy.SampleRecord.ref;
import static io.shcr.privacy.SensitiveCodeRulesTest.SNOMED;
import static io.shcr.privacy.SensitiveCodeRulesTest.filter;
import static io.shcr.privacy.SensitiveCodeRulesTest.observation;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Free text outside the narrative that could say what the codes hid. */
class FreeTextTest {

  private static JsonObject named(String reference, String display) {
    return ref(reference).put("display", display);
  }

  @Test
  void dropsAnnotationsAndCommentsAtAnyDepth() {
    JsonObject allergy = new JsonObject().put("resourceType", "AllergyIntolerance").put("id", "a1")
        .put("code", concept(SNOMED, "91936005", "Penicillin allergy"))
        .put("note", new JsonArray().add(new JsonObject().put("text", "Told us about her HIV clinic")))
        .put("reaction", new JsonArray().add(new JsonObject()
            .put("manifestation", new JsonArray().add(concept(SNOMED, "271807003", "Rash")))
            .put("note", new JsonArray().add(new JsonObject().put("text", "after GUM visit")))));
    JsonObject stu3 = observation("o1").put("comment", "Seen at the sexual health clinic")
        .put("contained", new JsonArray().add(new JsonObject().put("resourceType", "Condition").put("id", "c")
            .put("code", concept(SNOMED, "195967001", "Asthma")).put("note", new JsonArray().add(new JsonObject().put("text", "x")))));
    var result = filter(allergy, stu3);
    assertThat(result.released()).hasSize(2);
    String out = result.released().toString();
    assertThat(out).doesNotContain("HIV clinic", "GUM visit", "sexual health", "\"note\"", "\"comment\"");
    assertThat(result.released().get(0).getJsonArray("reaction").getJsonObject(0).containsKey("manifestation")).isTrue();
  }

  @Test
  void dropsTheNamesOfPlacesAndServicesInReferencesButKeepsCodedDisplays() {
    JsonObject visit = new JsonObject().put("resourceType", "Encounter").put("id", "e1").put("status", "finished")
        .put("type", new JsonArray().add(concept(SNOMED, "11429006", "Consultation")))
        .put("serviceProvider", named("Organization/o1", "Preston Sexual Health Clinic"))
        .put("location", new JsonArray().add(new JsonObject().put("location", named("https://trust.example/fhir/Location/l1", "GUM suite"))))
        .put("participant", new JsonArray()
            .add(new JsonObject().put("individual", named("PractitionerRole/r1", "Fertility nurse, Hewitt Centre")))
            .add(new JsonObject().put("individual", named("Practitioner/p1", "Dr Jones"))))
        .put("basedOn", new JsonArray().add(new JsonObject().put("type", "HealthcareService").put("display", "Hewitt Fertility Centre"))
            .add(new JsonObject().put("display", "a display-only reference of unknown type")));
    JsonObject suite = new JsonObject().put("resourceType", "Location").put("id", "l1");
    JsonObject out = filter(visit, suite).released().get(0);
    assertThat(out.encode()).doesNotContain("Preston", "GUM suite", "Hewitt", "display-only");
    assertThat(out.getJsonObject("serviceProvider").getString("reference")).isEqualTo("Organization/o1");
    assertThat(out.getJsonArray("participant").getJsonObject(1).getJsonObject("individual").getString("display")).isEqualTo("Dr Jones");
    assertThat(out.getJsonArray("type").getJsonObject(0).getJsonArray("coding").getJsonObject(0).getString("display"))
        .isEqualTo("Consultation");
  }

  @Test
  void thePatientLosesItsPracticeNameAndNotesButIsReleased() {
    JsonObject patient = new JsonObject().put("resourceType", "Patient").put("id", "p1")
        .put("generalPractitioner", new JsonArray().add(named("Organization/gp", "Preston Sexual Health Clinic")))
        .put("extension", new JsonArray().add(new JsonObject().put("url", "https://example.org/gender-history")
            .put("valueCodeableConcept", concept("urn:oid:2.16.840.1.113883.6.96", "407377005", "Female-to-male transsexual"))))
        .put("note", new JsonArray().add(new JsonObject().put("text", "free text")));
    var result = filter(patient);
    assertThat(result.released()).hasSize(1);
    JsonObject out = result.released().get(0);
    assertThat(out.encode()).doesNotContain("Preston", "407377005", "free text");
    assertThat(out.getJsonArray("generalPractitioner").getJsonObject(0).getString("reference")).isEqualTo("Organization/gp");
  }
}
