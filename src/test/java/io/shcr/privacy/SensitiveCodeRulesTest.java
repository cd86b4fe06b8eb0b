package io.shcr.privacy;

import static io.shcr.privacy.SampleRecord.concept;
import static io.shcr.privacy.SampleRecord.ref;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.fhir.ResourceIndex;
import io.shcr.privacy.PrivacyFilter.FilterResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Codes, labels and services, with the shipped {@code conf/sensitive-data.yaml}, wherever they sit in a resource. */
class SensitiveCodeRulesTest {

  static final PrivacyFilter FILTER = RuleBasedPrivacyFilter.load(Path.of("conf"));
  static final String SNOMED = "http://snomed.info/sct";

  static FilterResult filter(JsonObject... resources) {
    List<JsonObject> batch = List.of(resources);
    return FILTER.filter(batch, ResourceIndex.of(batch));
  }

  static boolean released(JsonObject resource) {
    FilterResult result = filter(resource);
    assertThat(result.released().size() + result.withheld()).isEqualTo(1);
    return result.released().size() == 1;
  }

  static JsonObject observation(String id) {
    return new JsonObject().put("resourceType", "Observation").put("id", id).put("status", "final")
        .put("code", concept(SNOMED, "75367002", "Blood pressure")).put("subject", ref("Patient/p1"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "http://snomed.info/sct, 86406008, false",            // HIV infection (extra concept)
      "http://snomed.info/sct, 5810003, false",             // from hiv.snomed.txt
      "http://snomed.info/sct, 237083000, false",           // gonococcal cervicitis (curated STI list)
      "http://snomed.info/sct, 74181004, true",             // genital TB: dropped from the STI list
      "http://snomed.info/sct, 407377005, false",           // female-to-male transsexual
      "http://snomed.info/sct, 52637005, false",            // IVF
      "http://snomed.info/sct, 38341003, true",             // hypertension
      "http://read.info/readv2, A983.00, false",            // Read v2 with its term suffix
      "http://read.info/readv2, A983., false",              // Read v2, 5 characters
      "http://read.info/readv2, 7E08400, false",            // suction termination of pregnancy
      "http://read.info/readv2, G20..00, true",             // essential hypertension
      "http://read.info/ctv3, XaDbk, false",                // genitourinary chlamydia infection
      "http://read.info/ctv3, A788., false",                // HIV infection
      "http://hl7.org/fhir/sid/icd-10, A54.0, false",       // gonococcal infection: block A50-A64
      "http://hl7.org/fhir/sid/icd-10, B20.1, false",       // HIV disease: block B20-B24
      "http://hl7.org/fhir/sid/icd-10-uk, Z21X, false",     // ICD-10-UK with its filler
      "http://hl7.org/fhir/sid/icd-10-uk, O04.9, false",    // medical abortion
      "http://hl7.org/fhir/sid/icd-10, z31.2, false",       // IVF, lower case
      "http://hl7.org/fhir/sid/icd-10, F64.0, false",       // transsexualism
      "http://hl7.org/fhir/sid/icd-10, A18.1, true",        // genitourinary TB
      "http://hl7.org/fhir/sid/icd-10, I10, true",          // hypertension
      "http://hl7.org/fhir/sid/opcs-4, Q14.1, false",       // abortifacient
      "https://fhir.hl7.org.uk/Id/opcs-4, X15.1, false",    // gender reassignment surgery
      "http://hl7.org/fhir/sid/opcs-4, W37.1, true",        // hip replacement
      "https://fhir.nhs.uk/CodeSystem/Specialty-1, 360, false", // genitourinary medicine
      "https://fhir.nhs.uk/CodeSystem/Specialty-1, 300, true",  // general medicine
      "http://example.org/other, 86406008, true",           // a listed code in another system is not ours
      "urn:oid:2.16.840.1.113883.6.96, 86406008, false",    // SNOMED CT by its HL7 OID
      "urn:oid:2.16.840.1.113883.2.1.3.2.4.15, 15628003, false", // SNOMED CT by its NHS UK OID
      "HTTP://SNOMED.INFO/SCT/, 86406008, false",           // any case, trailing slash
      "urn:oid:2.16.840.1.113883.2.1.6.2, A983.00, false",  // Read v2 by OID, still term-suffix blind
      "urn:oid:2.16.840.1.113883.2.1.3.2.4.14, XaDbk, false", // CTV3 by OID
      "urn:oid:2.16.840.1.113883.6.3, A54.0, false",        // ICD-10 by OID
      "http://read.info/ctv3/, A788., false",               // trailing slash
      "http://snomed.info/sct, 893131000000100, false",     // genitourinary medicine service
      "http://snomed.info/sct, 788122004, false",           // sexual health service
      "http://snomed.info/sct, 1240241000000109, false",    // community sexual and reproductive health service
      "http://snomed.info/sct, 310062002, false",           // pregnancy termination service
      "http://snomed.info/sct, 896974005, false",           // transgender health service
      "http://snomed.info/sct, 310061009, true",            // gynecology service
      "https://fhir.nhs.uk/CodeSystem/Specialty-1, 504, false", // community sexual and reproductive health
      "https://fhir.nhs.uk/CodeSystem/Specialty-1, 502, true",  // gynaecology
      "http://snomed.info/sct, 086406008, false",           // a leading zero a reader's system drops
      "https://fhir.nhs.uk/CodeSystem/Specialty-1, 0360, false",
      "http://snomed.info/sct, 86406008​, false",      // zero-width space: cannot be compared
      "http://snomed.info/sct, ８６４０６００８, false", // full-width digits
      "http://snomed.info/sct, 864 06008, false",           // an inner space
      "http://hl7.org/fhir/sid/icd-10, A54 0, false",       // a classification's spaces are ignored
      "http://hl7.org/fhir/sid/icd-10, I10, true",
      "http://example.org/local, café, true",          // no list for the system: nothing to compare
      ", 86406008, false",                                  // no system: a code listed in any system
      ", A54.0, false",
      ", 38341003, true"                                    // no system, on no list
  })
  void judgesCodesBySystem(String system, String code, boolean expectReleased) {
    JsonObject condition = new JsonObject().put("resourceType", "Condition").put("id", "c1")
        .put("code", concept(system, code, "x")).put("subject", ref("Patient/p1"));
    assertThat(released(condition)).isEqualTo(expectReleased);
  }

  @Test
  void findsCodesAnywhereInTheResource() {
    JsonObject sensitive = concept(SNOMED, "15628003", "Gonorrhea");
    assertThat(released(observation("o1"))).isTrue();
    assertThat(released(observation("o2").put("valueCodeableConcept", sensitive))).isFalse();
    assertThat(released(observation("o3").put("category", new JsonArray().add(sensitive)))).isFalse();
    assertThat(released(observation("o4").put("bodySite", sensitive))).isFalse();
    assertThat(released(observation("o5").put("component", new JsonArray().add(new JsonObject()
        .put("code", concept(SNOMED, "1", "x")).put("valueCodeableConcept", sensitive))))).isFalse();
    JsonObject procedure = new JsonObject().put("resourceType", "Procedure").put("id", "p").put("status", "completed")
        .put("code", concept(SNOMED, "71388002", "Procedure")).put("reasonCode", new JsonArray().add(sensitive));
    assertThat(released(procedure)).isFalse();
  }

  @Test
  void findsCodesInExtensionsAtAnyDepthAndInContainedResources() {
    JsonObject deepExtension = new JsonObject().put("url", "outer").put("extension", new JsonArray().add(
        new JsonObject().put("url", "inner").put("valueCodeableConcept", concept(SNOMED, "407376001", "Male-to-female transsexual"))));
    assertThat(released(observation("o1").put("extension", new JsonArray().add(deepExtension)))).isFalse();
    JsonObject primitiveExtension = observation("o2").put("_status", new JsonObject().put("extension", new JsonArray().add(
        new JsonObject().put("url", "x").put("valueCoding", new JsonObject().put("system", SNOMED).put("code", "62479008")))));
    assertThat(released(primitiveExtension)).isFalse();
    JsonObject contained = new JsonObject().put("resourceType", "MedicationRequest").put("id", "m1").put("intent", "order")
        .put("contained", new JsonArray().add(new JsonObject().put("resourceType", "Condition").put("id", "reason")
            .put("code", concept("http://read.info/ctv3", "A788.", "HIV"))))
        .put("reasonReference", new JsonArray().add(ref("#reason")))
        .put("medicationCodeableConcept", concept(SNOMED, "1", "a medicine"));
    assertThat(released(contained)).isFalse();
  }

  @Test
  void withholdsASecurityLabelWrittenWithoutItsSystem() {
    JsonObject restricted = observation("o1").put("meta", new JsonObject().put("security", new JsonArray().add(
        new JsonObject().put("code", "R"))));
    JsonObject hiv = observation("o2").put("meta", new JsonObject().put("security", new JsonArray().add(
        new JsonObject().put("code", " HIV"))));
    JsonObject onAConsent = new JsonObject().put("resourceType", "DocumentReference").put("id", "d1").put("status", "current")
        .put("securityLabel", new JsonArray().add(new JsonObject().put("code", "V")));
    JsonObject normal = observation("o3").put("meta", new JsonObject().put("security", new JsonArray().add(
        new JsonObject().put("code", "N"))));
    assertThat(released(restricted)).isFalse();
    assertThat(released(hiv)).isFalse();
    assertThat(released(onAConsent)).isFalse();
    assertThat(released(normal)).isTrue();
  }

  @Test
  void withholdsWhatASourceMarksRestrictedOrSensitive() {
    JsonObject restricted = observation("o1").put("meta", new JsonObject().put("security", new JsonArray().add(
        new JsonObject().put("system", "http://terminology.hl7.org/CodeSystem/v3-Confidentiality").put("code", "R"))));
    JsonObject veryRestricted = observation("o2").put("meta", new JsonObject().put("security", new JsonArray().add(
        new JsonObject().put("system", "http://terminology.hl7.org/CodeSystem/v3-Confidentiality").put("code", "V"))));
    JsonObject normal = observation("o3").put("meta", new JsonObject().put("security", new JsonArray().add(
        new JsonObject().put("system", "http://terminology.hl7.org/CodeSystem/v3-Confidentiality").put("code", "N"))));
    JsonObject std = observation("o4").put("meta", new JsonObject().put("security", new JsonArray().add(
        new JsonObject().put("system", "http://terminology.hl7.org/CodeSystem/v3-ActCode").put("code", "STD"))));
    JsonObject encounterClass = new JsonObject().put("resourceType", "Encounter").put("id", "e1").put("status", "finished")
        .put("class", new JsonObject().put("system", "http://terminology.hl7.org/CodeSystem/v3-ActCode").put("code", "AMB"));
    assertThat(released(restricted)).isFalse();
    assertThat(released(veryRestricted)).isFalse();
    assertThat(released(std)).isFalse();
    assertThat(released(normal)).isTrue();
    assertThat(released(encounterClass)).isTrue();
  }

  @Test
  void withholdsSexualHealthClinicEncountersByServiceTypeOrSpecialty() {
    JsonObject byServiceType = new JsonObject().put("resourceType", "Encounter").put("id", "e1").put("status", "finished")
        .put("serviceType", concept("https://fhir.nhs.uk/STU3/CodeSystem/Specialty-1", "360", "GUM"));
    JsonObject bySnomedSetting = new JsonObject().put("resourceType", "DocumentReference").put("id", "d1").put("status", "current")
        .put("context", new JsonObject().put("practiceSetting", concept(SNOMED, "394808002", "Genito-urinary medicine")));
    assertThat(released(byServiceType)).isFalse();
    assertThat(released(bySnomedSetting)).isFalse();
  }

  @Test
  void dropsNarrativeEverywhereButKeepsCodedText() {
    JsonObject resource = observation("o1").put("text", SampleRecord.narrative("Seen at GUM clinic"))
        .put("code", new JsonObject().put("coding", new JsonArray()).put("text", "Blood pressure"))
        .put("contained", new JsonArray().add(new JsonObject().put("resourceType", "Specimen").put("id", "s")
            .put("text", SampleRecord.narrative("free text"))));
    FilterResult result = filter(resource);
    JsonObject out = result.released().get(0);
    assertThat(out.containsKey("text")).isFalse();
    assertThat(out.getJsonArray("contained").getJsonObject(0).containsKey("text")).isFalse();
    assertThat(out.getJsonObject("code").getString("text")).isEqualTo("Blood pressure");
    assertThat(resource.containsKey("text")).as("the source's resource is left as it was").isTrue();
    assertThat(out.encode()).doesNotContain("div");
  }

  @Test
  void releasesCopiesNotTheSourcesObjects() {
    JsonObject resource = observation("o1");
    JsonObject out = filter(resource).released().get(0);
    out.getJsonObject("code").put("text", "changed");
    assertThat(resource.getJsonObject("code").containsKey("text")).isFalse();
    assertThat(out).isNotSameAs(resource);
  }

  @Test
  void keepsOrderAndCountsOnlyWhatIsWithheld() {
    List<JsonObject> batch = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      batch.add(observation("o" + i));
    }
    batch.add(2, observation("s1").put("valueCodeableConcept", concept(SNOMED, "76272004", "Syphilis")));
    FilterResult result = FILTER.filter(batch, ResourceIndex.of(batch));
    assertThat(result.released()).extracting(r -> r.getString("id")).containsExactly("o0", "o1", "o2", "o3", "o4");
    assertThat(result.withheld()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "http://hl7.org/fhir/v3/ActCode, HIV",
      "urn:oid:2.16.840.1.113883.5.4, STD",
      "http://Terminology.HL7.org/CodeSystem/v3-ActCode/, SEX",
      "http://hl7.org/fhir/v3/Confidentiality, R",
      "urn:oid:2.16.840.1.113883.5.25, V",
      "HTTP://TERMINOLOGY.HL7.ORG/CODESYSTEM/V3-CONFIDENTIALITY, R"
  })
  void recognisesSecurityLabelsUnderEveryUriOfTheirSystem(String system, String code) {
    JsonObject labelled = observation("o1").put("meta", new JsonObject().put("security", new JsonArray().add(
        new JsonObject().put("system", system).put("code", code))));
    assertThat(released(labelled)).isFalse();
  }
}
