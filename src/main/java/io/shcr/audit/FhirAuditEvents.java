package io.shcr.audit;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Exports access records as FHIR R4 AuditEvent resources in the UK Core shape, in a searchset Bundle:
 * type DICOM 110112 Query; break-glass as subtype DICOM 110127 "Emergency Override Started" with
 * purpose v3-ActReason ETREAT (TREAT otherwise); the user as a contained Practitioner (SDS user id)
 * and PractitionerRole (SDS role profile id, job role, ODS organisation); the patient as an entity
 * identified by NHS number; the outcome code from the decision and, for a view, how it ended.
 */
final class FhirAuditEvents {

  private static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
  private static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
  private static final String SDS_USER = "https://fhir.nhs.uk/Id/sds-user-id";
  private static final String SDS_ROLE_PROFILE = "https://fhir.nhs.uk/Id/sds-role-profile-id";
  private static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";
  private static final String JOB_ROLE = "https://fhir.nhs.uk/CodeSystem/UKCore-SDSJobRoleName";

  private FhirAuditEvents() {}

  static JsonObject bundle(AuditPage page) {
    JsonArray entries = new JsonArray();
    for (AuditEntry access : page.entries()) {
      JsonObject event = event(access, page.outcomes().get(access.sequence()));
      entries.add(new JsonObject()
          .put("fullUrl", "urn:uuid:" + UUID.nameUUIDFromBytes(access.hash().getBytes(StandardCharsets.US_ASCII)))
          .put("resource", event)
          .put("search", new JsonObject().put("mode", "match")));
    }
    return new JsonObject().put("resourceType", "Bundle").put("type", "searchset").put("total", page.total()).put("entry", entries);
  }

  static JsonObject event(AuditEntry access, AuditEntry outcome) {
    JsonObject data = access.data();
    boolean breakGlass = AuditRecords.BREAK_GLASS.equals(data.getString("action"));
    boolean tampered = AuditRecords.CLUSTER_INTEGRITY.equals(data.getString("action"));
    JsonObject event = new JsonObject()
        .put("resourceType", "AuditEvent")
        .put("id", String.valueOf(access.sequence()))
        .put("type", tampered ? coding(DICOM, "110113", "Security Alert") : coding(DICOM, "110112", "Query"))
        .put("action", "E")
        .put("recorded", access.time().toString())
        .put("outcome", outcomeCode(data.getString("outcome"), outcome))
        .put("outcomeDesc", outcomeDescription(data, outcome));
    if (breakGlass) {
      event.put("subtype", new JsonArray().add(coding(DICOM, "110127", "Emergency Override Started")));
    }
    boolean emergency = breakGlass || "emergency".equals(data.getString("purpose"));
    event.put("purposeOfEvent", new JsonArray().add(new JsonObject().put("coding", new JsonArray()
        .add(emergency ? coding(ACT_REASON, "ETREAT", "Emergency Treatment") : coding(ACT_REASON, "TREAT", "treatment")))));
    JsonObject principal = data.getJsonObject("principal");
    if (principal != null) {
      event.put("contained", contained(principal));
    }
    event.put("agent", new JsonArray().add(agent(principal, data)));
    event.put("source", new JsonObject()
        .put("observer", new JsonObject().put("display", "shcr shared care record"))
        .put("type", new JsonArray().add(coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server"))));
    if (data.getString("nhsNumber") != null) {
      JsonObject patient = new JsonObject()
          .put("what", new JsonObject().put("identifier", new JsonObject().put("system", NhsNumber.SYSTEM).put("value", data.getString("nhsNumber"))))
          .put("type", coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
          .put("role", coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
      JsonArray details = breakGlassDetails(data);
      if (!details.isEmpty()) {
        patient.put("detail", details);
      }
      event.put("entity", new JsonArray().add(patient));
    }
    return event;
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
   * no legitimate relationship was found or the client left; 8 serious failure: failed, or a view that
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
      case "client-gone", "no-relationship" -> "4";
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
