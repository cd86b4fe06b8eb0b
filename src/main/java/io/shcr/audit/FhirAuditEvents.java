package io.shcr.audit;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Exports access records as FHIR R4 AuditEvent resources in a searchset Bundle, shaped after IHE Basic
 * Audit Log Patterns (BALP) where they fit and UK Core for the people:
 * <ul>
 *   <li>a record view is a RESTful operation on the patient's record (type {@code rest}): subtype
 *       {@code read} (action R) for {@code /api/v1/patients/{nhs}/record}, {@code search-type} for a
 *       FHIR type search and {@code operation} for {@code $everything} (action E), purpose TREAT, or
 *       ETREAT under a break-glass;</li>
 *   <li>a break-glass is DICOM 110113 Security Alert with subtype 110127 Emergency Override Started and
 *       purpose ETREAT; tampered shared state ({@code cluster-integrity}) is 110113 too;</li>
 *   <li>the privacy officer's own use of the audit is DICOM 110101 Audit Log Used (search: E;
 *       acknowledgement: U), purpose HOPERAT (healthcare operations);</li>
 *   <li>anything else refused at the door (no route, no token) is a RESTful operation without subtype;</li>
 *   <li>the user as a contained Practitioner (SDS user id) and PractitionerRole (SDS role profile id,
 *       job role, ODS organisation); the patient as an entity identified by NHS number; the request id
 *       as BALP's transaction entity ({@code XrequestId}), and the request's W3C trace id beside it (the
 *       access record's {@code request.traceId}), so an event leads to the logs and spans of its request;</li>
 *   <li>outcome 0 success, 4 minor failure (a refusal, a view that showed nothing), 8 serious failure
 *       (our failure), as R4 defines them; the Bundle has {@code self}, {@code first}, {@code previous}
 *       and {@code next} links over the store's pages.</li>
 * </ul>
 */
public final class FhirAuditEvents {

  private static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
  private static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
  private static final String SDS_USER = "https://fhir.nhs.uk/Id/sds-user-id";
  private static final String SDS_ROLE_PROFILE = "https://fhir.nhs.uk/Id/sds-role-profile-id";
  private static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";
  private static final String JOB_ROLE = "https://fhir.nhs.uk/CodeSystem/UKCore-SDSJobRoleName";
  private static final String EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
  private static final String RESTFUL = "http://hl7.org/fhir/restful-interaction";
  private static final String BALP_ENTITY = "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";
  private static final String REQUEST_ID_SYSTEM = "https://shcr.nhs.uk/Id/request-id";
  private static final String TRACE_ID_SYSTEM = "https://www.w3.org/TR/trace-context/";
  /** Where an access record carries its request's W3C trace id, under {@code request}. */
  static final String TRACE_ID = "traceId";

  private FhirAuditEvents() {}

  /**
   * @param pageUrl the URL of a page of this search (pages number from 1)
   */
  public static JsonObject bundle(AuditPage page, AuditQuery query, java.util.function.IntFunction<String> pageUrl) {
    JsonArray links = new JsonArray().add(link("self", pageUrl.apply(query.page())));
    if (query.page() > 1) {
      links.add(link("first", pageUrl.apply(1)));
      links.add(link("previous", pageUrl.apply(query.page() - 1)));
    }
    if ((long) query.page() * query.pageSize() < page.total()) {
      links.add(link("next", pageUrl.apply(query.page() + 1)));
    }
    return bundle(page).put("link", links);
  }

  private static JsonObject link(String relation, String url) {
    return new JsonObject().put("relation", relation).put("url", url);
  }

  static JsonObject bundle(AuditPage page) {
    JsonArray entries = new JsonArray();
    for (AuditEntry access : page.entries()) {
      JsonObject event = event(access, page.outcomes().get(access.sequence()));
      entries.add(new JsonObject()
          .put("fullUrl", "urn:uuid:" + UUID.nameUUIDFromBytes(access.hash().getBytes(StandardCharsets.US_ASCII)))
          .put("resource", event)
          .put("search", new JsonObject().put("mode", "match")));
    }
    JsonObject bundle = new JsonObject().put("resourceType", "Bundle").put("type", "searchset").put("total", page.total());
    return entries.isEmpty() ? bundle : bundle.put("entry", entries);
  }

  static JsonObject event(AuditEntry access, AuditEntry outcome) {
    JsonObject data = access.data();
    String action = String.valueOf(data.getString("action"));
    boolean breakGlass = AuditRecords.BREAK_GLASS.equals(action);
    boolean tampered = AuditRecords.CLUSTER_INTEGRITY.equals(action);
    boolean auditUse = action.startsWith("audit.");
    JsonObject event = new JsonObject()
        .put("resourceType", "AuditEvent")
        .put("id", String.valueOf(access.sequence()));
    if (breakGlass || tampered) {
      event.put("type", coding(DICOM, "110113", "Security Alert"));
      if (breakGlass) {
        event.put("subtype", new JsonArray().add(coding(DICOM, "110127", "Emergency Override Started")));
      }
      event.put("action", "E");
    } else if (auditUse) {
      event.put("type", coding(DICOM, "110101", "Audit Log Used"));
      boolean acknowledge = "audit.acknowledge".equals(action);
      event.put("subtype", new JsonArray().add(acknowledge ? coding(RESTFUL, "update", "update") : coding(RESTFUL, "search-type", "search-type")));
      event.put("action", acknowledge ? "U" : "E");
    } else {
      event.put("type", coding(EVENT_TYPE, "rest", "RESTful Operation"));
      String interaction = "record.view".equals(action) ? recordInteraction(data) : null;
      if (interaction != null) {
        event.put("subtype", new JsonArray().add(coding(RESTFUL, interaction, interaction)));
      }
      event.put("action", "read".equals(interaction) ? "R" : "E");
    }
    event.put("recorded", access.time().toString())
        .put("outcome", outcomeCode(data.getString("outcome"), outcome))
        .put("outcomeDesc", outcomeDescription(data, outcome));
    JsonObject purpose = purpose(data, breakGlass, auditUse);
    if (purpose != null) {
      event.put("purposeOfEvent", new JsonArray().add(new JsonObject().put("coding", new JsonArray().add(purpose))));
    }
    JsonObject principal = data.getJsonObject("principal");
    if (principal != null) {
      event.put("contained", contained(principal));
    }
    event.put("agent", new JsonArray().add(agent(principal, data)));
    event.put("source", new JsonObject()
        .put("observer", new JsonObject().put("display", "shcr shared care record"))
        .put("type", new JsonArray().add(coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server"))));
    JsonArray entities = new JsonArray();
    if (data.getString("nhsNumber") != null) {
      JsonObject patient = new JsonObject()
          .put("what", new JsonObject().put("identifier", new JsonObject().put("system", NhsNumber.SYSTEM).put("value", data.getString("nhsNumber"))))
          .put("type", coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
          .put("role", coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
      JsonArray details = breakGlassDetails(data);
      if (!details.isEmpty()) {
        patient.put("detail", details);
      }
      entities.add(patient);
    }
    if (data.getString("requestId") != null) {
      entities.add(transaction(REQUEST_ID_SYSTEM, data.getString("requestId")));
    }
    String traceId = traceId(data);
    if (traceId != null) {
      entities.add(transaction(TRACE_ID_SYSTEM, traceId));
    }
    if (!entities.isEmpty()) {
      event.put("entity", entities);
    }
    return event;
  }

  private static String traceId(JsonObject data) {
    Object request = data.getValue("request");
    Object traceId = request instanceof JsonObject facts ? facts.getValue(TRACE_ID) : null;
    return traceId instanceof String id ? id : null;
  }

  /** BALP's transaction entity: an id that ties this event to its request (its request id, its trace id). */
  private static JsonObject transaction(String system, String value) {
    return new JsonObject()
        .put("what", new JsonObject().put("identifier", identifier(system, value)))
        .put("type", coding(BALP_ENTITY, "XrequestId", "X-Request-Id"));
  }

  /** The RESTful interaction a record view was, from the path it came in on: read, search-type or operation. */
  private static String recordInteraction(JsonObject data) {
    String path = data.getJsonObject("request") == null ? null : data.getJsonObject("request").getString("path");
    if (path == null || !path.startsWith("/fhir/")) {
      return "read";
    }
    return path.contains("$everything") || path.contains("%24everything") ? "operation" : "search-type";
  }

  /** Treatment (emergency under a break-glass) for records, healthcare operations for the audit's own use, else none. */
  private static JsonObject purpose(JsonObject data, boolean breakGlass, boolean auditUse) {
    if (breakGlass || "emergency".equals(data.getString("purpose"))) {
      return coding(ACT_REASON, "ETREAT", "Emergency Treatment");
    }
    if (auditUse) {
      return coding(ACT_REASON, "HOPERAT", "healthcare operations");
    }
    return "record.view".equals(data.getString("action")) ? coding(ACT_REASON, "TREAT", "treatment") : null;
  }

  /**
   * The break-glass reason code and the user's own justification, as entity details: this export is
   * served to privacy officers only, and the justification is what their review needs.
   */
  private static JsonArray breakGlassDetails(JsonObject data) {
    JsonArray details = new JsonArray();
    if (data.getString("breakGlassReason") != null) {
      details.add(new JsonObject().put("type", "break-glass-reason").put("valueString", data.getString("breakGlassReason")));
    }
    if (data.getString("justification") != null) {
      details.add(new JsonObject().put("type", "break-glass-justification").put("valueString", data.getString("justification")));
    }
    return details;
  }

  private static JsonArray contained(JsonObject principal) {
    JsonObject practitioner = new JsonObject().put("resourceType", "Practitioner").put("id", "user")
        .put("identifier", new JsonArray().add(identifier(SDS_USER, principal.getString("userId"))));
    if (principal.getString("name") != null) {
      practitioner.put("name", new JsonArray().add(new JsonObject().put("text", principal.getString("name"))));
    }
    JsonObject role = new JsonObject().put("resourceType", "PractitionerRole").put("id", "role")
        .put("identifier", new JsonArray().add(identifier(SDS_ROLE_PROFILE, principal.getString("roleProfileId"))))
        .put("practitioner", new JsonObject().put("reference", "#user"))
        .put("organization", new JsonObject().put("identifier", identifier(ODS, principal.getString("organisation"))))
        .put("code", new JsonArray().add(new JsonObject().put("coding", new JsonArray().add(coding(JOB_ROLE, principal.getString("jobRole"), null)))));
    return new JsonArray().add(practitioner).add(role);
  }

  private static JsonObject agent(JsonObject principal, JsonObject data) {
    JsonObject agent = new JsonObject()
        .put("type", new JsonObject().put("coding", new JsonArray()
            .add(coding("http://terminology.hl7.org/CodeSystem/extra-security-role-type", "humanuser", "human user"))))
        .put("requestor", true);
    if (principal != null) {
      agent.put("who", new JsonObject().put("reference", "#role")
              .put("identifier", identifier(SDS_ROLE_PROFILE, principal.getString("roleProfileId"))))
          .put("altId", principal.getString("userId"))
          .put("name", principal.getString("name"))
          .put("role", new JsonArray().add(new JsonObject().put("coding", new JsonArray().add(coding(JOB_ROLE, principal.getString("jobRole"), null)))));
    }
    if (data.getString("clientAddress") != null) {
      agent.put("network", new JsonObject().put("address", data.getString("clientAddress")).put("type", "2"));
    }
    return agent;
  }

  /**
   * 0 success; 4 minor failure: refused, or a view that ended without the record being shown because
   * no legitimate relationship was found or the client left or could not keep up with the stream; 8 serious failure: failed, or a view that
   * errored or could not check the relationship (a service failure), or tampered shared state that was
   * ignored (a {@code cluster-integrity} alert). An ending we do not know is not reported as success, nor
   * is a conditional access whose view outcome is missing.
   */
  private static String outcomeCode(String decision, AuditEntry outcome) {
    if (AccessAudit.REFUSED.equals(decision)) {
      return "4";
    }
    if (AccessAudit.FAILED.equals(decision) || "ignored".equals(decision)) {
      return "8";
    }
    String ended = outcome == null ? null : outcome.data().getString("outcome");
    if (ended == null) {
      return AccessAudit.CONDITIONAL.equals(decision) ? "4" : "0";
    }
    return switch (ended) {
      case "complete" -> "0";
      // "no-relationship" and "relationship-unavailable": how trails written before outcomes said refused
      case "client-gone", "client-too-slow", "no-relationship" -> "4";
      case ViewOutcome.REFUSED -> "RELATIONSHIP_UNAVAILABLE".equals(outcome.data().getString("refusalCode")) ? "8" : "4";
      default -> "8";
    };
  }

  private static String outcomeDescription(JsonObject data, AuditEntry outcome) {
    StringBuilder text = new StringBuilder(String.valueOf(data.getString("outcome")));
    if (data.getString("refusalCode") != null) {
      text.append(": ").append(data.getString("refusalCode"));
    }
    JsonObject summary = data.getJsonObject("summary");
    if (summary != null) {
      text.append("; ").append(summary.getLong("count")).append(" such requests without a valid token from ")
          .append(summary.getInteger("distinctClients")).append(" addresses, ").append(summary.getString("from"))
          .append(" to ").append(summary.getString("to"));
    }
    if (outcome != null) {
      JsonObject ended = outcome.data();
      text.append("; view ").append(ended.getString("outcome"));
      if (ended.getString("refusalCode") != null) {
        text.append(": ").append(ended.getString("refusalCode"));
      }
      text
          .append(", ").append(ended.getInteger("resourcesDelivered")).append(" resources delivered, ")
          .append(ended.getInteger("resourcesWithheld")).append(" withheld");
    }
    return text.toString();
  }

  private static JsonObject identifier(String system, String value) {
    return new JsonObject().put("system", system).put("value", value);
  }

  private static JsonObject coding(String system, String code, String display) {
    JsonObject coding = new JsonObject().put("system", system).put("code", code);
    return display == null ? coding : coding.put("display", display);
  }
}
