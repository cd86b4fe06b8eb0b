package io.shcr.reconcile;

import io.shcr.core.Section;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One clinical fact as every organisation that answered records it: its members (one per source and
 * reference), what it is (the summary), who records it and when each last updated it, and every field
 * on which they disagree. Nothing is picked as the winner: when members disagree on the status the
 * summary says {@code differs} and the differences say who says what.
 */
final class Group {

  static final String DIFFERS = "differs";

  private final GroupKey key;
  private final Section section;
  private final String id;
  private String display;
  /** Keyed by source and reference: the same item sent twice is one member. */
  private final Map<String, Member> members = new LinkedHashMap<>();

  record Member(String source, String ref, String date, String lastUpdated, Map<String, String> facts) {}

  Group(GroupKey key, Section section, String display) {
    this.key = key;
    this.section = section;
    this.id = key.id();
    this.display = display;
  }

  String id() {
    return id;
  }

  /** Adds or replaces a member; false when nothing about the group changed. */
  boolean add(Member member, String itemDisplay) {
    Member before = members.put(member.source() + "\n" + member.ref(), member);
    if (display == null && itemDisplay != null) {
      display = itemDisplay;
    }
    return !member.equals(before);
  }

  int size() {
    return members.size();
  }

  JsonObject toJson() {
    JsonArray memberList = new JsonArray();
    Map<String, String> lastUpdated = new TreeMap<>();
    String latest = null;
    for (Member m : members.values()) {
      JsonObject json = new JsonObject().put("source", m.source()).put("ref", m.ref());
      if (m.date() != null) {
        json.put("date", m.date());
        latest = latest == null || m.date().compareTo(latest) > 0 ? m.date() : latest;
      }
      memberList.add(json);
      if (m.lastUpdated() != null) {
        lastUpdated.merge(m.source(), m.lastUpdated(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
      } else {
        lastUpdated.putIfAbsent(m.source(), null);
      }
    }
    JsonArray organisations = new JsonArray();
    lastUpdated.forEach((source, when) -> organisations.add(new JsonObject().put("source", source).put("lastUpdated", when)));
    Map<String, Map<String, TreeSet<String>>> byField = valuesByField();
    JsonArray differences = new JsonArray();
    byField.forEach((field, values) -> {
      if (values.size() > 1) {
        JsonArray said = new JsonArray();
        values.forEach((value, sources) -> said.add(new JsonObject().put("value", value).put("sources", new JsonArray(new ArrayList<>(sources)))));
        differences.add(new JsonObject().put("field", field).put("values", said));
      }
    });
    Map<String, TreeSet<String>> statuses = byField.getOrDefault(ItemFacts.statusField(section), Map.of());
    String status = statuses.isEmpty() ? null : statuses.size() == 1 ? statuses.keySet().iterator().next() : DIFFERS;
    JsonObject summary = new JsonObject().put("display", display).put("status", status).put("latest", latest);
    if (!key.single()) {
      summary.put("system", key.space().equals("sct") ? "http://snomed.info/sct" : "http://hl7.org/fhir/sid/icd-10")
          .put("code", key.code());
      if (!key.date().isEmpty()) {
        summary.put("date", key.date());
      }
    }
    return new JsonObject().put("section", section.wireName()).put("group", id).put("summary", summary)
        .put("members", memberList).put("organisations", organisations).put("differences", differences);
  }

  /** Field, then value, then the sources that say it (sorted, so the output does not depend on arrival order). */
  private Map<String, Map<String, TreeSet<String>>> valuesByField() {
    Map<String, Map<String, TreeSet<String>>> byField = new LinkedHashMap<>();
    for (Member m : members.values()) {
      m.facts().forEach((field, value) ->
          byField.computeIfAbsent(field, f -> new TreeMap<>()).computeIfAbsent(value, v -> new TreeSet<>()).add(m.source()));
    }
    return byField;
  }

  List<Member> members() {
    return List.copyOf(members.values());
  }
}
