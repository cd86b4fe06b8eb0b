package io.shcr.sources;

import io.shcr.fhir.References;
import io.shcr.core.Section;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The clinical areas of GP Connect Access Record: Structured 1.6 that fill our sections: the
 * {@code include...} parameter that asks for each, the SNOMED CT code of its primary List, the section it
 * fills, and the resource types a returned area answers for (STU3 names as GP Connect sends them, R4
 * names as our sections read them).
 *
 * <p>Which areas are needed to judge an area ({@link #judgedWith()}), from the GP Connect 1.6 FHIR model
 * ("Linkages"): links between areas run through two hubs. A problem ({@code ProblemHeader}) files
 * everything linked to it in its {@code relatedClinicalContent} (medicines, consultations, allergies,
 * immunisations, referrals, investigations); a consultation records its content in its List structure,
 * and each item recorded in it names it ({@code context} or {@code encounter}). Either hub can be what
 * makes an item withheld (a medicine filed under an HIV problem; an item recorded in a consultation that
 * is withheld), and the link often runs from the hub to the item, so a missing hub could not even be
 * asked for later: both are fetched with any clinical area, and each hub with the other. A hub fetched
 * only for judging is never released.
 */
enum GpConnectArea {
  ALLERGIES("includeAllergies", "886921000000105", Section.ALLERGIES, Set.of("AllergyIntolerance")),
  MEDICATION("includeMedication", "933361000000108", Section.MEDICATIONS,
      Set.of("MedicationStatement", "MedicationRequest", "Medication")),
  PROBLEMS("includeProblems", "717711000000103", Section.PROBLEMS, Set.of("Condition")),
  CONSULTATIONS("includeConsultations", "1149501000000101", Section.ENCOUNTERS, Set.of("Encounter")),
  IMMUNISATIONS("includeImmunisations", "1102181000000102", Section.IMMUNISATIONS, Set.of("Immunization")),
  INVESTIGATIONS("includeInvestigations", "887191000000108", Section.RESULTS,
      Set.of("DiagnosticReport", "Observation", "Specimen", "ProcedureRequest")),
  REFERRALS("includeReferrals", "792931000000107", Section.REFERRALS, Set.of("ServiceRequest", "ReferralRequest"));

  private final String parameter;
  private final String listCode;
  private final Section section;
  private final Set<String> types;

  GpConnectArea(String parameter, String listCode, Section section, Set<String> types) {
    this.parameter = parameter;
    this.listCode = listCode;
    this.section = section;
    this.types = types;
  }

  String parameterName() {
    return parameter;
  }

  Section section() {
    return section;
  }

  /** The area that fills a section, if GP Connect has one. */
  static Optional<GpConnectArea> filling(Section section) {
    return Arrays.stream(values()).filter(a -> a.section == section).findFirst();
  }

  /** The area whose answer holds resources of this type, if one does. */
  static Optional<GpConnectArea> holding(String type) {
    return Arrays.stream(values()).filter(a -> a.types.contains(type)).findFirst();
  }

  /** The areas the privacy filter needs, besides this one, to judge this area's items (see the class comment). */
  Set<GpConnectArea> judgedWith() {
    Set<GpConnectArea> hubs = EnumSet.of(PROBLEMS, CONSULTATIONS);
    hubs.remove(this);
    return hubs;
  }

  /** The Parameters part that asks for the area, with the part parameters GP Connect requires. */
  JsonObject parameter() {
    JsonObject part = new JsonObject().put("name", parameter);
    if (this == ALLERGIES) {
      part.put("part", new JsonArray().add(new JsonObject().put("name", "includeResolvedAllergies").put("valueBoolean", true)));
    } else if (this == MEDICATION) {
      part.put("part", new JsonArray().add(new JsonObject().put("name", "includePrescriptionIssues").put("valueBoolean", false)));
    }
    return part;
  }

  /**
   * The area a List is the primary list of: by its code (GP Connect's fixed list codes); a List with
   * another code is a secondary list (such as the problems related to the medicines returned) and is no
   * area's. A List without a code is taken by the types of its entries, when they all belong to one area.
   */
  static Optional<GpConnectArea> listedBy(JsonObject list) {
    if (list.getValue("code") instanceof JsonObject code && code.getValue("coding") instanceof JsonArray codings) {
      for (Object c : codings) {
        if (c instanceof JsonObject coding && coding.getValue("code") instanceof String value) {
          Optional<GpConnectArea> area = Arrays.stream(values()).filter(a -> a.listCode.equals(value)).findFirst();
          if (area.isPresent()) {
            return area;
          }
        }
      }
      return Optional.empty();
    }
    GpConnectArea found = null;
    if (list.getValue("entry") instanceof JsonArray entries) {
      for (Object e : entries) {
        if (e instanceof JsonObject entry && entry.getValue("item") instanceof JsonObject item
            && item.getValue("reference") instanceof String ref) {
          GpConnectArea area = holding(References.typeOf(ref)).orElse(null);
          if (area == null || (found != null && found != area)) {
            return Optional.empty();
          }
          found = area;
        }
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * The area an OperationOutcome issue says is switched off, when its diagnostics or text names one of
   * our parameters (as GP Connect's "includeProblems has been disabled" does). Only our own names are
   * matched; nothing of the source's text is kept.
   */
  static Optional<GpConnectArea> namedBy(JsonObject issue) {
    StringBuilder text = new StringBuilder();
    if (issue.getValue("diagnostics") instanceof String diagnostics) {
      text.append(diagnostics).append(' ');
    }
    if (issue.getValue("details") instanceof JsonObject details && details.getValue("text") instanceof String detailText) {
      text.append(detailText);
    }
    GpConnectArea named = null;
    for (GpConnectArea area : values()) {
      if (text.indexOf(area.parameter) >= 0) {
        if (named != null) {
          return Optional.empty();
        }
        named = area;
      }
    }
    return Optional.ofNullable(named);
  }
}
