package io.shcr.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Only NHS number, name, birth date and gender identify a restricted patient; nothing locates them. */
class RestrictedPatientMaskTest {

  private final RestrictedPatientMask mask = RestrictedPatientMask.INSTANCE;

  @Test
  void aPatientKeepsIdentityButLosesEveryLocation() {
    JsonObject patient = new JsonObject("""
        {"resourceType":"Patient","id":"p1",
         "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000026"}],
         "name":[{"family":"Clarke","given":["Jordan"]}],"gender":"female","birthDate":"1990-07-02",
         "address":[{"line":["3 Moor Lane"],"city":"Chorley","postalCode":"PR7 2QD"}],
         "telecom":[{"system":"phone","value":"01257 000000"}],
         "generalPractitioner":[{"reference":"Organization/P81902"}],
         "managingOrganization":{"reference":"Organization/P81902"},
         "contact":[{"name":{"family":"Clarke"},"telecom":[{"value":"07000 000000"}]}],
         "extension":[{"url":"x","valueAddress":{"city":"Chorley"}}]}""");
    JsonObject masked = mask.apply(patient);
    assertThat(masked.fieldNames()).containsExactlyInAnyOrder("resourceType", "id", "identifier", "name", "gender", "birthDate", "extension");
    assertThat(masked.encode()).doesNotContain("Moor Lane").doesNotContain("PR7").doesNotContain("01257").doesNotContain("P81902")
        .doesNotContain("07000");
    assertThat(patient.containsKey("address")).as("the original is untouched").isTrue();
  }

  @Test
  void locationsAndAddressesAreRemovedFromEveryResource() {
    JsonObject encounter = new JsonObject("""
        {"resourceType":"Encounter","id":"e1","status":"finished",
         "location":[{"location":{"reference":"Location/ward-4"}}],
         "serviceProvider":{"reference":"Organization/RXN"},
         "hospitalization":{"origin":{"reference":"Location/home"},"dischargeDisposition":{"text":"home"}},
         "participant":[{"individual":{"reference":"Practitioner/1"}}],
         "contained":[{"resourceType":"Organization","name":"Ward","address":[{"city":"Preston"}],"telecom":[{"value":"1"}]}],
         "reasonReference":[{"reference":"Location/7"},{"reference":"Condition/1"}]}""");
    JsonObject masked = mask.apply(encounter);
    assertThat(masked.encode()).doesNotContain("Location/").doesNotContain("Preston").doesNotContain("telecom");
    assertThat(masked.getJsonObject("hospitalization").getJsonObject("dischargeDisposition").getString("text")).isEqualTo("home");
    assertThat(masked.getJsonArray("reasonReference")).hasSize(1);
    assertThat(masked.getJsonObject("serviceProvider").getString("reference")).isEqualTo("Organization/RXN");
  }

  @Test
  void aLocationResourceIsReducedToItsId() {
    JsonObject location = new JsonObject("{\"resourceType\":\"Location\",\"id\":\"l1\",\"name\":\"Moor Lane Clinic\","
        + "\"address\":{\"city\":\"Chorley\"},\"position\":{\"latitude\":53.6}}");
    assertThat(mask.apply(location)).isEqualTo(new JsonObject().put("resourceType", "Location").put("id", "l1"));
  }
}
