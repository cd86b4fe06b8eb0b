package io.shcr.reconcile;

import io.shcr.core.Section;
import io.vertx.core.buffer.Buffer;
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
  /** Whether {@link #display} is a generic's words (a brand's give way to the first generic's). */
  private boolean displayGeneric;
  /** Keyed by source and reference: the same item sent twice is one member. */
  private final Map<String, Member> members = new LinkedHashMap<>();
  /** The members' encodings joined with commas, in member order. */
  private Buffer encodedMembers = Buffer.buffer();
  /** Field, then value, then the sources that say it (sorted, so the output does not depend on arrival order). */
  private Map<String, Map<String, TreeSet<String>>> byField = new LinkedHashMap<>();
  private String latest;

  record Member(String source, String ref, String date, String lastUpdated, Map<String, String> facts, Buffer encoded) {
    Member(String source, String ref, String date, String lastUpdated, Map<String, String> facts) {
      this(source, ref, date, lastUpdated, facts, encode(source, ref, date));
    }

    private static Buffer encode(String source, String ref, String date) {
      JsonObject json = new JsonObject().put("source", source).put("ref", ref);
      if (date != null) {
        json.put("date", date);
      }
      return json.toBuffer();
    }

    boolean sameAs(Member other) {
      return other != null && source.equals(other.source) && ref.equals(other.ref) && java.util.Objects.equals(date, other.date)
          && java.util.Objects.equals(lastUpdated, other.lastUpdated) && facts.equals(other.facts);
    }
  }

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
  boolean add(Member member, String itemDisplay, boolean genericDisplay) {
    Member before = members.put(member.source() + "\n" + member.ref(), member);
    if (member.sameAs(before)) {
      return false;
    }
    if (itemDisplay != null && (display == null || (genericDisplay && !displayGeneric))) {
      display = itemDisplay;
      displayGeneric = genericDisplay;
    }
    if (before == null) {
      if (encodedMembers.length() > 0) {
        encodedMembers.appendByte((byte) ',');
      }
      encodedMembers.appendBuffer(member.encoded());
      index(member);
    } else {
      // A source sent the same item again, changed: rebuild what the old version contributed.
      encodedMembers = Buffer.buffer();
      byField = new LinkedHashMap<>();
      latest = null;
      for (Member m : members.values()) {
        if (encodedMembers.length() > 0) {
          encodedMembers.appendByte((byte) ',');
        }
        encodedMembers.appendBuffer(m.encoded());
        index(m);
      }
    }
    return true;
  }

  private void index(Member m) {
    m.facts().forEach((field, value) ->
        byField.computeIfAbsent(field, f -> new TreeMap<>()).computeIfAbsent(value, v -> new TreeSet<>()).add(m.source()));
    if (m.date() != null && (latest == null || m.date().compareTo(latest) > 0)) {
      latest = m.date();
    }
  }

  int size() {
    return members.size();
  }

  GroupEvent toEvent() {
    Map<String, String> lastUpdated = new TreeMap<>();
    for (Member m : members.values()) {
      if (m.lastUpdated() != null) {
        lastUpdated.merge(m.source(), m.lastUpdated(), (a, b) -> a == null || b.compareTo(a) > 0 ? b : a);
      } else {
        lastUpdated.putIfAbsent(m.source(), null);
      }
    }
    JsonArray organisations = new JsonArray();
    lastUpdated.forEach((source, when) -> organisations.add(new JsonObject().put("source", source).put("lastUpdated", when)));
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
    Buffer head = new JsonObject().put("section", section.wireName()).put("group", id).put("summary", summary)
        .put("organisations", organisations).put("differences", differences).toBuffer();
    Buffer json = Buffer.buffer(head.length() + encodedMembers.length() + 16)
        .appendBuffer(head, 0, head.length() - 1)
        .appendString(",\"members\":[").appendBuffer(encodedMembers).appendString("]}");
    return new GroupEvent(section.wireName(), id, json);
  }

  List<Member> members() {
    return List.copyOf(members.values());
  }
}
