package io.shcr.privacy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A GP Connect structured-record-shaped Bundle for tests and the benchmark: a patient with ordinary
 * history (consultations, problems, blood pressures with components, medicines with their Medication,
 * results in reports, letters) and, when asked, sensitive history mixed in (a chlamydia problem and
 * its treatment, an HIV result, a sexual health clinic encounter and its letter, a termination coded in
 * Read v2, an IVF referral in ICD-10). Ids starting {@code s-} must be withheld, ids starting {@code o-}
 * must arrive; clinical area Lists ({@code list-}) are never released.
 */
public final class SampleRecord {

  public static final String PATIENT = "o-patient";
  static final String SNOMED = "http://snomed.info/sct";

  private SampleRecord() {}

  public static JsonObject bundle(int consultations, boolean sensitive) {
    List<JsonObject> resources = new ArrayList<>();
    resources.add(patient());
    resources.add(new JsonObject().put("resourceType", "Organization").put("id", "o-practice")
        .put("identifier", new JsonArray().add(new JsonObject().put("system", "https://fhir.nhs.uk/Id/ods-organization-code").put("value", "A12345"))));
    resources.add(new JsonObject().put("resourceType", "Practitioner").put("id", "o-gp")
        .put("name", new JsonArray().add(new JsonObject().put("family", "Doctor"))));
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < consultations; i++) {
      ordinaryConsultation(resources, problems, i);
      if (sensitive && i % 10 == 3) {
        sensitiveHistory(resources, problems, i);
      }
    }
    JsonArray items = new JsonArray();
    problems.forEach(id -> items.add(new JsonObject().put("item", ref("Condition/" + id))));
    resources.add(new JsonObject().put("resourceType", "List").put("id", "list-problems").put("status", "current").put("mode", "snapshot")
        .put("title", "Problems").put("code", concept(SNOMED, "717711000000103", "Problems"))
        .put("extension", new JsonArray().add(new JsonObject()
            .put("url", "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1")
            .put("valueCode", "confidential-items")))
        .put("entry", items));
    JsonArray entries = new JsonArray();
    resources.forEach(r -> entries.add(new JsonObject().put("resource", r)));
    return new JsonObject().put("resourceType", "Bundle").put("type", "collection").put("entry", entries);
  }

  private static JsonObject patient() {
    return new JsonObject().put("resourceType", "Patient").put("id", PATIENT)
        .put("text", narrative("Patient summary"))
        .put("identifier", new JsonArray().add(new JsonObject().put("system", "https://fhir.nhs.uk/Id/nhs-number").put("value", "9000000009")))
        .put("name", new JsonArray().add(new JsonObject().put("family", "Smith").put("given", new JsonArray().add("Sam"))))
        .put("gender", "female").put("birthDate", "1980-02-03")
        .put("generalPractitioner", new JsonArray().add(ref("Organization/o-practice")));
  }

  private static void ordinaryConsultation(List<JsonObject> out, List<String> problems, int i) {
    String encounter = "o-enc-" + i;
    out.add(new JsonObject().put("resourceType", "Encounter").put("id", encounter).put("status", "finished")
        .put("type", new JsonArray().add(concept(SNOMED, "185317003", "Telephone encounter")))
        .put("subject", ref("Patient/" + PATIENT)).put("serviceProvider", ref("Organization/o-practice"))
        .put("participant", new JsonArray().add(new JsonObject().put("individual", ref("Practitioner/o-gp"))))
        .put("text", narrative("Consultation " + i)));
    out.add(new JsonObject().put("resourceType", "Observation").put("id", "o-bp-" + i).put("status", "final")
        .put("code", concept(SNOMED, "75367002", "Blood pressure")).put("subject", ref("Patient/" + PATIENT))
        .put("context", ref("Encounter/" + encounter))
        .put("component", new JsonArray()
            .add(new JsonObject().put("code", concept(SNOMED, "271649006", "Systolic")).put("valueQuantity", new JsonObject().put("value", 120 + i % 20)))
            .add(new JsonObject().put("code", concept(SNOMED, "271650006", "Diastolic")).put("valueQuantity", new JsonObject().put("value", 80)))));
    String condition = "o-cond-" + i;
    problems.add(condition);
    out.add(new JsonObject().put("resourceType", "Condition").put("id", condition)
        .put("code", concept(SNOMED, i % 2 == 0 ? "38341003" : "195967001", i % 2 == 0 ? "Hypertension" : "Asthma"))
        .put("category", new JsonArray().add(concept("http://hl7.org/fhir/condition-category", "problem-list-item", "Problem")))
        .put("subject", ref("Patient/" + PATIENT)).put("context", ref("Encounter/" + encounter))
        .put("extension", new JsonArray().add(new JsonObject()
            .put("url", "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-RelatedClinicalContent-1")
            .put("valueReference", ref("Observation/o-bp-" + i)))));
    out.add(new JsonObject().put("resourceType", "Medication").put("id", "o-med-" + i)
        .put("code", concept(SNOMED, "318420003", "Amlodipine 5mg tablets")));
    out.add(new JsonObject().put("resourceType", "MedicationRequest").put("id", "o-mr-" + i).put("intent", "plan")
        .put("medicationReference", ref("Medication/o-med-" + i)).put("subject", ref("Patient/" + PATIENT))
        .put("reasonReference", new JsonArray().add(ref("Condition/" + condition)))
        .put("dosageInstruction", new JsonArray().add(new JsonObject().put("text", "One daily"))));
    out.add(new JsonObject().put("resourceType", "MedicationStatement").put("id", "o-ms-" + i).put("status", "active")
        .put("medicationReference", ref("Medication/o-med-" + i)).put("basedOn", new JsonArray().add(ref("MedicationRequest/o-mr-" + i)))
        .put("subject", ref("Patient/" + PATIENT)));
    out.add(new JsonObject().put("resourceType", "Observation").put("id", "o-hb-" + i).put("status", "final")
        .put("code", concept(SNOMED, "1022431000000105", "Haemoglobin")).put("subject", ref("Patient/" + PATIENT))
        .put("valueQuantity", new JsonObject().put("value", 135).put("unit", "g/L")));
    out.add(new JsonObject().put("resourceType", "DiagnosticReport").put("id", "o-dr-" + i).put("status", "final")
        .put("code", concept(SNOMED, "26604007", "Full blood count")).put("subject", ref("Patient/" + PATIENT))
        .put("result", new JsonArray().add(ref("Observation/o-hb-" + i))));
  }

  private static void sensitiveHistory(List<JsonObject> out, List<String> problems, int i) {
    String gum = "s-gum-enc-" + i;
    out.add(new JsonObject().put("resourceType", "Encounter").put("id", gum).put("status", "finished")
        .put("serviceType", concept("https://fhir.nhs.uk/CodeSystem/Specialty-1", "360", "Genitourinary medicine"))
        .put("subject", ref("Patient/" + PATIENT)));
    out.add(new JsonObject().put("resourceType", "DocumentReference").put("id", "s-letter-" + i).put("status", "current")
        .put("type", concept(SNOMED, "371531000", "Report of clinical encounter")).put("subject", ref("Patient/" + PATIENT))
        .put("context", new JsonObject().put("encounter", new JsonArray().add(ref("Encounter/" + gum)))));
    String chlamydia = "s-cond-" + i;
    problems.add(chlamydia);
    out.add(new JsonObject().put("resourceType", "Condition").put("id", chlamydia)
        .put("code", concept(SNOMED, "105629000", "Chlamydial infection")).put("subject", ref("Patient/" + PATIENT)));
    out.add(new JsonObject().put("resourceType", "MedicationRequest").put("id", "s-mr-" + i).put("intent", "plan")
        .put("medicationCodeableConcept", concept(SNOMED, "324357002", "Doxycycline 100mg capsules"))
        .put("reasonReference", new JsonArray().add(ref("Condition/" + chlamydia))).put("subject", ref("Patient/" + PATIENT)));
    out.add(new JsonObject().put("resourceType", "Observation").put("id", "s-hiv-" + i).put("status", "final")
        .put("code", concept(SNOMED, "1022431000000105", "Test result"))
        .put("valueCodeableConcept", concept(SNOMED, "165816005", "HIV positive")).put("subject", ref("Patient/" + PATIENT)));
    out.add(new JsonObject().put("resourceType", "DiagnosticReport").put("id", "s-dr-" + i).put("status", "final")
        .put("code", concept(SNOMED, "26604007", "Blood tests")).put("subject", ref("Patient/" + PATIENT))
        .put("result", new JsonArray().add(ref("Observation/s-hiv-" + i)).add(ref("Observation/o-hb-" + i))));
    out.add(new JsonObject().put("resourceType", "Procedure").put("id", "s-top-" + i).put("status", "completed")
        .put("code", concept("http://read.info/readv2", "7E08400", "Suction termination of pregnancy")).put("subject", ref("Patient/" + PATIENT)));
    out.add(new JsonObject().put("resourceType", "ServiceRequest").put("id", "s-ivf-" + i).put("status", "active").put("intent", "order")
        .put("reasonCode", new JsonArray().add(concept("http://hl7.org/fhir/sid/icd-10", "Z31.2", "In vitro fertilization")))
        .put("subject", ref("Patient/" + PATIENT)));
  }

  public static JsonObject ref(String reference) {
    return new JsonObject().put("reference", reference);
  }

  public static JsonObject concept(String system, String code, String display) {
    return new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("system", system).put("code", code).put("display", display)));
  }

  public static JsonObject narrative(String text) {
    return new JsonObject().put("status", "generated").put("div", "<div xmlns=\"http://www.w3.org/1999/xhtml\">" + text + "</div>");
  }
}
