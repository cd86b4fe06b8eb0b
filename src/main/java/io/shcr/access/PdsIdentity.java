package io.shcr.access;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Whether a PDS Patient is the record of the NHS number asked: its {@code id} is that number and every
 * NHS-number identifier it carries names that number too. PDS answers a read of a superseded number with
 * the current number's record [PDS FHIR API, "superseded"], and anything answering in PDS's place can send
 * anyone's record, so nothing is believed that does not show the number asked.
 */
enum PdsIdentity {
  PROVEN,
  /** The record names another valid NHS number: the number asked superseded, or someone else's record. */
  OTHER_NUMBER,
  /** No id, or one that is no NHS number: not shown to be anyone's record. */
  UNPROVEN;

  static PdsIdentity of(NhsNumber asked, JsonObject patient) {
    if (patient == null || !(patient.getValue("id") instanceof String id)) {
      return UNPROVEN;
    }
    if (!id.equals(asked.value())) {
      return NhsNumber.parse(id).isPresent() ? OTHER_NUMBER : UNPROVEN;
    }
    if (patient.getValue("identifier") instanceof JsonArray identifiers) {
      for (Object item : identifiers) {
        if (item instanceof JsonObject identifier && NhsNumber.isSystem(identifier.getValue("system"))) {
          String value = identifier.getValue("value") instanceof String v ? NhsNumber.compact(v) : null;
          if (!asked.value().equals(value)) {
            return value != null && NhsNumber.parse(value).isPresent() ? OTHER_NUMBER : UNPROVEN;
          }
        }
      }
    } else if (patient.containsKey("identifier")) {
      return UNPROVEN;
    }
    return PROVEN;
  }
}
