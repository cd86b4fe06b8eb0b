package io.shcr.privacy;

import io.shcr.fhir.Resources;
import io.shcr.nhs.NhsNumber;
import io.shcr.privacy.ResourceInspector.Inspection;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Makes the copy of a resource that may leave: a deep copy without any narrative (a {@code text} holding
 * a {@code div}, at any depth, contained resources and Composition sections included), because free text
 * can say what the codes hid. The narrative is dropped, not rebuilt.
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

  private static Map<String, Object> copyMap(Map<String, Object> map) {
    Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
    for (Map.Entry<String, Object> entry : map.entrySet()) {
      Object value = entry.getValue();
      if ("text".equals(entry.getKey()) && isNarrative(value)) {
        continue;
      }
      copy.put(entry.getKey(), copyValue(value));
    }
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static Object copyValue(Object value) {
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
