package io.shcr.privacy;

import static io.shcr.privacy.SampleRecord.concept;
import static io.shcr.privacy.SampleRecord.ref;
import static io.shcr.privacy.SensitiveCodeRulesTest.FILTER;
import static io.shcr.privacy.SensitiveCodeRulesTest.SNOMED;
import static io.shcr.privacy.SensitiveCodeRulesTest.observation;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.fhir.Bundles;
import io.shcr.fhir.ResourceIndex;
import io.shcr.privacy.PrivacyFilter.FilterResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Whole records: the Patient, GP Connect Lists, fail-closed cases, and that ordinary history all arrives. */
class RecordReleaseTest {

  static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

  static JsonObject patient() {
    return SampleRecord.bundle(0, false).getJsonArray("entry").getJsonObject(0).getJsonObject("resource")
        .put("address", new JsonArray().add(new JsonObject().put("postalCode", "LS1 1AA")))
        .put("telecom", new JsonArray().add(new JsonObject().put("system", "phone").put("value", "0113")))
        .put("identifier", new JsonArray()
            .add(new JsonObject().put("system", "https://fhir.nhs.uk/Id/nhs-number").put("value", "9000000009"))
            .add(new JsonObject().put("system", "https://local.example/mrn").put("value", "MRN1")));
  }

  static JsonObject only(FilterResult result) {
    assertThat(result.released()).hasSize(1);
    return result.released().get(0);
  }

  @Test
  void releasesARestrictedPatientMaskedInsteadOfWithholdingIt() {
    JsonObject patient = patient().put("meta", new JsonObject().put("versionId", "3").put("security", new JsonArray()
        .add(new JsonObject().put("system", CONFIDENTIALITY).put("code", "R"))));
    JsonObject out = only(FILTER.filter(List.of(patient), ResourceIndex.of(List.of(patient))));
    assertThat(out.fieldNames()).containsExactlyInAnyOrder("resourceType", "id", "meta", "identifier", "name", "birthDate", "gender");
    assertThat(out.getJsonObject("meta").encode()).doesNotContain("security").contains("versionId");
    assertThat(out.getJsonArray("identifier")).hasSize(1);
    assertThat(out.getJsonArray("identifier").getJsonObject(0).getString("value")).isEqualTo("9000000009");
  }

  @Test
  void removesASensitiveExtensionFromAPatientAndKeepsTheRest() {
    JsonObject genderIdentity = new JsonObject().put("url", "http://hl7.org/fhir/StructureDefinition/patient-genderIdentity")
        .put("valueCodeableConcept", concept(SNOMED, "407377005", "Female-to-male transsexual"));
    JsonObject language = new JsonObject().put("url", "https://fhir.nhs.uk/StructureDefinition/Extension-UKCore-NHSCommunication")
        .put("valueCodeableConcept", concept("https://fhir.nhs.uk/CodeSystem/UKCore-HumanLanguage", "en", "English"));
    JsonObject patient = patient().put("extension", new JsonArray().add(genderIdentity).add(language));
    JsonObject out = only(FILTER.filter(List.of(patient), ResourceIndex.of(List.of(patient))));
    assertThat(out.encode()).doesNotContain("407377005").doesNotContain("genderIdentity").doesNotContain("div");
    assertThat(out.getJsonArray("extension")).hasSize(1);
    assertThat(out.getJsonArray("address")).hasSize(1);
    assertThat(out.getJsonArray("identifier")).hasSize(2);
  }

  @Test
  void removesAPatientsLinkToAWithheldClinic() {
    JsonObject clinic = new JsonObject().put("resourceType", "Organization").put("id", "clinic")
        .put("type", new JsonArray().add(concept(SNOMED, "394808002", "Genito-urinary medicine")));
    JsonObject patient = patient().put("generalPractitioner", new JsonArray().add(ref("Organization/clinic")));
    JsonObject out = only(FILTER.filter(List.of(patient), ResourceIndex.of(List.of(patient, clinic))));
    assertThat(out.containsKey("generalPractitioner")).isFalse();
    assertThat(out.getString("birthDate")).isEqualTo("1980-02-03");
  }

