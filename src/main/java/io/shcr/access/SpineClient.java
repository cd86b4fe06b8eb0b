package io.shcr.access;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two Spine-like lookups made for every record request: has the patient objected to sharing (a
 * FHIR {@code Consent} search), and is the patient restricted, S-flagged (a PDS-style {@code Patient}
 * read). Each has a whole-call deadline and never fails: an unanswered lookup is the
 * {@code UNAVAILABLE} value, which the gate treats as fail-closed. The consent search follows the
 * Bundle's {@code next} links (same origin as the configured service only, at most
 * {@value #MAX_CONSENT_PAGES} pages); a page that cannot be had, or a next link elsewhere, is
 * {@code UNAVAILABLE} unless an objection was already found.
 */
public final class SpineClient {

  public static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
  static final int MAX_CONSENT_PAGES = 10;
  /** v3-ActReason purposes of use the shared care record serves; a deny without a purpose denies every use. */
  static final Set<String> OUR_PURPOSES = Set.of("TREAT", "ETREAT", "CAREMGT");
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
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(consent.deadlineMs());
    String first = consent.baseUrl() + "/Consent?patient.identifier=" + URLEncoder.encode(patient.searchToken(), StandardCharsets.UTF_8);
    return consentPage(consent, first, 1, deadline).otherwise(e -> failed("consent", e, Objection.UNAVAILABLE));
  }

  private Future<Objection> consentPage(AccessPolicy.Endpoint consent, String url, int page, long deadline) {
    long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (remainingMs <= 0) {
      LOG.warn("The consent service did not answer every page in time; failing closed");
      return Future.succeededFuture(Objection.UNAVAILABLE);
    }
    return get(new AccessPolicy.Endpoint(consent.baseUrl(), remainingMs), url, null, null).compose(response -> {
      if (response.statusCode() != 200) {
        return Future.succeededFuture(unavailable("consent", response, Objection.UNAVAILABLE));
      }
      JsonObject bundle = response.bodyAsJsonObject();
      Objection here = objectionIn(bundle);
      String next = here == Objection.NONE ? nextLink(bundle) : null;
      if (next == null) {
        return Future.succeededFuture(here);
      }
      if (!sameOrigin(consent.baseUrl(), next) || page >= MAX_CONSENT_PAGES) {
        LOG.warn("The consent search has a next page that is elsewhere or past {} pages; failing closed", MAX_CONSENT_PAGES);
        return Future.succeededFuture(Objection.UNAVAILABLE);
      }
      return consentPage(consent, next, page + 1, deadline);
    });
  }

  private static String nextLink(JsonObject bundle) {
    for (Object link : bundle.getJsonArray("link", new JsonArray())) {
      if (link instanceof JsonObject l && "next".equals(l.getValue("relation")) && l.getValue("url") instanceof String url) {
        return url;
      }
    }
    return null;
  }

  static boolean sameOrigin(String base, String url) {
    try {
      URI a = URI.create(base);
      URI b = URI.create(url);
      return b.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
          && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static int port(URI uri) {
    return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
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

  /**
   * An objection is an active Consent whose provision, or any provision nested in it, denies sharing for
   * the shared care record's purposes (a deny without a purpose denies every purpose).
   */
  static Objection objectionIn(JsonObject bundle) {
    if (bundle == null || !"Bundle".equals(bundle.getString("resourceType"))) {
      return Objection.UNAVAILABLE;
    }
    JsonArray entries = bundle.getJsonArray("entry", new JsonArray());
    for (Object entry : entries) {
      JsonObject resource = entry instanceof JsonObject e ? e.getJsonObject("resource") : null;
      if (resource != null && "Consent".equals(resource.getString("resourceType"))
          && "active".equals(resource.getString("status"))
          && deniesUs(resource.getValue("provision"))) {
        return Objection.OBJECTED;
      }
    }
    return Objection.NONE;
  }

  private static boolean deniesUs(Object provision) {
    if (!(provision instanceof JsonObject p)) {
      return false;
    }
    if ("deny".equals(p.getValue("type")) && forOurPurpose(p.getValue("purpose"))) {
      return true;
    }
    return p.getValue("provision") instanceof JsonArray nested && nested.stream().anyMatch(SpineClient::deniesUs);
  }

  private static boolean forOurPurpose(Object purposes) {
    if (!(purposes instanceof JsonArray list) || list.isEmpty()) {
      return true;
    }
    return list.stream().anyMatch(c -> c instanceof JsonObject coding && OUR_PURPOSES.contains(String.valueOf(coding.getValue("code"))));
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
