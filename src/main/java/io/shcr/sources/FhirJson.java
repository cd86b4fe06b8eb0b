package io.shcr.sources;

import io.shcr.fhir.BoundedJson;
import io.shcr.fhir.Bundles;
import io.shcr.fhir.FhirVersions;
import io.shcr.fhir.PatientGuard;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * Reading a source's answer as a FHIR Bundle, trusting nothing in it: the status (a redirect is never
 * followed; a 404 is "not found" only with a Spine code that says so), the declared content type, the
 * JSON itself within {@link BoundedJson}'s limits and this source's resource caps, and that nothing in
 * it names another patient. Whatever fails is a {@link SourceFailure} value with our own wording.
 * Runs on the source's lane, off the event loop; pure (no budgets or flags are touched here).
 */
final class FhirJson {

  private FhirJson() {}

  /**
   * @param bundle the Bundle, or null when the source said it does not hold the patient or the answer failed
   * @param resources every resource of the Bundle's entries
   * @param resourceCount how many resources the Bundle held (-1 when it was not read that far)
   * @param failure why the answer cannot be used, or null
   */
  record Answer(JsonObject bundle, List<JsonObject> resources, int resourceCount, SourceFailure failure, List<String> lossy) {
    static final Answer NOT_FOUND = new Answer(null, List.of(), -1, null);

    Answer(JsonObject bundle, List<JsonObject> resources, int resourceCount, SourceFailure failure) {
      this(bundle, resources, resourceCount, failure, List.of());
    }

    static Answer failed(SourceFailure failure) {
      return new Answer(null, List.of(), -1, failure);
    }

    boolean patientNotFound() {
      return bundle == null && failure == null;
    }
  }

  /** A 2xx searchset or collection Bundle, or a 404 that says the patient is not known; anything else fails. */
  static Answer bundle(SourceHttpResponse response, SourceCall call) {
    return bundle(response, call, false);
  }

  /**
   * As {@link #bundle(SourceHttpResponse, SourceCall)}; with {@code stu3} the answer is read as STU3 and
   * converted to R4 before anything else looks at it (GP Connect), and one that cannot be converted fails.
   */
  static Answer bundle(SourceHttpResponse response, SourceCall call, boolean stu3) {
    SourceConfig source = call.source();
    int status = response.status();
    if (status < 200 || status >= 300) {
      String code = errorCode(response);
      if (status == 404 && code != null && SpineCodes.NOT_FOUND.contains(code)) {
        return Answer.NOT_FOUND;
      }
      return Answer.failed(status >= 300 && status < 400 ? SourceFailure.redirected(status) : SourceFailure.httpStatus(status, code));
    }
    if (!declaredFhirJson(response.contentType())) {
      return Answer.failed(SourceFailure.wrongContentType());
    }
    JsonObject json;
    try {
      json = response.read() != null ? BoundedJson.within(response.read(), source.maxResourcesPerAnswer())
          : BoundedJson.object(response.body(), source.maxResourcesPerAnswer());
    } catch (BoundedJson.Unreadable e) {
      return Answer.failed(SourceFailure.unreadable(e.problem(), source.maxResourcesPerAnswer()));
    }
    List<String> lossy = List.of();
    if (stu3) {
      if (!Bundles.isBundle(json)) {
        return Answer.failed(SourceFailure.notABundle());
      }
      try {
        FhirVersions.Converted converted = FhirVersions.stu3BundleToR4(json);
        json = converted.bundle();
        lossy = converted.lossy();
      } catch (FhirVersions.NotConvertible e) {
        return Answer.failed(SourceFailure.notConvertible());
      }
    }
    if (!Bundles.isBundle(json)) {
      return Answer.failed(SourceFailure.notABundle());
    }
    List<JsonObject> resources = Bundles.resources(json);
    // The requester charges resourceCount against the source's budget before it looks at this failure.
    if (new PatientGuard(call.nhsNumber()).anotherPatientIn(json)) {
      return new Answer(null, List.of(), resources.size(), SourceFailure.anotherPatient());
    }
    return new Answer(json, resources, resources.size(), null, lossy);
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
  private static String errorCode(SourceHttpResponse response) {
    try {
      return SpineCodes.of(BoundedJson.object(response.body(), 0));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
