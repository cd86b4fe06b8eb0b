package io.shcr.reconcile;

import io.shcr.core.Section;
import io.shcr.fhir.Demographics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One view's reconciled record, built as each source's released section arrives: it is handed only what
 * the privacy filter released (and the viewer's transform made of it), so nothing withheld can shape
 * a group. {@link #accept} returns the groups that section created or changed, as their
 * {@code group} events. Holds nothing beyond the view; runs on the view's event loop.
 *
 * <p>A MedicationStatement names the MedicationRequest it is based on: when it names no medicine of its
 * own (neither {@code medicationCodeableConcept} nor {@code medicationReference}) it joins that request's group (the same source's, matched by reference), so the authorisation
 * and the statement of it are one medicine.
 */
public final class Reconciliation {

  private final GroupingRules rules;
  private final Map<GroupKey, Group> groups = new LinkedHashMap<>();
  /** A source's MedicationRequest, by its reference, to the key of its group. */
  private final Map<String, GroupKey> requests = new HashMap<>();
  /** Each source's demographic differences from PDS, and the values it recorded. */
  private final Map<String, SourceDemographics> demographics = new LinkedHashMap<>();
  private Demographics pds;

  private record SourceDemographics(String ref, Demographics recorded, List<String> fields) {}

  public Reconciliation(GroupingRules rules) {
    this.rules = rules;
  }

  public Reconciliation() {
    this(new GroupingRules(MedicineConcepts.SHIPPED));
  }

  /**
   * One source's released section. Returns the {@code group} event of every group it created or
   * changed, in the order first touched; empty for a section that is not reconciled.
   */
  public List<GroupEvent> accept(String source, Section section, List<JsonObject> released) {
    if (!GroupingRules.RECONCILED.contains(section) || released.isEmpty()) {
      return List.of();
    }
    Set<Group> changed = new LinkedHashSet<>();
    if (section == Section.MEDICATIONS) {
      Map<String, JsonObject> medications = medications(released);
      // Requests first, so a statement in the same batch finds the request it is based on.
      for (JsonObject item : released) {
        if ("MedicationRequest".equals(item.getValue("resourceType"))) {
          place(source, section, item, medications, changed);
        }
      }
      for (JsonObject item : released) {
        if ("MedicationStatement".equals(item.getValue("resourceType"))) {
          place(source, section, item, medications, changed);
        }
      }
    } else {
      released.forEach(item -> place(source, section, item, Map.of(), changed));
    }
    List<GroupEvent> events = new ArrayList<>(changed.size());
    changed.forEach(group -> events.add(group.toEvent()));
    return events;
  }

  /**
   * The Medications released in a section, by {@code Medication/id}; an id used twice is left out (which
   * one would a reference mean?).
   */
  private static Map<String, JsonObject> medications(List<JsonObject> released) {
    Map<String, JsonObject> byReference = null;
    Set<String> twice = null;
    for (JsonObject item : released) {
      String ref = "Medication".equals(item.getValue("resourceType")) ? reference(item) : null;
      if (ref != null) {
        byReference = byReference == null ? new HashMap<>() : byReference;
        if (byReference.putIfAbsent(ref, item) != null) {
          twice = twice == null ? new java.util.HashSet<>() : twice;
          twice.add(ref);
        }
      }
    }
    if (byReference == null) {
      return Map.of();
    }
    if (twice != null) {
      byReference.keySet().removeAll(twice);
    }
    return byReference;
  }

  private void place(String source, Section section, JsonObject item, Map<String, JsonObject> medications, Set<Group> changed) {
    String ref = reference(item);
    if (ref == null) {
      return; // no id: it cannot be pointed at, so it is listed in its section but not grouped
    }
    GroupingRules.Concept concept = rules.conceptOf(section, item, medications::get);
    GroupKey key = rules.keyOf(section, item, concept);
    String display = concept != null ? concept.display() : null;
    if (key == null && section == Section.MEDICATIONS && !item.containsKey("medicationCodeableConcept")
        && !item.containsKey("medicationReference")) {
      // Only a statement that names no medicine at all joins the request it is based on. One that names
      // its own (in text only, an unknown system, a malformed code, two concepts, a Medication not found)
      // is alone: basedOn is the source's word, and a statement can say another medicine than its request.
      key = basedOnKey(source, item);
    }
    if (key == null) {
      key = GroupKey.single(section.wireName(), source, ref);
      display = text(section, item, medications);
    }
    if ("MedicationRequest".equals(item.getValue("resourceType"))) {
      requests.put(source + "\n" + ref, key);
    }
    GroupKey finalKey = key;
    String shown = display;
    Group group = groups.computeIfAbsent(key, k -> new Group(finalKey, section, shown));
    Group.Member member = new Group.Member(source, ref, ItemFacts.date(section, item),
        ItemFacts.lastUpdated(section, item), ItemFacts.of(section, item));
    if (group.add(member, display, concept == null || concept.generic())) {
      changed.add(group);
    }
  }

  /** The key of the same source's MedicationRequest this statement is based on, when there is one. */
  private GroupKey basedOnKey(String source, JsonObject statement) {
    if (!(statement.getValue("basedOn") instanceof JsonArray basedOn)) {
      return null;
    }
    GroupKey found = null;
    for (Object b : basedOn) {
      if (b instanceof JsonObject ref && ref.getValue("reference") instanceof String r) {
        GroupKey key = requests.get(source + "\n" + r);
        if (key != null && found != null && !found.equals(key)) {
          return null; // based on two different medicines
        }
        found = key != null ? key : found;
      }
    }
    return found != null && !found.single() ? found : null;
  }

  /** What PDS says, for the demographic group (see {@link #demographics}). */
  public void comparedWith(Demographics pdsAnswer) {
    this.pds = pdsAnswer;
  }

  /**
   * A source's Patient passed the demographic check with smaller differences: the demographics group's
   * event, listing, for every field the released copy of that Patient records differently, what PDS and
   * each such source say. {@code checked} (the Patient the check compared) is read only for its
   * reference: what is shown comes from the Patient of that reference in {@code released}, the section as
   * it went out, so a name the privacy filter removed is never echoed. Null when that Patient was not
   * released or shows no difference.
   */
  public GroupEvent demographics(String source, JsonObject checked, List<JsonObject> released) {
    String ref = reference(checked);
    if (ref == null || pds == null) {
      return null;
    }
    JsonObject patient = null;
    for (JsonObject item : released) {
      if ("Patient".equals(item.getValue("resourceType")) && ref.equals(reference(item))) {
        patient = item;
        break;
      }
    }
    if (patient == null) {
      return null;
    }
    List<String> fields = DemographicCheck.compare(pds, Demographics.of(patient)).differences();
    if (fields.isEmpty()) {
      return null;
    }
    demographics.put(source, new SourceDemographics(reference(patient), Demographics.of(patient), fields));
    JsonArray members = new JsonArray();
    Map<String, Map<String, List<String>>> said = new LinkedHashMap<>();
    demographics.forEach((id, d) -> {
      members.add(new JsonObject().put("source", id).put("ref", d.ref()));
      for (String field : d.fields()) {
        Map<String, List<String>> values = said.computeIfAbsent(field, f -> {
          Map<String, List<String>> v = new LinkedHashMap<>();
          v.computeIfAbsent(valueOf(pds, f), x -> new ArrayList<>()).add("PDS");
          return v;
        });
        values.computeIfAbsent(valueOf(d.recorded(), field), x -> new ArrayList<>()).add(id);
      }
    });
    JsonArray differences = new JsonArray();
    said.forEach((field, values) -> {
      JsonArray list = new JsonArray();
      values.forEach((value, sources) -> list.add(new JsonObject().put("value", value).put("sources", new JsonArray(sources))));
      differences.add(new JsonObject().put("field", field).put("values", list));
    });
    GroupKey key = new GroupKey(Section.DEMOGRAPHICS.wireName(), "patient", "pds", "");
    JsonObject event = new JsonObject().put("section", Section.DEMOGRAPHICS.wireName()).put("group", key.id())
        .put("summary", new JsonObject().put("display", String.join(" ", pds.given()) + (pds.family() == null ? "" : " " + pds.family()))
            .put("checkedAgainst", "PDS"))
        .put("members", members).put("differences", differences);
    return new GroupEvent(Section.DEMOGRAPHICS.wireName(), key.id(), event.toBuffer());
  }

  private static String valueOf(Demographics d, String field) {
    if (d == null) {
      return "not recorded";
    }
    String value = switch (field) {
      case "given" -> d.given().isEmpty() ? null : String.join(" ", d.given());
      case "family" -> d.family();
      case "birthDate" -> d.birthDate();
      default -> null;
    };
    return value == null ? "not recorded" : value;
  }

  /** Every group so far, per section, as the JSON document's {@code reconciled}. */
  public JsonObject reconciled() {
    JsonObject out = new JsonObject();
    for (Group group : groups.values()) {
      JsonObject json = group.toEvent().toJson();
      String section = json.getString("section");
      if (!out.containsKey(section)) {
        out.put(section, new JsonArray());
      }
      out.getJsonArray(section).add(json);
    }
    return out;
  }

  /** How many groups there are (for tests and the benchmark). */
  public int groupCount() {
    return groups.size();
  }

  static String reference(JsonObject item) {
    return item.getValue("resourceType") instanceof String type && item.getValue("id") instanceof String id && !id.isBlank()
        ? type + "/" + id : null;
  }

  /** An ungrouped item's own words for what it is (shown, never compared). */
  private static String text(Section section, JsonObject item, Map<String, JsonObject> medications) {
    if (section == Section.MEDICATIONS && item.getValue("medicationReference") instanceof JsonObject reference
        && MedicationCodes.codeOf(item, medications::get) == null) {
      return reference.getValue("display") instanceof String d && !d.isBlank() ? bounded(d) : null;
    }
    Object codeable = switch (section) {
      case MEDICATIONS -> MedicationCodes.codeOf(item, medications::get);
      case IMMUNISATIONS -> item.getValue("vaccineCode");
      default -> item.getValue("code");
    };
    if (codeable instanceof JsonObject c) {
      if (c.getValue("text") instanceof String t && !t.isBlank()) {
        return bounded(t);
      }
      if (c.getValue("coding") instanceof JsonArray codings) {
        for (Object coding : codings) {
          if (coding instanceof JsonObject o && o.getValue("display") instanceof String d) {
            return bounded(d);
          }
        }
      }
    }
    return null;
  }

  private static String bounded(String s) {
    return JsonText.cut(s, ItemFacts.MAX_VALUE);
  }
}
