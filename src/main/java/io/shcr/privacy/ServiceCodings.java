package io.shcr.privacy;

import io.shcr.config.Fields;
import io.shcr.privacy.SensitiveDataConfig.CodeSystem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code serviceCodings} part of {@code sensitive-data.yaml}: which fields name the clinic, service,
 * specialty or care setting of a resource, and which code systems are known there. A Coding in such a field
 * in any other system is judged sensitive (fail closed): an unrecognised clinic may be a sexual health clinic.
 *
 * @param fields governed fields by resource type, each a dotted path ({@code context.practiceSetting})
 * @param extensions extension urls whose value is a service coding wherever they appear
 * @param knownSystems short names (under {@code codeSystems}) of the systems known in these fields
 * @param notKnown systems deliberately not known, with why (only named at start-up)
 */
public record ServiceCodings(
    Map<String, List<String>> fields, List<String> extensions, List<String> knownSystems, Map<String, String> notKnown) {

  /**
   * What applies when {@code sensitive-data.yaml} has no {@code serviceCodings}: the same fields as the
   * shipped file and no known system, so every service coding is withheld until an operator says otherwise.
   */
  public static final ServiceCodings DEFAULT = new ServiceCodings(defaultFields(), List.of(), List.of(), Map.of());

  /** The governed fields as {@code Type.path} names, for the start-up log. */
  public List<String> fieldNames() {
    List<String> names = new ArrayList<>();
    fields.forEach((type, paths) -> paths.forEach(path -> names.add(type + "." + path)));
    return names;
  }

  static ServiceCodings read(JsonObject root, Map<String, CodeSystem> systems, List<String> problems) {
    Object value = root.getValue("serviceCodings");
    if (value == null) {
      return DEFAULT;
    }
    String where = "sensitive-data.serviceCodings";
    if (!(value instanceof JsonObject json)) {
      problems.add(where + ": expected a mapping, found " + value);
      return DEFAULT;
    }
    Fields top = new Fields(json, where, problems);
    Map<String, List<String>> fields = fields(top, problems);
    List<String> extensions = top.stringList("extensions", false);
    List<String> known = top.stringList("knownSystems", true);
    for (String name : known) {
      if (!systems.containsKey(name)) {
        top.problem("knownSystems", "unknown code system " + name + " (not under codeSystems)");
      }
    }
    Map<String, String> notKnown = notKnown(json.getValue("notKnown"), where + ".notKnown", systems, known, problems);
    return new ServiceCodings(fields, List.copyOf(extensions), List.copyOf(known), notKnown);
  }

  private static Map<String, List<String>> fields(Fields top, List<String> problems) {
    JsonObject json = top.object("fields");
    if (json.isEmpty()) {
      top.problem("fields", "required mapping of resource types to fields is missing (an empty one would govern nothing)");
      return defaultFields();
    }
    Map<String, List<String>> fields = new LinkedHashMap<>();
    Fields nested = top.nested("fields");
    for (String type : json.fieldNames()) {
      if (type.isEmpty() || !Character.isUpperCase(type.charAt(0))) {
        nested.problem(type, "expected a FHIR resource type");
        continue;
      }
      List<String> paths = nested.stringList(type, true);
      for (String path : paths) {
        if (path.isBlank() || path.startsWith(".") || path.endsWith(".") || path.contains("..") || path.contains(" ")) {
          nested.problem(type, "bad field path '" + path + "' (expected e.g. serviceType or context.practiceSetting)");
        }
      }
      if (paths.isEmpty()) {
        nested.problem(type, "no fields listed");
      }
      fields.put(type, List.copyOf(paths));
    }
    return fields;
  }

  private static Map<String, String> notKnown(Object value, String where, Map<String, CodeSystem> systems,
      List<String> known, List<String> problems) {
    Map<String, String> out = new LinkedHashMap<>();
    if (value == null) {
      return out;
    }
    if (!(value instanceof JsonArray array)) {
      problems.add(where + ": expected a list of {uri, why}, found " + value);
      return out;
    }
    Set<String> knownUris = new LinkedHashSet<>();
    known.stream().map(systems::get).filter(java.util.Objects::nonNull)
        .forEach(system -> system.uris().forEach(uri -> knownUris.add(SensitiveDataConfig.normalizeUri(uri))));
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      Fields entry = new Fields(item instanceof JsonObject o ? o : null, where + "[" + i + "]", problems);
      String uri = entry.requiredString("uri");
      String why = entry.requiredString("why");
      if (uri != null && knownUris.contains(SensitiveDataConfig.normalizeUri(uri))) {
        entry.problem("uri", uri + " is also a known system (knownSystems)");
      }
      if (uri != null && why != null) {
        out.put(uri, why);
      }
    }
    return out;
  }

  private static Map<String, List<String>> defaultFields() {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    fields.put("Encounter", List.of("serviceType", "type"));
    fields.put("EpisodeOfCare", List.of("type"));
    fields.put("DocumentReference", List.of("context.practiceSetting", "context.facilityType", "practiceSetting", "facilityType"));
    fields.put("ServiceRequest", List.of("category", "performerType", "locationCode"));
    fields.put("ReferralRequest", List.of("serviceRequested", "specialty"));
    fields.put("Appointment", List.of("serviceCategory", "serviceType", "specialty"));
    fields.put("Schedule", List.of("serviceCategory", "serviceType", "specialty"));
    fields.put("Slot", List.of("serviceCategory", "serviceType", "specialty"));
    fields.put("HealthcareService", List.of("category", "type", "specialty"));
    fields.put("PractitionerRole", List.of("specialty"));
    fields.put("Location", List.of("type"));
    fields.put("DiagnosticReport", List.of("category"));
    return java.util.Collections.unmodifiableMap(fields);
  }
}
