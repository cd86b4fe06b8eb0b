package io.shcr.simulator;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The clinical areas of GP Connect Access Record: Structured: the {@code include...} parameter that
 * asks for each, the SNOMED CT code and title of its List, and the resource types it holds.
 */
public enum GpArea {
  ALLERGIES("includeAllergies", "allergies", "886921000000105", "Allergies and adverse reactions", List.of("AllergyIntolerance")),
  MEDICATION("includeMedication", "medication", "933361000000108", "Medications and medical devices",
      List.of("MedicationStatement", "MedicationRequest")),
  PROBLEMS("includeProblems", "problems", "717711000000103", "Problems", List.of("Condition")),
  CONSULTATIONS("includeConsultations", "consultations", "1149501000000101", "List of consultations", List.of("Encounter")),
  IMMUNISATIONS("includeImmunisations", "immunisations", "1102181000000102", "Immunisations", List.of("Immunization")),
  INVESTIGATIONS("includeInvestigations", "investigations", "887191000000108", "Investigations and results",
      List.of("DiagnosticReport", "Observation")),
  REFERRALS("includeReferrals", "referrals", "792931000000107", "Outbound referral", List.of("ServiceRequest"));

  private final String parameter;
  private final String configName;
  private final String listCode;
  private final String title;
  private final List<String> resourceTypes;

  GpArea(String parameter, String configName, String listCode, String title, List<String> resourceTypes) {
    this.parameter = parameter;
    this.configName = configName;
    this.listCode = listCode;
    this.title = title;
    this.resourceTypes = resourceTypes;
  }

  public String parameter() {
    return parameter;
  }

  /** The name simulator.yaml uses for the area ({@code disabledAreas}). */
  public String configName() {
    return configName;
  }

  public Code listCode() {
    return Code.snomed(listCode, title);
  }

  public List<String> resourceTypes() {
    return resourceTypes;
  }

  public static Optional<GpArea> fromParameter(String name) {
    return Arrays.stream(values()).filter(a -> a.parameter.equals(name)).findFirst();
  }

  public static Optional<GpArea> fromConfigName(String name) {
    return Arrays.stream(values()).filter(a -> a.configName.equals(name)).findFirst();
  }
}
