package io.shcr.simulator;

import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One organisation's chart of one patient while it is being written: hands out resource ids, links
 * each resource to the organisation's Patient and draws from a random stream seeded by the patient
 * and the organisation, so the same question always gets the same answer. Each resource is recorded
 * with its {@link Disclosure} (ordinary unless written inside {@link #writing}), the ground truth
 * kept beside the chart and never written into it.
 */
final class Chart {

  /** Resource types that name their patient {@code patient} rather than {@code subject}. */
  private static final Set<String> PATIENT_FIELD = Set.of("AllergyIntolerance", "Immunization");

  final SyntheticPatient patient;
  final Organisation org;
  final Random random;
  final String patientId;
  private final List<JsonObject> resources = new ArrayList<>();
  private final Map<String, Disclosure> disclosures = new LinkedHashMap<>();
  private Disclosure writing = Disclosure.ORDINARY;
  private int next = 1;

  /** The resources written until it is closed carry this disclosure. */
  interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  Chart(SyntheticPatient patient, Organisation org) {
    this.patient = patient;
    this.org = org;
    this.random = new Random(patient.seed() * 1_000_003L + org.ods().hashCode());
    this.patientId = Ids.patientId(org, patient.index());
  }

  /** A new resource of this type, already linked to the patient and kept in the chart. */
  JsonObject add(String type) {
    JsonObject resource = Fhir.resource(type, patientId + "-" + next++);
    resource.put(PATIENT_FIELD.contains(type) ? "patient" : "subject", Fhir.ref("Patient", patientId));
    resources.add(resource);
    disclosures.put(type + "/" + resource.getString("id"), writing);
    return resource;
  }

  /** Until the scope closes, what is added is recorded as {@code disclosure}. */
  Scope writing(Disclosure disclosure) {
    Disclosure before = writing;
    writing = disclosure;
    return () -> writing = before;
  }

  /** Marks a resource of this chart confidential at source ({@code meta.security} R) and records it so. */
  JsonObject confidential(JsonObject resource) {
    disclosures.put(resource.getString("resourceType") + "/" + resource.getString("id"), Disclosure.CONFIDENTIAL);
    return Fhir.restricted(resource);
  }

  JsonObject ref(JsonObject resource) {
    return Fhir.ref(resource.getString("resourceType"), resource.getString("id"));
  }

  JsonObject self() {
    return Fhir.orgRef(org.ods(), org.name());
  }

  /** A date in the last {@code days} days. */
  LocalDate withinDays(int days) {
    return Population.AS_OF.minusDays(1 + random.nextInt(Math.max(1, days)));
  }

  /** A date in the patient's adult life (or childhood, for children), within the last twenty years. */
  LocalDate sometime() {
    LocalDate earliest = patient.birthDate().plusYears(patient.ageOn(Population.AS_OF) >= 18 ? 16 : 0);
    LocalDate twentyYears = Population.AS_OF.minusYears(20);
    LocalDate from = earliest.isAfter(twentyYears) ? earliest : twentyYears;
    long span = Math.max(1, Population.AS_OF.toEpochDay() - from.toEpochDay());
    return from.plusDays((long) (random.nextDouble() * span));
  }

  int age() {
    return patient.ageOn(Population.AS_OF);
  }

  boolean chance(double p) {
    return random.nextDouble() < p;
  }

  <T> T pick(List<T> items) {
    return items.get(random.nextInt(items.size()));
  }

  List<JsonObject> resources() {
    return resources;
  }

  /** Each resource's disclosure by {@code Type/id}. */
  Map<String, Disclosure> disclosures() {
    return disclosures;
  }
}