  @Test
  void withholdsAnythingUnreadableWithoutThrowing() {
    List<JsonObject> batch = new ArrayList<>();
    batch.add(observation("fine"));
    batch.add(new JsonObject().put("id", "no-type"));
    batch.add(new JsonObject().put("resourceType", 42).put("id", "bad-type"));
    batch.add(null);
    JsonObject deep = new JsonObject();
    JsonObject cursor = deep;
    for (int i = 0; i < 50_000; i++) {
      JsonObject next = new JsonObject();
      cursor.put("extension", next);
      cursor = next;
    }
    batch.add(observation("too-deep").put("extension", new JsonArray().add(deep)));
    FilterResult result = FILTER.filter(batch, null);
    assertThat(result.released()).extracting(r -> r.getString("id")).containsExactly("fine");
    assertThat(result.withheld()).isEqualTo(4);
    @SuppressWarnings({"unchecked", "rawtypes"})
    List<JsonObject> wrongTypes = (List) Arrays.asList("a string", 7);
    assertThat(FILTER.filter(wrongTypes, new ResourceIndex()).released()).isEmpty();
    assertThat(FILTER.referencesToResolve(wrongTypes, new ResourceIndex())).isEmpty();
    assertThat(FILTER.filter(null, null).released()).isEmpty();
  }

  @Test
  void neverReleasesGpConnectListsAndCountsOnlyTheWithheldOnes() {
    JsonObject record = SampleRecord.bundle(5, true);
    List<JsonObject> resources = Bundles.resources(record);
    ResourceIndex context = ResourceIndex.of(resources);
    JsonObject plainList = new JsonObject().put("resourceType", "List").put("id", "list-allergies").put("status", "current")
        .put("mode", "snapshot").put("emptyReason", concept("http://hl7.org/fhir/list-empty-reason", "nilknown", "Nil known"));
    JsonObject problems = resources.stream().filter(r -> "list-problems".equals(r.getString("id"))).findFirst().orElseThrow();
    FilterResult result = FILTER.filter(List.of(problems, plainList), context);
    assertThat(result.released()).isEmpty();
    assertThat(result.withheld()).as("the problem list points at a withheld problem").isEqualTo(1);
  }

  @Test
  void aRecordWithSensitiveAndOrdinaryHistoryLosesOnlyTheSensitive() {
    List<JsonObject> resources = Bundles.resources(SampleRecord.bundle(20, true));
    ResourceIndex context = ResourceIndex.of(resources);
    Map<String, List<JsonObject>> sections = resources.stream().collect(Collectors.groupingBy(r -> r.getString("resourceType")));
    List<String> released = new ArrayList<>();
    int withheld = 0;
    for (List<JsonObject> section : sections.values()) {
      assertThat(FILTER.referencesToResolve(section, context)).isEmpty();
      FilterResult result = FILTER.filter(section, context);
      result.released().forEach(r -> released.add(r.getString("id")));
      withheld += result.withheld();
    }
    List<String> ordinary = resources.stream().map(r -> r.getString("id")).filter(id -> id.startsWith("o-")).toList();
    List<String> sensitive = resources.stream().map(r -> r.getString("id")).filter(id -> id.startsWith("s-")).toList();
    assertThat(sensitive).hasSize(2 * 8);
    assertThat(released).containsExactlyInAnyOrderElementsOf(ordinary);
    assertThat(withheld).isEqualTo(sensitive.size() + 1);
  }

  @Test
  void nothingReleasedFromASensitiveRecordCarriesASensitiveCodeOrNarrative() {
    List<JsonObject> resources = Bundles.resources(SampleRecord.bundle(20, true));
    FilterResult result = FILTER.filter(resources, ResourceIndex.of(resources));
    String out = new JsonArray(new ArrayList<>(result.released())).encode();
    for (String tell : List.of("105629000", "165816005", "7E08400", "Z31.2", "\"360\"", "\"s-", "/s-", "confidential-items", "<div")) {
      assertThat(out.contains(tell)).as(tell).isFalse();
    }
    assertThat(result.released()).hasSize(3 + 20 * 8);
  }
}
