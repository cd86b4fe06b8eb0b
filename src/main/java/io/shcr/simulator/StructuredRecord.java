package io.shcr.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Builds a GP Connect Access Record: Structured response Bundle from a practice's record: Patient,
 * Organization, Practitioner, one List per requested area pointing at the resources also in the
 * Bundle, the Medications its medicines refer to, list warnings as the practice's system would set them, and an OperationOutcome issue
 * ({@code NOT_IMPLEMENTED}) for each requested area the system does not support.
 */
final class StructuredRecord {

  static final String WARNING_URL = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1";
  static final String EMPTY_REASON = "https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-ListEmptyReasonCode-1";
  static final String BUNDLE_PROFILE = "https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1";
  private static final String LIST_PROFILE = "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-List-1";
  static final String MEDICATION_PROFILE = "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Medication-1";

  private StructuredRecord() {}

  static JsonObject bundle(String base, Organisation practice, SyntheticPatient patient, OrgRecord record,
      Set<GpArea> requested, Set<GpArea> disabled) {
    JsonArray entries = new JsonArray();
    JsonObject patientResource = record.patient().copy();
    add(entries, base, patientResource);
    add(entries, base, organisation(practice));
    add(entries, base, practitioner(practice));
    String patientId = patientResource.getString("id");
    for (GpArea area : GpArea.values()) {
      if (!requested.contains(area)) {
        continue;
      }
      if (disabled.contains(area)) {
        add(entries, base, Fhir.outcome("warning", "not-supported", "NOT_IMPLEMENTED",
            "The " + area.parameter() + " area is not supported by this GP system").put("id", patientId + "-oo-" + area.configName()));
        continue;
      }
      List<JsonObject> items = area.resourceTypes().stream().flatMap(t -> record.ofType(t).stream()).toList();
      List<JsonObject> medications = new ArrayList<>();
      if (area == GpArea.MEDICATION) {
        items = byMedicationReference(patientId, items, medications);
      }
      add(entries, base, list(area, patientId, items, warningsFor(area, patient)));
      items.forEach(item -> add(entries, base, item));
      medications.forEach(medication -> add(entries, base, medication));
    }
    // Built as R4 (what the ground truth tests read); GpConnectRoutes sends it as STU3.
    return new JsonObject()
        .put("resourceType", "Bundle")
        .put("meta", new JsonObject().put("profile", Fhir.array(BUNDLE_PROFILE)))
        .put("type", "collection")
        .put("entry", entries);
  }

  /**
   * The medicines as GP Connect 1.6 sends them: each MedicationStatement and MedicationRequest names its
   * medicine by {@code medicationReference} to a Medication entry of the Bundle (CareConnect-GPC-Medication-1)
   * that carries the dm+d code; a statement and the request it is based on share one Medication. The
   * chart (and the ground truth) keeps the code on the item; only the answer is shaped this way.
   */
  static List<JsonObject> byMedicationReference(String patientId, List<JsonObject> items, List<JsonObject> medications) {
    Map<String, JsonObject> byConcept = new LinkedHashMap<>();
    List<JsonObject> out = new ArrayList<>(items.size());
    for (JsonObject item : items) {
      if (!(item.getValue("medicationCodeableConcept") instanceof JsonObject concept)) {
        out.add(item);
        continue;
      }
      JsonObject medication = byConcept.computeIfAbsent(concept.encode(), key -> Fhir.resource("Medication",
              patientId + "-med-" + (byConcept.size() + 1))
          .put("meta", new JsonObject().put("profile", Fhir.array(MEDICATION_PROFILE)))
          .put("code", concept.copy()));
      JsonObject copy = item.copy();
      copy.remove("medicationCodeableConcept");
      copy.put("medicationReference", Fhir.ref("Medication", medication.getString("id")));
      out.add(copy);
    }
    medications.addAll(byConcept.values());
    return out;
  }

