package io.shcr.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Base64;

/** Small builders for the FHIR R4 JSON the simulated organisations return. */
public final class Fhir {

  public static final String CONTENT_TYPE = "application/fhir+json";
  public static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
  public static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";
  public static final String SPINE_ERROR = "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1";

  private Fhir() {}

  public static JsonObject resource(String type, String id) {
    return new JsonObject().put("resourceType", type).put("id", id);
  }

  public static JsonObject ref(String type, String id) {
    return new JsonObject().put("reference", type + "/" + id);
  }

  /** A logical reference to an organisation by ODS code, with its name. */
  public static JsonObject orgRef(String ods, String name) {
    return new JsonObject()
        .put("identifier", new JsonObject().put("system", ODS).put("value", ods))
        .put("display", name);
  }

  /** Marks a resource confidential at source: {@code meta.security} R (restricted). */
  public static JsonObject restricted(JsonObject resource) {
    return resource.put("meta", new JsonObject().put("security", new JsonArray().add(new JsonObject()
        .put("system", CONFIDENTIALITY).put("code", "R").put("display", "restricted"))));
  }

  public static JsonObject status(String system, String code) {
    return new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("system", system).put("code", code)));
  }

  public static JsonObject clinicalStatus(boolean active) {
    return status("http://terminology.hl7.org/CodeSystem/condition-clinical", active ? "active" : "resolved");
  }

  public static JsonObject period(LocalDate start, LocalDate end) {
    JsonObject period = new JsonObject().put("start", start.toString());
    return end == null ? period : period.put("end", end.toString());
  }

  public static JsonObject encounterClass(String code, String display) {
    return new JsonObject().put("system", "http://terminology.hl7.org/CodeSystem/v3-ActCode")
        .put("code", code).put("display", display);
  }

  public static JsonObject category(String system, String code, String display) {
    return new JsonObject().put("coding", new JsonArray().add(new JsonObject()
        .put("system", system).put("code", code).put("display", display)));
  }

  public static JsonObject quantity(double value, String unit) {
    return new JsonObject().put("value", value).put("unit", unit)
        .put("system", "http://unitsofmeasure.org").put("code", unit);
  }

  /** A plain-text attachment carried inline, as letters are sent between organisations. */
  public static JsonObject textAttachment(String title, String text) {
    return new JsonObject().put("contentType", "text/plain").put("title", title)
        .put("data", Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
  }

  public static JsonArray array(Object... items) {
    JsonArray array = new JsonArray();
    for (Object item : items) {
      array.add(item);
    }
    return array;
  }

  /** An OperationOutcome with one issue; {@code spineCode} adds the Spine error coding when not null. */
  public static JsonObject outcome(String severity, String code, String spineCode, String diagnostics) {
    JsonObject issue = new JsonObject().put("severity", severity).put("code", code);
    if (spineCode != null) {
      issue.put("details", new JsonObject().put("coding", array(new JsonObject()
          .put("system", SPINE_ERROR).put("code", spineCode).put("display", spineCode.replace('_', ' ').toLowerCase()))));
    }
    if (diagnostics != null) {
      issue.put("diagnostics", diagnostics);
    }
    return new JsonObject().put("resourceType", "OperationOutcome").put("issue", array(issue));
  }
}
