package io.shcr.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One coded concept as the simulated organisations record it.
 *
 * @param system the code system URI
 * @param code the code
 * @param display the display term
 */
public record Code(String system, String code, String display) {

  public static final String SNOMED = "http://snomed.info/sct";
  public static final String DMD = "https://dmd.nhs.uk";
  public static final String TREATMENT_FUNCTION = "https://fhir.nhs.uk/CodeSystem/NHSDataModelAndDictionary-treatment-function";

  public static Code snomed(String code, String display) {
    return new Code(SNOMED, code, display);
  }

  public static Code dmd(String code, String display) {
    return new Code(DMD, code, display);
  }

  public static Code treatmentFunction(String code, String display) {
    return new Code(TREATMENT_FUNCTION, code, display);
  }

  public JsonObject coding() {
    return new JsonObject().put("system", system).put("code", code).put("display", display);
  }

  /** A CodeableConcept holding this one coding. */
  public JsonObject concept() {
    return new JsonObject().put("coding", new JsonArray().add(coding())).put("text", display);
  }
}
