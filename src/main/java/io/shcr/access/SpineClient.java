package io.shcr.access;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two Spine-like lookups made for every record request: has the patient objected to sharing (a
 * FHIR {@code Consent} search), and is the patient restricted, S-flagged (a PDS-style {@code Patient}
 * read). Each has a whole-call deadline and never fails: an unanswered lookup is the
 * {@code UNAVAILABLE} value, which the gate treats as fail-closed.
 */
public final class SpineClient {

  public static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
  private static final Logger LOG = LoggerFactory.getLogger(SpineClient.class);

  /** What the consent service says about an objection to sharing. */
  public enum Objection { NONE, OBJECTED, UNAVAILABLE }

  /** What PDS says about the patient's sensitivity. */
  public enum Restriction { NONE, RESTRICTED, UNAVAILABLE }

  private final WebClient client;
  private final AccessPolicy.Spine spine;

  public SpineClient(WebClient client, AccessPolicy.Spine spine) {
    this.client = client;
    this.spine = spine;
  }

  public Future<Objection> objection(NhsNumber patient) {
    AccessPolicy.Endpoint consent = spine.consent();
    return get(consent, consent.baseUrl() + "/Consent", "patient.identifier", patient.searchToken())
        .map(response -> response.statusCode() == 200 ? objectionIn(response.bodyAsJsonObject()) : unavailable("consent", response, Objection.UNAVAILABLE))
        .otherwise(e -> failed("consent", e, Objection.UNAVAILABLE));
  }

  public Future<Restriction> restriction(NhsNumber patient) {
    AccessPolicy.Endpoint pds = spine.pds();
    return get(pds, pds.baseUrl() + "/Patient/" + patient.value(), null, null)
        .map(response -> switch (response.statusCode()) {
          case 200 -> restrictionIn(response.bodyAsJsonObject());
          case 404 -> Restriction.NONE;
          default -> unavailable("PDS", response, Restriction.UNAVAILABLE);
        })
        .otherwise(e -> failed("PDS", e, Restriction.UNAVAILABLE));
  }

  private Future<HttpResponse<Buffer>> get(AccessPolicy.Endpoint endpoint, String url, String param, String value) {
    var request = client.getAbs(url).putHeader("Accept", "application/fhir+json").timeout(endpoint.deadlineMs());
    if (param != null) {
      request.addQueryParam(param, value);
    }
    return request.send().timeout(endpoint.deadlineMs(), TimeUnit.MILLISECONDS);
  }

  /** An objection is an active Consent whose provision denies sharing. */
  static Objection objectionIn(JsonObject bundle) {
    if (bundle == null || !"Bundle".equals(bundle.getString("resourceType"))) {
      return Objection.UNAVAILABLE;
    }
    JsonArray entries = bundle.getJsonArray("entry", new JsonArray());
    for (Object entry : entries) {
      JsonObject resource = entry instanceof JsonObject e ? e.getJsonObject("resource") : null;
      if (resource != null && "Consent".equals(resource.getString("resourceType"))
          && "active".equals(resource.getString("status"))
          && "deny".equals(resource.getJsonObject("provision", new JsonObject()).getString("type"))) {
        return Objection.OBJECTED;
      }
    }
    return Objection.NONE;
  }

  /** Restricted when meta.security carries v3-Confidentiality R (restricted) or V (very restricted). */
  static Restriction restrictionIn(JsonObject patient) {
    if (patient == null || !"Patient".equals(patient.getString("resourceType"))) {
      return Restriction.UNAVAILABLE;
    }
    JsonArray security = patient.getJsonObject("meta", new JsonObject()).getJsonArray("security", new JsonArray());
    for (Object label : security) {
      if (label instanceof JsonObject coding && CONFIDENTIALITY.equals(coding.getString("system"))
          && ("R".equals(coding.getString("code")) || "V".equals(coding.getString("code")))) {
        return Restriction.RESTRICTED;
      }
    }
    return Restriction.NONE;
  }

  private static <T> T unavailable(String service, HttpResponse<Buffer> response, T value) {
    LOG.warn("The {} service answered HTTP {}; failing closed", service, response.statusCode());
    return value;
  }

  private static <T> T failed(String service, Throwable e, T value) {
    LOG.warn("The {} service did not answer ({}); failing closed", service, e.getClass().getSimpleName());
    return value;
  }
}
