package io.shcr.privacy;

import io.shcr.fhir.References;
import io.shcr.fhir.Resources;
import io.shcr.nhs.NhsNumber;
import io.shcr.privacy.ResourceInspector.Inspection;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Makes the copy of a resource that may leave: a deep copy without the free text that can say what the
 * codes hid, at any depth (contained resources and Composition sections included):
 * <ul>
 *   <li>narrative: a {@code text} holding a {@code div} (dropped, not rebuilt);</li>
 *   <li>annotations: every {@code note} element, and every {@code comment} string;</li>
 *   <li>the {@code display} of a Reference to an Organization, Location, HealthcareService or
 *       PractitionerRole, or of a Reference whose target type is unknown ("Preston Sexual Health
 *       Clinic" tells what no code says). Displays of Codings are kept: they say what the code says.</li>
 * </ul>
 * Free text that remains: other strings a source fills in by hand ({@code CodeableConcept.text},
 * names and titles, {@code Dosage.text}, a Practitioner's or Organization's own name) and Attachment
 * content (letters and documents, in {@code data} or at a {@code url}). Attachments are neither read nor
 * filtered: GP Connect's stated national position is that free text is not filtered and that sources
 * keep sensitive documents out of what they share; a letter is withheld only by its coding, labels and
 * links.
 *
 * <p>A Patient is never withheld for a label or a code. Labelled restricted or sensitive (at NHS Spine,
 * R on a Patient is an S-flagged patient) it is released masked to id, meta without labels, NHS number,
 * name, birth date and gender. Any element still carrying a sensitive code, a label or a link to a
 * withheld resource (a gender identity extension, a sexual health clinic as GP) is removed.
 */
final class ReleasedCopy {

  private static final List<String> MASKED_FIELDS = List.of("id", "meta", "identifier", "name", "birthDate", "gender");

  private final ResourceInspector inspector;

  ReleasedCopy(ResourceInspector inspector) {
    this.inspector = inspector;
  }

  /** A deep copy without narrative. */
  JsonObject of(JsonObject resource) {
    return new JsonObject(copyMap(resource.getMap()));
  }

  /** The Patient as it may be released, or null when no safe form of it exists. */
  JsonObject ofPatient(JsonObject patient, Inspection inspection, Predicate<String> blockedReference) {
    JsonObject out = of(inspection.labelled() ? masked(patient) : patient);
    for (String field : new ArrayList<>(out.fieldNames())) {
      if (!"resourceType".equals(field) && !"id".equals(field)) {
        pruneField(out, field, blockedReference);
      }
    }
    Inspection after = inspector.inspect(out, false);
    boolean safe = !after.blocked() && after.references().stream().noneMatch(blockedReference);
    return safe ? out : null;
  }

  private JsonObject masked(JsonObject patient) {
    JsonObject masked = new JsonObject().put("resourceType", "Patient");
    for (String field : MASKED_FIELDS) {
      Object value = patient.getValue(field);
      if (value != null) {
        masked.put(field, value);
      }
    }
    if (masked.getValue("meta") instanceof JsonObject meta) {
      masked.put("meta", meta.copy());
      masked.getJsonObject("meta").remove("security");
      masked.getJsonObject("meta").remove("tag");
    }
    if (masked.getValue("identifier") instanceof JsonArray identifiers) {
      JsonArray nhs = new JsonArray();
      identifiers.forEach(id -> {
        if (id instanceof JsonObject json && NhsNumber.SYSTEM.equals(json.getValue("system"))) {
          nhs.add(json);
        }
      });
      masked.put("identifier", nhs);
    }
    return masked;
  }

  private void pruneField(JsonObject owner, String field, Predicate<String> blockedReference) {
    Object value = owner.getValue(field);
    if ("meta".equals(field) && value instanceof JsonObject meta) {
      pruneField(meta, "security", blockedReference);
      pruneField(meta, "tag", blockedReference);
      return;
    }
    if (value instanceof JsonArray array) {
      array.getList().removeIf(item -> !releasable(item, blockedReference));
      if (array.isEmpty()) {
        owner.remove(field);
      }
    } else if (!releasable(value, blockedReference)) {
      owner.remove(field);
    }
  }

  private boolean releasable(Object element, Predicate<String> blockedReference) {
    Inspection inspection = inspector.inspectTree(element, false);
    return !inspection.blocked() && inspection.references().stream().noneMatch(blockedReference);
  }

  private static final Set<String> REVEALING_DISPLAY_TARGETS =
      Set.of("Organization", "Location", "HealthcareService", "PractitionerRole");

  private static Map<String, Object> copyMap(Map<String, Object> map) {
    Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
    for (Map.Entry<String, Object> entry : map.entrySet()) {
      String key = entry.getKey();
      Object value = entry.getValue();
      if (key != null && dropped(key, value, map)) {
        continue;
      }
      copy.put(key, copyValue(value));
    }
    return copy;
  }

  /** Narrative, annotations, and the display of a revealing Reference ({@link #revealingReference}). */
  private static boolean dropped(String key, Object value, Map<String, Object> owner) {
    return switch (key) {
      case "text" -> isNarrative(value);
      case "note" -> true;
      case "comment" -> value instanceof String;
      case "display" -> revealingReference(owner);
      default -> false;
    };
  }

  /** A Reference (not a Coding) to a place or service, or to a target of unknown type. */
  private static boolean revealingReference(Map<String, Object> map) {
    if (map.containsKey("code") || map.containsKey("system")) {
      return false;
    }
    String type = map.get("reference") instanceof String reference ? References.typeOf(reference) : null;
    if (type == null && map.get("type") instanceof String declared) {
      type = declared.substring(declared.lastIndexOf('/') + 1);
    }
    return type == null || REVEALING_DISPLAY_TARGETS.contains(type);
  }

  @SuppressWarnings("unchecked")
  private static Object copyValue(Object value) {
    if (value instanceof String) {
      return value; // most values: tested first, as a final class is the cheapest test
    }
    if (value instanceof JsonObject object) {
      return new JsonObject(copyMap(object.getMap()));
    }
    if (value instanceof Map<?, ?> map) {
      return new JsonObject(copyMap((Map<String, Object>) map));
    }
    List<?> list = value instanceof JsonArray array ? array.getList() : value instanceof List<?> l ? l : null;
    if (list == null) {
      return value;
    }
    List<Object> copy = new ArrayList<>(list.size());
    for (Object item : list) {
      copy.add(copyValue(item));
    }
    return new JsonArray(copy);
  }

  private static boolean isNarrative(Object value) {
    return (value instanceof JsonObject json && json.containsKey("div")) || (value instanceof Map<?, ?> map && map.containsKey("div"));
  }

  static boolean isPatient(JsonObject resource) {
    return "Patient".equals(Resources.type(resource));
  }
}
