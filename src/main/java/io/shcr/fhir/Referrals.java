package io.shcr.fhir;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * GP Connect sends referrals as STU3 {@code ReferralRequest} (CareConnect-GPC-ReferralRequest-1), which
 * HAPI's 30_40 converter cannot convert (it has no ReferralRequest mapping). R4 folded ReferralRequest
 * and ProcedureRequest into ServiceRequest, and the converter does convert ProcedureRequest, so a
 * referral is first rewritten as the ProcedureRequest that says the same: {@code serviceRequested} as
 * {@code code}, {@code type} as {@code category}, {@code recipient} as {@code performer}. A field with no
 * place there is dropped, and what it carried (a code, a reference) makes the conversion lossy, so the
 * referral is withheld rather than shown without it ({@link FhirVersions#stu3BundleToR4}).
 */
final class Referrals {

  /** ReferralRequest fields ProcedureRequest has under the same name and shape. */
  private static final Set<String> SAME = Set.of("resourceType", "id", "meta", "implicitRules", "language", "text",
      "contained", "extension", "modifierExtension", "identifier", "definition", "basedOn", "replaces", "status", "intent",
      "priority", "subject", "context", "occurrenceDateTime", "occurrencePeriod", "authoredOn", "requester", "reasonCode",
      "reasonReference", "supportingInfo", "note", "relevantHistory");

  private Referrals() {}

  static JsonObject asProcedureRequest(JsonObject resource) {
    if (!"ReferralRequest".equals(resource.getValue("resourceType"))) {
      return resource;
    }
    JsonObject out = sameFields(resource, "ProcedureRequest");
    if (resource.getValue("groupIdentifier") instanceof JsonObject group) {
      out.put("requisition", group);
    }
    if (resource.getValue("serviceRequested") instanceof JsonArray services && services.size() == 1) {
      out.put("code", services.getValue(0));
    } else {
      // ProcedureRequest.code is 1..1; a referral naming no single service is its type.
      out.put("code", resource.getValue("type") instanceof JsonObject type ? type : new JsonObject().put("text", "referral"));
    }
    if (resource.getValue("type") instanceof JsonObject type) {
      out.put("category", new JsonArray().add(type));
    }
    if (resource.getValue("recipient") instanceof JsonArray recipients && recipients.size() == 1) {
      out.put("performer", recipients.getValue(0));
    }
    return out;
  }

  /** The simulator's direction: an STU3 ProcedureRequest (from an R4 ServiceRequest) as the ReferralRequest GP Connect sends. */
  static JsonObject asReferralRequest(JsonObject resource) {
    if (!"ProcedureRequest".equals(resource.getValue("resourceType"))) {
      return resource;
    }
    JsonObject out = sameFields(resource, "ReferralRequest");
    if (resource.getValue("requisition") instanceof JsonObject group) {
      out.put("groupIdentifier", group);
    }
    if (resource.getValue("code") instanceof JsonObject code) {
      out.put("serviceRequested", new JsonArray().add(code));
    }
    if (resource.getValue("category") instanceof JsonArray categories && !categories.isEmpty()) {
      out.put("type", categories.getValue(0));
    }
    if (resource.getValue("performer") instanceof JsonObject performer) {
      out.put("recipient", new JsonArray().add(performer));
    }
    return out;
  }

  /** The fields both types have under the same name and shape, as a resource of the other type. */
  private static JsonObject sameFields(JsonObject resource, String type) {
    JsonObject out = new JsonObject();
    resource.forEach(field -> {
      if (SAME.contains(field.getKey())) {
        out.put(field.getKey(), field.getValue());
      }
    });
    return out.put("resourceType", type);
  }
}
