package io.shcr.reconcile;

import io.shcr.core.Section;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The view's timeline across organisations: every released encounter (admissions are inpatient
 * encounters), result report, document, referral and care plan, newest first, each with its date, the
 * organisation (source) that holds it, its kind and its reference. Only released items reach it. A
 * result Observation that a report lists is left to its report; one on its own is an entry.
 */
public final class Timeline {

  /** Section to the kind of entry it makes; encounters of class IMP/ACUTE/NONAC are admissions. */
  private static final Map<Section, String> KINDS = Map.of(
      Section.ENCOUNTERS, "encounter",
      Section.RESULTS, "result",
      Section.DOCUMENTS, "document",
      Section.REFERRALS, "referral",
      Section.CARE_PLANS, "care-plan");

  private record Entry(String date, String source, String kind, String ref, String display) {}

  private final List<Entry> entries = new ArrayList<>();

  public void accept(String source, Section section, List<JsonObject> released) {
    String kind = KINDS.get(section);
    if (kind == null) {
      return;
    }
    java.util.Set<String> reported = new java.util.HashSet<>();
    if (section == Section.RESULTS) {
      for (JsonObject item : released) {
        if ("DiagnosticReport".equals(item.getValue("resourceType")) && item.getValue("result") instanceof JsonArray results) {
          results.forEach(r -> {
            if (r instanceof JsonObject ref && ref.getValue("reference") instanceof String s) {
              reported.add(s);
            }
          });
        }
      }
    }
    for (JsonObject item : released) {
      String ref = Reconciliation.reference(item);
      if (ref == null || reported.contains(ref)) {
        continue;
      }
      String date = dateOf(item);
      entries.add(new Entry(date, source, kindOf(kind, item), ref, display(item)));
    }
  }

  /** Newest first; undated entries last; ties in source then reference order, so the order is stable. */
  public JsonArray entries() {
    JsonArray out = new JsonArray();
    entries.stream()
        .sorted(Comparator.comparing(Entry::date, Comparator.nullsFirst(Comparator.<String>naturalOrder())).reversed()
            .thenComparing(Entry::source).thenComparing(Entry::ref))
        .forEach(e -> {
          JsonObject json = new JsonObject().put("date", e.date()).put("organisation", e.source()).put("kind", e.kind())
              .put("ref", e.ref());
          if (e.display() != null) {
            json.put("display", e.display());
          }
          out.add(json);
        });
    return out;
  }

  public int size() {
    return entries.size();
  }

  private static String kindOf(String kind, JsonObject item) {
    if ("encounter".equals(kind) && item.getValue("class") instanceof JsonObject cls
        && cls.getValue("code") instanceof String code && List.of("IMP", "ACUTE", "NONAC").contains(code)) {
      return "admission";
    }
    return kind;
  }

  /** The first of the item's dates that is a day: a period's start, effective, issued, date, authored, occurrence, created. */
  private static String dateOf(JsonObject item) {
    String day = GroupingRules.day(ItemFacts.path(item, "period", "start"));
    day = day != null ? day : GroupingRules.day(item.getValue("effectiveDateTime"));
    day = day != null ? day : GroupingRules.day(ItemFacts.path(item, "effectivePeriod", "start"));
    day = day != null ? day : GroupingRules.day(item.getValue("issued"));
    day = day != null ? day : GroupingRules.day(item.getValue("date"));
    day = day != null ? day : GroupingRules.day(item.getValue("authoredOn"));
    day = day != null ? day : GroupingRules.day(item.getValue("occurrenceDateTime"));
    day = day != null ? day : GroupingRules.day(item.getValue("created"));
    if (day == null && item.getValue("context") instanceof JsonObject context) {
      day = GroupingRules.day(ItemFacts.path(context, "period", "start"));
    }
    return day;
  }

  /** The item's type or code as its source words it (shown, never compared). */
  private static String display(JsonObject item) {
    Object concept = item.getValue("type") instanceof JsonArray types && !types.isEmpty() ? types.getValue(0)
        : item.getValue("type") instanceof JsonObject t ? t
        : item.getValue("code") instanceof JsonObject c ? c
        : item.getValue("category") instanceof JsonArray cats && !cats.isEmpty() ? cats.getValue(0) : null;
    if (concept instanceof JsonObject c) {
      String text = c.getValue("text") instanceof String s ? s
          : c.getValue("coding") instanceof JsonArray codings && !codings.isEmpty() && codings.getValue(0) instanceof JsonObject first
              && first.getValue("display") instanceof String d ? d : null;
      if (text != null) {
        return JsonText.cut(text, ItemFacts.MAX_VALUE);
      }
    }
    return item.getValue("title") instanceof String title ? title : null;
  }
}
