package io.shcr.sources;

import io.shcr.fhir.BoundedJson;
import io.shcr.fhir.Bundles;
import io.shcr.fhir.PatientGuard;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * Reading a source's answer as a FHIR Bundle, trusting nothing in it: the status (a redirect is never
 * followed; a 404 is "not found" only with a Spine code that says so), the declared content type, the
 * JSON itself within {@link BoundedJson}'s limits and this source's resource caps, and that nothing in
 * it names another patient. Whatever fails becomes a {@link SourceFailure} with our own wording.
 * Runs on the source's lane, off the event loop.
 */
final class FhirJson {

  private FhirJson() {}

  /**
   * @param bundle the Bundle, or null when the source said it does not hold the patient
   * @param resources every resource of the Bundle's entries
   */
  record Answer(JsonObject bundle, List<JsonObject> resources) {
    static final Answer NOT_FOUND = new Answer(null, List.of());

    boolean patientNotFound() {
      return bundle == null;
    }
  }

  /** A 2xx searchset or collection Bundle, or a 404 that says the patient is not known; anything else fails. */
  static Answer bundle(SourceResponse response, SourceCall call) {
    SourceConfig source = call.source();
    int status = response.status();
    if (status < 200 || status >= 300) {
      String code = errorCode(response);
      if (status == 404 && code != null && SpineCodes.NOT_FOUND.contains(code)) {
        return Answer.NOT_FOUND;
      }
      throw status >= 300 && status < 400 ? SourceFailure.redirected(status) : SourceFailure.httpStatus(status, code);
    }
    if (!declaredFhirJson(response.contentType())) {
      throw SourceFailure.wrongContentType();
    }
    JsonObject json;
    try {
      json = BoundedJson.object(response.body(), source.maxResourcesPerAnswer());
    } catch (BoundedJson.Unreadable e) {
      throw SourceFailure.unreadable(e.problem(), source.maxResourcesPerAnswer());
    }
    if (!Bundles.isBundle(json)) {
      throw SourceFailure.notABundle();
    }
    List<JsonObject> resources = Bundles.resources(json);
    if (!call.scope().chargeResources(resources.size())) {
      throw SourceFailure.overResourceBudget(call.scope().resourceBudget());
    }
    if (new PatientGuard(call.nhsNumber()).anotherPatientIn(json)) {
      call.scope().sawAnotherPatient();
      throw SourceFailure.anotherPatient();
    }
    return new Answer(json, resources);
  }

  /** FHIR JSON media types (R4, and the STU3 one GP Connect systems still send), in UTF-8 if a charset is named. */
  static boolean declaredFhirJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String[] parts = contentType.toLowerCase(Locale.ROOT).split(";");
    String type = parts[0].trim();
    if (!type.equals("application/fhir+json") && !type.equals("application/json") && !type.equals("application/json+fhir")) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].trim();
      if (parameter.startsWith("charset=") && !parameter.substring(8).replace("\"", "").trim().equals("utf-8")) {
        return false;
      }
    }
    return true;
  }

  /** The Spine code of an error answer's OperationOutcome, when it is one we ship; null otherwise. */
  private static String errorCode(SourceResponse response) {
    try {
      return SpineCodes.of(BoundedJson.object(response.body(), 0));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
