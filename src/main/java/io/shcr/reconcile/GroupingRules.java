package io.shcr.reconcile;

import io.shcr.core.Section;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which group a released item belongs to, on codes alone (never display text): medicines by their
 * dm+d/SNOMED concept at VMP level (an AMP counts as its VMP), allergies by substance, problems by
 * concept, immunisations by vaccine and day. Codings in a code system not known here are ignored; an
 * item with no known coding, or with two known codings that name different concepts, or an
 * immunisation without a date, is alone in its group: never merge what might be two things.
 */
public final class GroupingRules {

  /** SNOMED CT and dm+d share one id space (dm+d ids are SNOMED CT UK drug extension ids). */
  static final Map<String, String> SPACES = Map.of(
      "http://snomed.info/sct", "sct",
      "https://dmd.nhs.uk", "sct",
      "http://hl7.org/fhir/sid/icd-10", "icd10",
      "http://hl7.org/fhir/sid/icd-10-uk", "icd10");

  /** The sections whose items are reconciled; the others are listed as they are (and timed, see {@link Timeline}). */
  public static final Set<Section> RECONCILED = Set.of(Section.MEDICATIONS, Section.ALLERGIES, Section.PROBLEMS,
      Section.IMMUNISATIONS);

  private static final java.util.regex.Pattern SCT_ID = java.util.regex.Pattern.compile("\\d{6,18}");
  private static final java.util.regex.Pattern ICD10_CODE = java.util.regex.Pattern.compile("[A-Z][0-9][0-9A-Z.]{1,6}");

  private final MedicineConcepts medicines;

  public GroupingRules(MedicineConcepts medicines) {
    this.medicines = medicines;
  }

  /** A concept; {@code generic} when the item was coded at the group's own level (a VMP, not one of its AMPs). */
  record Concept(String space, String code, String display, boolean generic) {}

  /** The item's key, or null when it must be alone (the caller keys it by source and reference). */
  GroupKey keyOf(Section section, JsonObject item) {
    return keyOf(section, item, conceptOf(section, item));
  }

  /** As above, with the item's concept already found. */
  GroupKey keyOf(Section section, JsonObject item, Concept concept) {
    if (concept == null) {
      return null;
    }
    String date = "";
    if (section == Section.IMMUNISATIONS) {
      date = day(item.getValue("occurrenceDateTime"));
      if (date == null) {
        return null; // a vaccine without a day could be any dose of a course
      }
    }
    return new GroupKey(section.wireName(), concept.space(), concept.code(), date);
  }

  /** The one concept the item's known codings agree on (a medicine's own, or its contained Medication's). */
  Concept conceptOf(Section section, JsonObject item) {
    return conceptOf(section, item, reference -> null);
  }

  /**
   * As above; a medicine's {@code medicationReference} (GP Connect's way) is followed to a Medication
   * contained in the item or, through {@code medications}, released in the same source's section.
   */
  Concept conceptOf(Section section, JsonObject item, Function<String, JsonObject> medications) {
    Object codeable = switch (section) {
      case MEDICATIONS -> MedicationCodes.codeOf(item, medications);
      case IMMUNISATIONS -> item.getValue("vaccineCode");
      case ALLERGIES, PROBLEMS -> item.getValue("code");
      default -> null;
    };
    if (!(codeable instanceof JsonObject concept) || !(concept.getValue("coding") instanceof JsonArray codings)) {
      return null;
    }
    Concept found = null;
    for (String space : new String[] {"sct", "icd10"}) {
      for (Object c : codings) {
        if (!(c instanceof JsonObject coding) || !(coding.getValue("system") instanceof String system)
            || !space.equals(SPACES.get(system)) || !(coding.getValue("code") instanceof String raw)) {
          continue;
        }
        String code = raw.strip();
        if (!(space.equals("sct") ? SCT_ID : ICD10_CODE).matcher(code).matches()) {
          return null; // a malformed code in a known system: cannot be trusted to name anything
        }
        String written = code;
        if (section == Section.MEDICATIONS && space.equals("sct")) {
          code = medicines.vmp(code);
        }
        if (found != null && !found.code().equals(code)) {
          return null; // two concepts in one item: which one is it about?
        }
        if (found == null) {
          found = new Concept(space, code, coding.getValue("display") instanceof String d ? d : null, code.equals(written));
        }
      }
      if (found != null) {
        return found; // SNOMED first; ICD-10 only when there is no SNOMED coding
      }
    }
    return null;
  }

  /** The day (yyyy-mm-dd) a FHIR date or dateTime starts with, or null. */
  static String day(Object value) {
    if (!(value instanceof String s) || s.length() < 10) {
      return null;
    }
    for (int i = 0; i < 10; i++) {
      char c = s.charAt(i);
      if (i == 4 || i == 7 ? c != '-' : c < '0' || c > '9') {
        return null;
      }
    }
    return s.substring(0, 10);
  }
}
