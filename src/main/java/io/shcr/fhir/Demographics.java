package io.shcr.fhir;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What a Patient resource says about who the patient is, as PDS and each source are compared on it
 * (GP Connect's consumer duty to cross-check name, date of birth and gender). Absent values are null
 * (an empty list for given names); nothing is normalised here, the comparison does that.
 *
 * @param family the current name's family name
 * @param given the current name's given names, in order
 * @param birthDate the date of birth as written (yyyy-mm-dd), or null
 * @param gender the administrative gender code, or null
 */
public record Demographics(String family, List<String> given, String birthDate, String gender) {

  public Demographics {
    given = List.copyOf(given);
  }

  /**
   * The demographics of a Patient: its official name, else its usual one, else the first that is not
   * old, nickname or maiden. Null for anything that is not a Patient.
   */
  public static Demographics of(JsonObject patient) {
    if (patient == null || !"Patient".equals(patient.getValue("resourceType"))) {
      return null;
    }
    JsonObject name = currentName(patient.getValue("name") instanceof JsonArray names ? names : new JsonArray());
    List<String> given = new ArrayList<>();
    String family = null;
    if (name != null) {
      family = name.getValue("family") instanceof String f && !f.isBlank() ? f : null;
      if (name.getValue("given") instanceof JsonArray names) {
        for (Object g : names) {
          if (g instanceof String s && !s.isBlank()) {
            given.add(s);
          }
        }
      }
    }
    return new Demographics(family, given,
        patient.getValue("birthDate") instanceof String b && !b.isBlank() ? b : null,
        patient.getValue("gender") instanceof String g && !g.isBlank() ? g : null);
  }

  private static JsonObject currentName(JsonArray names) {
    JsonObject fallback = null;
    for (String wanted : List.of("official", "usual")) {
      for (Object n : names) {
        if (n instanceof JsonObject name && wanted.equals(name.getValue("use"))) {
          return name;
        }
      }
    }
    for (Object n : names) {
      // A name without a use is a current one (List.of(...).contains(null) would throw).
      if (n instanceof JsonObject name
          && !(name.getValue("use") instanceof String use && List.of("old", "nickname", "maiden", "anonymous").contains(use))) {
        fallback = name;
        break;
      }
    }
    return fallback;
  }
}
