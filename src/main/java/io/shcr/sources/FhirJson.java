package io.shcr.sources;

import io.shcr.fhir.Bundles;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Reading a source's answer as FHIR JSON, turning anything else into a readable {@link SourceFailure}. */
final class FhirJson {

  private FhirJson() {}

  /** The answer's JSON object, or a failure saying why it cannot be used. */
  static JsonObject object(SourceResponse response) {
    try {
      Object parsed = response.body().length() == 0 ? null : io.vertx.core.json.Json.decodeValue(response.body());
      if (parsed instanceof JsonObject json) {
        return json;
      }
    } catch (DecodeException | ClassCastException e) {
      // Falls through to the failure below; the body is never logged (it may be clinical).
    }
    throw new SourceFailure(SourceStatus.ERROR, "answer was not valid FHIR JSON (HTTP " + response.status() + ")");
  }

  /** A searchset or collection Bundle from a 2xx answer. */
  static JsonObject bundle(SourceResponse response) {
    if (response.status() < 200 || response.status() >= 300) {
      throw new SourceFailure(SourceStatus.ERROR, "source answered HTTP " + response.status() + outcomeCode(response));
    }
    JsonObject json = object(response);
    if (!Bundles.isBundle(json)) {
      throw new SourceFailure(SourceStatus.ERROR, "answer was not a FHIR Bundle");
    }
    return json;
  }

  /** " (CODE)" from an OperationOutcome answer's first Spine code, or "" when there is none. */
  static String outcomeCode(SourceResponse response) {
    try {
      JsonObject json = object(response);
      JsonArray issues = json.getJsonArray("issue");
      JsonObject first = issues == null || issues.isEmpty() ? null : issues.getJsonObject(0);
      JsonObject details = first == null ? null : first.getJsonObject("details");
      JsonArray coding = details == null ? null : details.getJsonArray("coding");
      String code = coding == null || coding.isEmpty() ? null : coding.getJsonObject(0).getString("code");
      // A source's text never reaches a client: only a short code-shaped value is echoed.
      return code == null || !code.matches("[A-Za-z0-9_-]{1,40}") ? "" : " (" + code + ")";
    } catch (RuntimeException e) {
      return "";
    }
  }
}
