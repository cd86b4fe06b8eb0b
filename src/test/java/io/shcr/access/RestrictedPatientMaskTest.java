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
    assertThat(masked.fieldNames()).containsExactlyInAnyOrder("resourceType", "id", "identifier", "name", "gender", "birthDate");
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

  @Test
  void aPatientIsReducedToTheAllowListWithOnlyItsNhsNumber() {
    JsonObject patient = new JsonObject("""
        {"resourceType":"Patient","id":"p1",
         "meta":{"versionId":"2","security":[{"code":"R"}],"tag":[{"code":"x"}]},
         "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000026"},
                       {"system":"https://fhir.lthtr.nhs.uk/Id/mrn","value":"RXN1234567"}],
         "name":[{"family":"Clarke"}],"gender":"female","birthDate":"1990-07-02","active":true,"deceasedBoolean":false,
         "maritalStatus":{"text":"single"},"photo":[{"url":"x"}],
         "extension":[{"url":"https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NominatedPharmacy",
                       "valueReference":{"reference":"Organization/FA123","display":"Clitheroe Pharmacy, Castle St"}}]}""");
    JsonObject masked = mask.apply(patient);
    assertThat(masked.fieldNames()).containsExactlyInAnyOrder("resourceType", "id", "meta", "identifier", "name", "gender", "birthDate",
        "active", "deceasedBoolean");
    assertThat(masked.getJsonObject("meta").fieldNames()).containsExactly("versionId");
    assertThat(masked.getJsonArray("identifier")).hasSize(1);
    assertThat(masked.encode()).doesNotContain("RXN1234567").doesNotContain("Pharmacy").doesNotContain("FA123");
  }

  @Test
  void addressesAndContactPointsAreRemovedByTypeWhereverTheyAre() {
    JsonObject observation = new JsonObject("""
        {"resourceType":"Observation","id":"o1","status":"final",
         "extension":[{"url":"a","valueAddress":{"line":["3 Moor Lane"]}},{"url":"b","valueContactPoint":{"value":"01257 000000"}},
                      {"url":"c","extension":[{"url":"d","valueAddress":{"city":"Chorley"}}]},{"url":"e","valueString":"kept"}],
         "contained":[{"resourceType":"Location","id":"l1","name":"Moor Lane Clinic","description":"behind the church",
                       "address":{"city":"Chorley"}},
                      {"resourceType":"Patient","id":"p","identifier":[{"system":"local","value":"MRN9"}],
                       "contact":[{"telecom":[{"value":"07000"}]}]}]}""");
    JsonObject masked = mask.apply(observation);
    assertThat(masked.encode()).doesNotContain("Moor Lane").doesNotContain("01257").doesNotContain("Chorley")
        .doesNotContain("behind the church").doesNotContain("MRN9").doesNotContain("07000").contains("kept");
    assertThat(masked.getJsonArray("contained").getJsonObject(0)).isEqualTo(new JsonObject().put("resourceType", "Location").put("id", "l1"));
  }

  @Test
  void referencesToPlacesAndPeopleLoseTheirDisplay() {
    JsonObject condition = new JsonObject("""
        {"resourceType":"Condition","id":"c1",
         "recorder":{"reference":"Practitioner/G123","display":"Dr Ribble"},
         "asserter":{"reference":"https://gp.example/fhir/PractitionerRole/9/_history/1","display":"GP, Ribble Valley Surgery"},
         "extension":[{"url":"x","valueReference":{"type":"Organization","identifier":{"value":"P81902"},
                        "display":"Ribble Valley Surgery, Clitheroe"}},
                      {"url":"y","valueReference":{"reference":"HealthcareService/h","display":"Clitheroe Clinic"}}],
         "subject":{"reference":"Patient/p1","display":"Jordan Clarke"},
         "code":{"coding":[{"system":"http://snomed.info/sct","code":"1","display":"Asthma"}]}}""");
    JsonObject masked = mask.apply(condition);
    assertThat(masked.encode()).doesNotContain("Ribble").doesNotContain("Clitheroe").contains("Asthma").contains("Jordan Clarke")
        .contains("Practitioner/G123").contains("P81902");
  }

  @Test
  void aMaskedReferenceNeverLeavesAnEmptyObjectOptionalOnesGoRequiredOnesSayWithheld() {
    String ods = "{\"identifier\":{\"system\":\"https://fhir.nhs.uk/Id/ods-organization-code\",\"value\":\"P81902\"},"
        + "\"display\":\"Moor Lane Surgery\"}";
    JsonObject encounter = new JsonObject("{\"resourceType\":\"Encounter\",\"id\":\"e1\",\"status\":\"finished\","
        + "\"serviceProvider\":" + ods + ",\"participant\":[{\"individual\":" + ods + "}],"
        + "\"subject\":{\"reference\":\"Patient/p1\"}}");
    JsonObject masked = mask.apply(encounter);
    assertThat(masked.containsKey("serviceProvider")).as("optional: removed").isFalse();
    assertThat(masked.containsKey("participant")).as("a list emptied by masking goes with it").isFalse();
    assertThat(masked.getJsonObject("subject").getString("reference")).isEqualTo("Patient/p1");

    JsonObject immunization = new JsonObject("{\"resourceType\":\"Immunization\",\"id\":\"i1\","
        + "\"performer\":[{\"function\":{\"text\":\"administering\"},\"actor\":" + ods + "}]}");
    JsonObject actor = mask.apply(immunization).getJsonArray("performer").getJsonObject(0).getJsonObject("actor");
    assertThat(actor.getString("display")).as("required: replaced").isEqualTo("Withheld");
    assertThat(actor.getJsonArray("extension").getJsonObject(0).getString("valueCode")).isEqualTo("masked");
    assertThat(mask.apply(immunization).encode()).doesNotContain("P81902").doesNotContain("Moor Lane").doesNotContain("{}");
  }
}
