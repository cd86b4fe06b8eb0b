package io.shcr.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** STU3 CareConnect shapes in, R4 out: the fields that moved or changed type arrive where R4 readers look. */
class FhirVersionsTest {

  private static final String STU3 = """
      {"resourceType":"Bundle","type":"collection","entry":[
       {"resource":{"resourceType":"MedicationStatement","id":"m1","status":"active","taken":"y",
         "subject":{"reference":"Patient/1"},"medicationReference":{"reference":"Medication/x"}}},
       {"resource":{"resourceType":"AllergyIntolerance","id":"a1","clinicalStatus":"active","verificationStatus":"confirmed",
         "assertedDate":"2020-01-01","patient":{"reference":"Patient/1"},
         "code":{"coding":[{"system":"http://snomed.info/sct","code":"91936005"}]}}},
       {"resource":{"resourceType":"Condition","id":"c1","clinicalStatus":"active","verificationStatus":"confirmed",
         "assertedDate":"2020-01-01","subject":{"reference":"Patient/1"},"asserter":{"reference":"Practitioner/1"},
         "code":{"coding":[{"system":"http://snomed.info/sct","code":"86406008"}]}}}]}""";

  @Test
  void stu3FieldsArriveInTheirR4Places() throws Exception {
    JsonObject r4 = FhirVersions.stu3ToR4(new JsonObject(STU3));
    JsonObject statement = r4.getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
    JsonObject allergy = r4.getJsonArray("entry").getJsonObject(1).getJsonObject("resource");
    JsonObject condition = r4.getJsonArray("entry").getJsonObject(2).getJsonObject("resource");
    assertThat(statement.containsKey("taken")).isFalse();
    assertThat(statement.getJsonObject("subject").getString("reference")).isEqualTo("Patient/1");
    assertThat(allergy.getJsonObject("clinicalStatus").getJsonArray("coding").getJsonObject(0).getString("code")).isEqualTo("active");
    assertThat(allergy.getString("recordedDate")).isEqualTo("2020-01-01");
    assertThat(allergy.getJsonObject("code").encode()).contains("91936005");
    assertThat(condition.getJsonObject("clinicalStatus").getJsonArray("coding").getJsonObject(0).getString("code")).isEqualTo("active");
    assertThat(condition.getJsonObject("asserter").getString("reference")).isEqualTo("Practitioner/1");
    assertThat(condition.getJsonObject("code").encode()).contains("86406008");
  }

  @Test
  void whatIsNotStu3FailsClosedWithoutItsContent() {
    assertThatThrownBy(() -> FhirVersions.stu3ToR4(new JsonObject("{\"resourceType\":\"Bundle\",\"type\":\"nonsense\",\"id\":\"HIV-1\"}")))
        .isInstanceOf(FhirVersions.NotConvertible.class).hasMessageNotContaining("HIV");
    assertThatThrownBy(() -> FhirVersions.stu3ToR4(new JsonObject("{\"resourceType\":\"NoSuchThing\"}")))
        .isInstanceOf(FhirVersions.NotConvertible.class);
  }

  @Test
  void r4GoesBackToStu3() {
    JsonObject stu3 = FhirVersions.r4ToStu3(new JsonObject("""
        {"resourceType":"MedicationStatement","id":"m1","status":"active","subject":{"reference":"Patient/1"},
         "medicationCodeableConcept":{"text":"x"}}"""));
    assertThat(stu3.getJsonObject("subject").getString("reference")).isEqualTo("Patient/1");
    assertThat(stu3.getString("status")).isEqualTo("active");
  }

  @Test
  void anExtensionsReferenceSurvivesBothWays() throws Exception {
    JsonObject r4 = new JsonObject("""
        {"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p1",
         "extension":[{"url":"https://example.org/fhir/StructureDefinition/main-problem","valueReference":{"reference":"Condition/c-ast"}}]}}]}""");
    FhirVersions.Converted back = FhirVersions.stu3BundleToR4(FhirVersions.structuredRecordAsStu3(r4));
    assertThat(back.lossy()).isEmpty();
    assertThat(back.bundle().encode()).contains("Condition/c-ast");
  }
}
