package io.shcr.reconcile;

import io.shcr.core.Section;
import io.vertx.core.buffer.Buffer;
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
      Buffer json = Buffer.buffer(64).appendByte((byte) '{');
      JsonText.field(json, "source", source).appendByte((byte) ',');
      JsonText.field(json, "ref", ref);
      if (date != null) {
        JsonText.field(json.appendByte((byte) ','), "date", date);
      }
      return json.appendByte((byte) '}');
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

  /**
   * The group as its {@code group} event: written into bytes as it is (no JSON tree), the members'
   * encodings copied. The same fields, in the same order, as docs/api.md shows.
   */
  GroupEvent toEvent() {
    Map<String, String> lastUpdated = new TreeMap<>();
    for (Member m : members.values()) {
      if (m.lastUpdated() != null) {
        lastUpdated.merge(m.source(), m.lastUpdated(), (a, b) -> a == null || b.compareTo(a) > 0 ? b : a);
      } else {
        lastUpdated.putIfAbsent(m.source(), null);
      }
    }
    Map<String, TreeSet<String>> statuses = byField.getOrDefault(ItemFacts.statusField(section), Map.of());
    String status = statuses.isEmpty() ? null : statuses.size() == 1 ? statuses.keySet().iterator().next() : DIFFERS;
    Buffer json = Buffer.buffer(256 + encodedMembers.length()).appendByte((byte) '{');
    JsonText.field(json, "section", section.wireName()).appendByte((byte) ',');
    JsonText.field(json, "group", id).appendString(",\"summary\":{");
    JsonText.field(json, "display", display).appendByte((byte) ',');
    JsonText.field(json, "status", status).appendByte((byte) ',');
    JsonText.field(json, "latest", latest);
    if (!key.single()) {
      JsonText.field(json.appendByte((byte) ','), "system", key.space().equals("sct") ? "http://snomed.info/sct" : "http://hl7.org/fhir/sid/icd-10");
      JsonText.field(json.appendByte((byte) ','), "code", key.code());
      if (!key.date().isEmpty()) {
        JsonText.field(json.appendByte((byte) ','), "date", key.date());
      }
    }
    json.appendString("},\"organisations\":[");
    boolean first = true;
    for (Map.Entry<String, String> organisation : lastUpdated.entrySet()) {
      json.appendString(first ? "{" : ",{");
      first = false;
      JsonText.field(json, "source", organisation.getKey()).appendByte((byte) ',');
      JsonText.field(json, "lastUpdated", organisation.getValue()).appendByte((byte) '}');
    }
    json.appendString("],\"differences\":[");
    first = true;
    for (Map.Entry<String, Map<String, TreeSet<String>>> field : byField.entrySet()) {
      if (field.getValue().size() < 2) {
        continue;
      }
      json.appendString(first ? "{" : ",{");
      first = false;
      JsonText.field(json, "field", field.getKey()).appendString(",\"values\":[");
      boolean firstValue = true;
      for (Map.Entry<String, TreeSet<String>> value : field.getValue().entrySet()) {
        json.appendString(firstValue ? "{" : ",{");
        firstValue = false;
        JsonText.field(json, "value", value.getKey()).appendString(",\"sources\":[");
        boolean firstSource = true;
        for (String source : value.getValue()) {
          if (!firstSource) {
            json.appendByte((byte) ',');
          }
          firstSource = false;
          JsonText.string(json, source);
        }
        json.appendString("]}");
      }
      json.appendString("]}");
    }
    json.appendString("],\"members\":[").appendBuffer(encodedMembers).appendString("]}");
    return new GroupEvent(section.wireName(), id, json);
  }

  List<Member> members() {
    return List.copyOf(members.values());
  }
}
