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

  /**
   * The first of the item's dates, as precise as the source wrote it (a year, a month or a day): a period's
   * start, effective, issued, date, authored, occurrence, created. A partial date keeps its place: as text,
   * "2009" sorts after every day of 2009 and before 2008's, which is the order newest-first needs.
   */
  private static String dateOf(JsonObject item) {
    String date = written(ItemFacts.path(item, "period", "start"));
    date = date != null ? date : written(item.getValue("effectiveDateTime"));
    date = date != null ? date : written(ItemFacts.path(item, "effectivePeriod", "start"));
    date = date != null ? date : written(item.getValue("issued"));
    date = date != null ? date : written(item.getValue("date"));
    date = date != null ? date : written(item.getValue("authoredOn"));
    date = date != null ? date : written(item.getValue("occurrenceDateTime"));
    date = date != null ? date : written(item.getValue("created"));
    if (date == null && item.getValue("context") instanceof JsonObject context) {
      date = written(ItemFacts.path(context, "period", "start"));
    }
    return date;
  }

  /** The date part a FHIR date or dateTime starts with (yyyy, yyyy-mm or yyyy-mm-dd), or null. */
  static String written(Object value) {
    if (!(value instanceof String s)) {
      return null;
    }
    String day = GroupingRules.day(s);
    if (day != null) {
      return day;
    }
    if (s.length() >= 7 && digits(s, 0, 4) && s.charAt(4) == '-' && digits(s, 5, 7) && endsAt(s, 7)) {
      return s.substring(0, 7);
    }
    return s.length() >= 4 && digits(s, 0, 4) && endsAt(s, 4) ? s.substring(0, 4) : null;
  }

  /** Whether the date part ends at i: the text ends there or goes on with neither a digit nor a '-'. */
  private static boolean endsAt(String s, int i) {
    return s.length() == i || s.charAt(i) != '-' && (s.charAt(i) < '0' || s.charAt(i) > '9');
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
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
