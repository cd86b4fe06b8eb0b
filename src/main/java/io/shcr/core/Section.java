package io.shcr.core;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The sections of a record, named the same in config, the API and the stream. */
public enum Section {
  DEMOGRAPHICS("demographics", List.of("Patient")),
  ALERTS("alerts", List.of("Flag")),
  ALLERGIES("allergies", List.of("AllergyIntolerance")),
  MEDICATIONS("medications", List.of("MedicationStatement", "MedicationRequest")),
  PROBLEMS("problems", List.of("Condition")),
  ENCOUNTERS("encounters", List.of("Encounter")),
  RESULTS("results", List.of("Observation", "DiagnosticReport")),
  DOCUMENTS("documents", List.of("DocumentReference")),
  CARE_PLANS("care-plans", List.of("CarePlan")),
  IMMUNISATIONS("immunisations", List.of("Immunization")),
  REFERRALS("referrals", List.of("ServiceRequest"));

  private final String wireName;
  private final List<String> resourceTypes;

  Section(String wireName, List<String> resourceTypes) {
    this.wireName = wireName;
    this.resourceTypes = resourceTypes;
  }

  public String wireName() {
    return wireName;
  }

  /** The FHIR R4 resource types that make up this section. */
  public List<String> resourceTypes() {
    return resourceTypes;
  }

  public static Optional<Section> fromWireName(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
  }

  /** The section a resource of this type belongs to, if any. */
  public static Optional<Section> forResourceType(String resourceType) {
    return Arrays.stream(values()).filter(s -> s.resourceTypes.contains(resourceType)).findFirst();
  }

  @Override
  public String toString() {
    return wireName;
  }
}
