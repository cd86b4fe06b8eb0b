package io.shcr.api.fhir;

import io.shcr.nhs.NhsNumber;
import io.shcr.core.Section;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The CapabilityStatement of {@code /fhir}: only what is implemented. Search-type on every type a
 * section carries, by the patient's NHS number and nothing else; {@code $everything} on Patient;
 * {@code _count}, {@code _offset} and {@code _summary=count}; JSON only; no read, no history, no
 * writes, no includes, no sorting. Built from {@link Section}, so a type added there is declared here.
 */
final class CapabilityStatementDoc {

  /** When this statement last changed (CapabilityStatement.date): change it with what the server declares. */
  static final String DATE = "2026-12-02";

  private CapabilityStatementDoc() {}

  static JsonObject build(String base) {
    JsonArray resources = new JsonArray();
    List<String> types = new ArrayList<>();
    for (Section section : Section.values()) {
      types.addAll(section.resourceTypes());
    }
    types.stream().sorted().forEach(type -> resources.add(resource(type)));
    JsonObject rest = new JsonObject()
        .put("mode", "server")
        .put("documentation", "A read-only view of one patient's shared care record, collated on request from every "
            + "participating organisation and filtered for privacy; nothing is stored. Every request needs a CIS2 bearer "
            + "token, is decided and audited like GET /api/v1/patients/{nhsNumber}/record, and each page re-runs the view.")
        .put("security", new JsonObject()
            .put("service", new JsonArray().add(new JsonObject().put("coding", new JsonArray().add(new JsonObject()
                .put("system", "http://terminology.hl7.org/CodeSystem/restful-security-service").put("code", "OAuth")
                .put("display", "OAuth")))))
            .put("description", "An Authorization: Bearer header with an NHS CIS2 ID token; see docs/api.md, Authentication."))
        .put("resource", resources)
        .put("searchParam", new JsonArray()
            .add(param("_count", "number", "Most matches on one page: 1 to " + FhirQuery.MAX_COUNT + ", default "
                + FhirQuery.DEFAULT_COUNT + "."))
            .add(param("_offset", "number", "Index of the first match on the page (the next link sets it); each page re-runs the view."))
            .add(param("_summary", "token", "Only _summary=count (the number of released matches; never a source's own total).")));
    return new JsonObject()
        .put("resourceType", "CapabilityStatement")
        .put("url", base + "/metadata")
        .put("name", "ShcrFhirServer")
        .put("title", "shcr shared care record: FHIR R4 read-only API")
        .put("status", "active")
        .put("experimental", false)
        .put("date", DATE)
        .put("publisher", "shcr")
        .put("description", "What /fhir serves, and nothing more: anything else is refused with an OperationOutcome.")
        .put("kind", "instance")
        .put("software", new JsonObject().put("name", "shcr"))
        .put("implementation", new JsonObject().put("description", "shcr FHIR API").put("url", base))
        .put("fhirVersion", "4.0.1")
        .put("format", new JsonArray().add("application/fhir+json").add("json"))
        .put("rest", new JsonArray().add(rest));
  }

  private static JsonObject resource(String type) {
    JsonObject resource = new JsonObject()
        .put("type", type)
        .put("interaction", new JsonArray().add(new JsonObject().put("code", "search-type")))
        .put("versioning", "no-version")
        .put("readHistory", false)
        .put("updateCreate", false)
        .put("conditionalCreate", false)
        .put("conditionalRead", "not-supported")
        .put("conditionalUpdate", false)
        .put("conditionalDelete", "not-supported");
    if ("Patient".equals(type)) {
      resource.put("searchParam", new JsonArray().add(param("identifier", "token",
          "Required, exactly one: " + NhsNumber.SYSTEM + "|{nhsNumber}.")));
      resource.put("operation", new JsonArray().add(new JsonObject().put("name", "everything")
          .put("definition", "http://hl7.org/fhir/OperationDefinition/Patient-everything")
          .put("documentation", "GET only, on Patient/{nhsNumber}: everything released to this user, one page at a time "
              + "(_count, _offset); no other parameter is supported.")));
    } else {
      resource.put("searchParam", new JsonArray().add(param("patient", "reference",
          "Required, exactly one, as patient.identifier=" + NhsNumber.SYSTEM + "|{nhsNumber} (or the same with "
              + "patient:identifier); no other form of patient and no other search parameter is supported.")));
    }
    return resource;
  }

  private static JsonObject param(String name, String type, String documentation) {
    return new JsonObject().put("name", name).put("type", type).put("documentation", documentation);
  }
}
