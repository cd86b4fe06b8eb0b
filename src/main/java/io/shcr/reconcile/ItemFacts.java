package io.shcr.reconcile;

import io.shcr.core.Section;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of an item that organisations may disagree on, read as short values: for a medicine its
 * status, dose and start; for an allergy its clinical and verification status, criticality and
 * reaction severity; for a problem its clinical and verification status, onset and end; for an
 * immunisation its status. Also the item's date (when it was recorded or started) and when the source
 * last updated it.
 */
final class ItemFacts {

  /** The longest value kept for a field: a dose text is shown, not a source's essay. */
  static final int MAX_VALUE = 200;

  private ItemFacts() {}

  /** Field name to value, in a fixed order; absent fields are left out (not recorded is not a disagreement). */
  static Map<String, String> of(Section section, JsonObject item) {
    Map<String, String> facts = new LinkedHashMap<>();
    switch (section) {
      case MEDICATIONS -> {
        put(facts, "status", item.getValue("status"));
        put(facts, "dose", doseText(item));
        put(facts, "start", GroupingRules.day(firstOf(path(item, "effectivePeriod", "start"), item.getValue("effectiveDateTime"),
            item.getValue("authoredOn"))));
        put(facts, "end", GroupingRules.day(path(item, "effectivePeriod", "end")));
      }
      case ALLERGIES -> {
        put(facts, "clinicalStatus", statusCode(item.getValue("clinicalStatus")));
        put(facts, "verificationStatus", statusCode(item.getValue("verificationStatus")));
        put(facts, "criticality", item.getValue("criticality"));
        put(facts, "severity", severity(item));
      }
      case PROBLEMS -> {
        put(facts, "clinicalStatus", statusCode(item.getValue("clinicalStatus")));
        put(facts, "verificationStatus", statusCode(item.getValue("verificationStatus")));
        put(facts, "onset", GroupingRules.day(item.getValue("onsetDateTime")));
        put(facts, "end", GroupingRules.day(item.getValue("abatementDateTime")));
      }
      case IMMUNISATIONS -> put(facts, "status", item.getValue("status"));
      default -> { }
    }
    return facts;
  }

  /** The summary's status field: a medicine's or immunisation's status, else the clinical status. */
  static String statusField(Section section) {
    return section == Section.MEDICATIONS || section == Section.IMMUNISATIONS ? "status" : "clinicalStatus";
  }

  /** When the item was recorded, asserted, started or given (a day), or null. */
  static String date(Section section, JsonObject item) {
    Object value = switch (section) {
      case MEDICATIONS -> firstOf(item.getValue("dateAsserted"), item.getValue("authoredOn"),
          path(item, "effectivePeriod", "start"), item.getValue("effectiveDateTime"));
      case ALLERGIES -> firstOf(item.getValue("recordedDate"), item.getValue("onsetDateTime"));
      case PROBLEMS -> firstOf(item.getValue("recordedDate"), item.getValue("onsetDateTime"));
      case IMMUNISATIONS -> firstOf(item.getValue("occurrenceDateTime"), item.getValue("recorded"));
      default -> null;
    };
    return GroupingRules.day(value);
  }

  /** When the source last changed the item: {@code meta.lastUpdated}, else its date. */
  static String lastUpdated(Section section, JsonObject item) {
    Object updated = path(item, "meta", "lastUpdated");
    return updated instanceof String s && GroupingRules.day(s) != null ? bounded(s) : date(section, item);
  }

  private static String doseText(JsonObject item) {
    Object dosage = item.getValue("dosage") instanceof JsonArray a ? a : item.getValue("dosageInstruction");
    if (!(dosage instanceof JsonArray doses)) {
      return null;
    }
    List<String> texts = new ArrayList<>();
    for (Object d : doses) {
      if (d instanceof JsonObject dose && dose.getValue("text") instanceof String text && !text.isBlank()) {
        texts.add(text.strip());
      }
    }
    return texts.isEmpty() ? null : String.join("; ", texts);
  }

  private static String severity(JsonObject item) {
    if (!(item.getValue("reaction") instanceof JsonArray reactions)) {
      return null;
    }
    for (Object r : reactions) {
      if (r instanceof JsonObject reaction && reaction.getValue("severity") instanceof String s) {
        return s;
      }
    }
    return null;
  }

  private static String statusCode(Object concept) {
    if (concept instanceof JsonObject c && c.getValue("coding") instanceof JsonArray codings) {
      for (Object coding : codings) {
        if (coding instanceof JsonObject o && o.getValue("code") instanceof String code) {
          return code;
        }
      }
    }
    return null;
  }

  static Object path(JsonObject item, String first, String second) {
    return item.getValue(first) instanceof JsonObject o ? o.getValue(second) : null;
  }

  private static Object firstOf(Object... values) {
    for (Object value : values) {
      if (value instanceof String s && !s.isBlank()) {
        return s;
      }
    }
    return null;
  }

  private static void put(Map<String, String> facts, String field, Object value) {
    if (value instanceof String s && !s.isBlank()) {
      facts.put(field, bounded(s.strip()));
    }
  }

  private static String bounded(String s) {
    return s.length() <= MAX_VALUE ? s : JsonText.cut(s, MAX_VALUE - 1) + "…";
  }
}
