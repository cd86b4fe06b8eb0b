package io.shcr.sources;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The Spine error and warning codes (GP Connect, NHS FHIR APIs) we ship and may repeat in a status
 * detail. A source's own code is echoed only when it is one of these: anything else it writes, however
 * code-shaped, could be clinical ({@code HIV-POSITIVE-...}) and is never shown.
 */
public final class SpineCodes {

  /** From GP Connect's error handling guidance (see /work/shared/reference/nhs.md). */
  public static final Set<String> KNOWN = Set.of(
      "INVALID_NHS_NUMBER", "INVALID_IDENTIFIER_SYSTEM", "INVALID_PARAMETER", "NO_PATIENT_CONSENT",
      "NO_ORGANISATION_CONSENT", "ACCESS_DENIED", "ACCESS DENIED", "NO_RELATIONSHIP", "PATIENT_NOT_FOUND",
      "NO_RECORD_FOUND", "INTERNAL_SERVER_ERROR", "NOT_IMPLEMENTED", "BAD_REQUEST");

  /** The codes by which a 404 says the source does not hold this patient (not a fault of the source). */
  public static final Set<String> NOT_FOUND = Set.of("PATIENT_NOT_FOUND", "NO_RECORD_FOUND");

  private SpineCodes() {}

  /** The code itself when it is one we ship; otherwise null. */
  public static String known(String code) {
    return code != null && KNOWN.contains(code) ? code : null;
  }

  /** The first issue's first {@code details.coding} code of an OperationOutcome, when it is one we ship. */
  public static String of(JsonObject outcome) {
    if (outcome == null || !"OperationOutcome".equals(outcome.getValue("resourceType"))
        || !(outcome.getValue("issue") instanceof JsonArray issues) || issues.isEmpty()) {
      return null;
    }
    return ofIssue(issues.getValue(0) instanceof JsonObject issue ? issue : null);
  }

  /** An issue's first {@code details.coding} code, when it is one we ship. */
  public static String ofIssue(JsonObject issue) {
    if (issue != null && issue.getValue("details") instanceof JsonObject details
        && details.getValue("coding") instanceof JsonArray coding && !coding.isEmpty()
        && coding.getValue(0) instanceof JsonObject first && first.getValue("code") instanceof String code) {
      return known(code);
    }
    return null;
  }
}
