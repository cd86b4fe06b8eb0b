package io.shcr.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Hides where a restricted (PDS S-flagged) patient can be found, in every resource released for them:
 * every {@code address}, {@code telecom} and {@code position} at any depth, every reference to a
 * {@code Location} (and {@code location} elements), the patient's registered practice
 * ({@code generalPractitioner}, {@code managingOrganization}) and contacts. A Location resource is
 * reduced to its id. What is left to identify the patient is NHS number, name, birth date and gender.
 * Works on a copy; the source's object is never changed.
 */
public final class RestrictedPatientMask implements ResourceTransform {

  public static final RestrictedPatientMask INSTANCE = new RestrictedPatientMask();

  private static final Set<String> ANYWHERE = Set.of("address", "telecom", "position", "location", "origin", "destination");
  private static final Set<String> PATIENT_ONLY = Set.of("generalPractitioner", "managingOrganization", "contact");

  private RestrictedPatientMask() {}

  @Override
  public JsonObject apply(JsonObject resource) {
    if (resource == null) {
      return null;
    }
    String type = resource.getString("resourceType");
    if ("Location".equals(type)) {
      JsonObject stub = new JsonObject().put("resourceType", "Location");
      if (resource.containsKey("id")) {
        stub.put("id", resource.getValue("id"));
      }
      return stub;
    }
    JsonObject copy = resource.copy();
    if ("Patient".equals(type)) {
      PATIENT_ONLY.forEach(copy::remove);
    }
    scrubObject(copy);
    return copy;
  }

  private static void scrubObject(JsonObject object) {
    Iterator<Map.Entry<String, Object>> fields = object.getMap().entrySet().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, Object> field = fields.next();
      Object value = field.getValue();
      if (ANYWHERE.contains(field.getKey()) || isLocationReference(value)) {
        fields.remove();
      } else {
        scrubValue(value);
      }
    }
  }

  private static void scrubValue(Object value) {
    if (value instanceof JsonObject o) {
      scrubObject(o);
    } else if (value instanceof Map<?, ?> m) {
      scrubObject(new JsonObject(castMap(m)));
    } else if (value instanceof JsonArray a) {
      scrubArray(a);
    } else if (value instanceof java.util.List<?> l) {
      scrubArray(new JsonArray(l));
    }
  }

  private static void scrubArray(JsonArray array) {
    Iterator<Object> items = array.getList().iterator();
    while (items.hasNext()) {
      Object item = items.next();
      if (isLocationReference(item)) {
        items.remove();
      } else {
        scrubValue(item);
      }
    }
  }

  private static boolean isLocationReference(Object value) {
    JsonObject o = value instanceof JsonObject j ? j : value instanceof Map<?, ?> m ? new JsonObject(castMap(m)) : null;
    if (o == null) {
      return false;
    }
    Object reference = o.getValue("reference");
    return "Location".equals(o.getValue("type")) || reference instanceof String r && (r.startsWith("Location/") || r.contains("/Location/"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}
