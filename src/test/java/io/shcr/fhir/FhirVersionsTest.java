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

  /** A GP Connect referral, STU3, with whatever extra fields a test adds. */
  private static JsonObject referral(String id, String extra) {
    return new JsonObject("""
        {"resourceType":"ReferralRequest","id":"%s","status":"active","intent":"order","subject":{"reference":"Patient/1"},
         "serviceRequested":[{"coding":[{"system":"http://snomed.info/sct","code":"183516009"}]}]%s}""".formatted(id, extra));
  }

  private static JsonObject bundleOf(JsonObject... resources) {
    io.vertx.core.json.JsonArray entries = new io.vertx.core.json.JsonArray();
    for (JsonObject resource : resources) {
      entries.add(new JsonObject().put("fullUrl", resource.getString("resourceType") + "/" + resource.getString("id"))
          .put("resource", resource));
    }
    return new JsonObject().put("resourceType", "Bundle").put("type", "collection").put("entry", entries);
  }

  @Test
  void aReferralThatConvertsWholeArrivesAsAServiceRequestWithItsCodeAndReferences() throws Exception {
    FhirVersions.Converted r4 = FhirVersions.stu3BundleToR4(bundleOf(referral("r1", ",\"recipient\":[{\"reference\":\"Organization/o1\"}]")));
    assertThat(r4.lossy()).isEmpty();
    JsonObject request = r4.bundle().getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
    assertThat(request.getString("resourceType")).isEqualTo("ServiceRequest");
    assertThat(request.encode()).contains("183516009").contains("Organization/o1").contains("Patient/1");
  }

  @Test
  void anEntryWhoseConversionWouldLoseACodeIsWithheldAndNamed() throws Exception {
    // A referral's specialty has no place in the ProcedureRequest it is converted through: its code would be lost.
    JsonObject lossy = referral("r2", ",\"specialty\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"394589003\"}]}");
    JsonObject whole = referral("r3", "");
    FhirVersions.Converted r4 = FhirVersions.stu3BundleToR4(bundleOf(lossy, whole));
    assertThat(r4.lossy()).containsExactly("ServiceRequest/r2");
    assertThat(r4.bundle().getJsonArray("entry")).hasSize(1);
    assertThat(r4.bundle().encode()).contains("r3").doesNotContain("\"r2\"").doesNotContain("394589003");
  }

  @Test
  void anEntryWhoseConversionWouldLoseAReferenceIsWithheldAndNamed() throws Exception {
    // ServiceRequest has one performer per referral as converted: a second recipient would be dropped.
    JsonObject lossy = referral("r4", ",\"recipient\":[{\"reference\":\"Organization/o1\"},{\"reference\":\"Organization/o2\"}]");
    FhirVersions.Converted r4 = FhirVersions.stu3BundleToR4(bundleOf(lossy));
    assertThat(r4.lossy()).containsExactly("ServiceRequest/r4");
    assertThat(r4.bundle().containsKey("entry")).isFalse();
  }

  @Test
  void whatTheConverterMovesIntoACrossVersionExtensionIsCheckedAfterThatExtensionIsDropped() throws Exception {
    // R4 Medication has no package: the converter keeps STU3's container and content item in 3.0
    // extensions, which the R4 answer does not carry. Checked before that, the code and the reference
    // would have seemed carried, and then been dropped without a word.
    JsonObject medication = new JsonObject("""
        {"resourceType":"Medication","id":"med1",
         "code":{"coding":[{"system":"http://snomed.info/sct","code":"322236009"}]},
         "package":{"container":{"coding":[{"system":"http://snomed.info/sct","code":"385055001"}]},
           "content":[{"itemReference":{"reference":"Medication/med2"}}]}}""");
    JsonObject plain = new JsonObject("""
        {"resourceType":"Medication","id":"med3","code":{"coding":[{"system":"http://snomed.info/sct","code":"322236009"}]}}""");
    FhirVersions.Converted r4 = FhirVersions.stu3BundleToR4(bundleOf(medication, plain));
    assertThat(r4.lossy()).containsExactly("Medication/med1");
    assertThat(r4.bundle().encode()).contains("med3").doesNotContain("med1").doesNotContain("385055001");
    // What is kept carries no cross-version extension.
    assertThat(r4.bundle().encode()).doesNotContain(FhirVersions.CROSS_VERSION);
  }
}