  /** The warnings a practice's system sets on a patient's list: stable for a patient. */
  static List<String> warningsFor(GpArea area, SyntheticPatient patient) {
    Random random = new Random(patient.seed() ^ area.ordinal());
    return switch (area) {
      case PROBLEMS -> patient.confidentialAtSource() ? List.of("confidential-items") : List.of();
      case MEDICATION -> random.nextDouble() < 0.04 ? List.of("data-in-transit") : List.of();
      case INVESTIGATIONS -> random.nextDouble() < 0.06 || patient.nhsNumber().value().equals(Population.RICH)
          ? List.of("data-awaiting-filing") : List.of();
      default -> List.of();
    };
  }

  private static JsonObject list(GpArea area, String patientId, List<JsonObject> items, List<String> warnings) {
    JsonObject list = Fhir.resource("List", patientId + "-list-" + area.configName())
        .put("meta", new JsonObject().put("profile", Fhir.array(LIST_PROFILE)))
        .put("status", "current")
        .put("mode", "snapshot")
        .put("title", area.listCode().display())
        .put("code", area.listCode().concept())
        .put("subject", Fhir.ref("Patient", patientId))
        .put("date", Population.AS_OF + "T08:00:00Z");
    JsonArray notes = new JsonArray();
    if (!warnings.isEmpty()) {
      JsonArray extensions = new JsonArray();
      for (String warning : warnings) {
        extensions.add(new JsonObject().put("url", WARNING_URL).put("valueCode", warning));
        notes.add(new JsonObject().put("text", noteFor(warning)));
      }
      list.put("extension", extensions);
    }
    if (items.isEmpty()) {
      list.put("emptyReason", new JsonObject().put("coding", Fhir.array(new JsonObject()
          .put("system", EMPTY_REASON).put("code", "no-content-recorded").put("display", "No Content Recorded"))));
      notes.add(new JsonObject().put("text", "Information not available"));
    } else {
      JsonArray entry = new JsonArray();
      items.forEach(item -> entry.add(new JsonObject().put("item", Fhir.ref(item.getString("resourceType"), item.getString("id")))));
      list.put("entry", entry);
    }
    if (!notes.isEmpty()) {
      list.put("note", notes);
    }
    return list;
  }

  private static String noteFor(String warning) {
    return switch (warning) {
      case "confidential-items" -> "Items excluded due to confidentiality and/or patient preferences.";
      case "data-in-transit" -> "Patient record transfer from previous GP practice not yet complete; "
          + "information recorded before the transfer may be missing.";
      default -> "Patient data may be incomplete as there is data supplied by a third party awaiting review "
          + "before becoming available.";
    };
  }

  private static JsonObject organisation(Organisation practice) {
    return Fhir.resource("Organization", practice.ods())
        .put("identifier", Fhir.array(new JsonObject().put("system", Fhir.ODS).put("value", practice.ods())))
        .put("name", practice.name());
  }

  private static JsonObject practitioner(Organisation practice) {
    String[] families = {"Ahmed", "Barker", "Chadwick", "Dobson", "Fairclough", "Gorton", "Iqbal", "Lomax"};
    String family = families[Math.floorMod(practice.ods().hashCode(), families.length)];
    return Fhir.resource("Practitioner", practice.ods() + "-gp")
        .put("name", Fhir.array(new JsonObject().put("family", family).put("prefix", Fhir.array("Dr"))))
        .put("identifier", Fhir.array(new JsonObject().put("system", "https://fhir.nhs.uk/Id/sds-user-id")
            .put("value", "G" + String.format("%07d", Math.floorMod(practice.ods().hashCode(), 10_000_000)))));
  }

  private static void add(JsonArray entries, String base, JsonObject resource) {
    entries.add(new JsonObject()
        .put("fullUrl", base + "/" + resource.getString("resourceType") + "/" + resource.getString("id"))
        .put("resource", resource));
  }
}
