package io.shcr.access;

import io.shcr.fhir.GpRegistration;
import io.shcr.nhs.NhsNumber;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 *
 * <p>Concurrent identical lookups (same patient, same kind) share one call ({@link InFlightCalls}); the
 * answer is not kept once that call ends. Transport, deadline, pool and breaker are each service's
 * {@link SpineService}.
 */
public final class SpineClient {

  public static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
  static final int MAX_CONSENT_PAGES = 10;
  /** v3-ActReason purposes of use the shared care record serves; a deny without a purpose denies every use. */
  static final Set<String> OUR_PURPOSES = Set.of("TREAT", "ETREAT", "CAREMGT");
  private static final Logger LOG = LoggerFactory.getLogger(SpineClient.class);
  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** What the consent service says about an objection to sharing. */
  public enum Objection { NONE, OBJECTED, UNAVAILABLE }

  /** What PDS says about the patient's sensitivity. */
  public enum Restriction { NONE, RESTRICTED, UNAVAILABLE }

  /**
   * PDS's answer: the restriction, the demographics every source's Patient is cross-checked against
   * (null when PDS did not answer with a Patient), and the registered practice, the one GP practice asked
   * ({@link GpRegistration#WITHHELD} for a restricted patient, whatever PDS sent).
   */
  public record PdsAnswer(Restriction restriction, io.shcr.fhir.Demographics demographics, GpRegistration gp) {

    public PdsAnswer {
      if (restriction != Restriction.NONE && gp.kind() != GpRegistration.Kind.WITHHELD
          && gp.kind() != GpRegistration.Kind.SUPERSEDED) {
        // Whatever was read: a restricted (or not surely unrestricted) patient's GP practice is never asked.
        gp = restriction == Restriction.RESTRICTED ? GpRegistration.WITHHELD : GpRegistration.UNKNOWN;
      }
    }

    /** An answer with no word on the registered practice: none for a patient PDS does not hold, else unknown. */
    public PdsAnswer(Restriction restriction, io.shcr.fhir.Demographics demographics) {
      this(restriction, demographics, restriction == Restriction.NONE ? GpRegistration.NONE
          : restriction == Restriction.RESTRICTED ? GpRegistration.WITHHELD : GpRegistration.UNKNOWN);
    }
  }

  /**
   * What a readiness probe found: whether both services answered their {@code /metadata} with 200, and
   * for each a short code-shaped note (never a body or a URL's query).
   */
  public record Probe(boolean answering, Map<String, String> services) {}

  private final AccessPolicy.Spine spine;
  private final SpineService consent;
  private final SpineService pds;
  private final InFlightCalls<String, Objection> objections = new InFlightCalls<>();
  private final InFlightCalls<String, PdsAnswer> restrictions = new InFlightCalls<>();
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
  private final AtomicLong suppressedWarnings = new AtomicLong();

  private SpineClient(AccessPolicy.Spine spine, SpineService consent, SpineService pds) {
    this.spine = spine;
    this.consent = consent;
    this.pds = pds;
  }

  /** A client with its own connections to each service, as {@code access-policy.yaml} sizes them. */
  public static SpineClient create(Vertx vertx, AccessPolicy.Spine spine) {
    return create(vertx, spine, 0);
  }

  /**
   * As above, each service's wait queue covering {@code viewCap} views at once: a view has at most one
   * lookup per service waiting (consent pages are asked one after another; identical lookups share one
   * call), so with a queue of at least the node's admission cap our own queue never fails an admitted
   * view closed. Connections stay as configured (what we ask of Spine at once).
   */
  public static SpineClient create(Vertx vertx, AccessPolicy.Spine configured, int viewCap) {
    AccessPolicy.Spine spine = configured.maxWaitQueue() >= viewCap ? configured
        : new AccessPolicy.Spine(configured.consent(), configured.pds(), configured.maxConnections(), viewCap,
            configured.maxResponseBytes(), configured.breaker(), configured.probeCacheMs(), configured.answerCacheMs());
    return new SpineClient(spine, new SpineService("consent", vertx, spine, spine.consent().deadlineMs()),
        new SpineService("PDS", vertx, spine, spine.pds().deadlineMs()));
  }

  public Future<Objection> objection(NhsNumber patient) {
    return objections.join(patient.value(), () -> {
      AccessPolicy.Endpoint endpoint = spine.consent();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(endpoint.deadlineMs());
      String first = endpoint.baseUrl() + "/Consent?patient.identifier=" + URLEncoder.encode(patient.searchToken(), StandardCharsets.UTF_8);
      return consentPage(endpoint, first, 1, deadline).otherwise(e -> failed(consent, e, Objection.UNAVAILABLE));
    });
  }

  private Future<Objection> consentPage(AccessPolicy.Endpoint endpoint, String url, int page, long deadline) {
    long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (remainingMs <= 0) {
      warn("The consent service did not answer every page in time; failing closed");
      return Future.succeededFuture(Objection.UNAVAILABLE);
    }
    return consent.get(url, remainingMs).compose(response -> {
      if (response.status() != 200) {
        return Future.succeededFuture(unavailable(consent, response, Objection.UNAVAILABLE));
      }
      JsonObject bundle = json(response);
      Objection here = objectionIn(bundle);
      String next = here == Objection.NONE ? nextLink(bundle) : null;
      if (next == null) {
        return Future.succeededFuture(here);
      }
      if (!sameOrigin(endpoint.baseUrl(), next) || page >= MAX_CONSENT_PAGES) {
        warn("The consent search has a next page that is elsewhere or past " + MAX_CONSENT_PAGES + " pages; failing closed");
        return Future.succeededFuture(Objection.UNAVAILABLE);
      }
      return consentPage(endpoint, next, page + 1, deadline);
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
    return pds(patient).map(PdsAnswer::restriction);
  }

  /** The PDS read: the restriction and the demographics, in one call. */
  public Future<PdsAnswer> pds(NhsNumber patient) {
    return restrictions.join(patient.value(), () -> {
      AccessPolicy.Endpoint endpoint = spine.pds();
      return pds.get(endpoint.baseUrl() + "/Patient/" + patient.value(), endpoint.deadlineMs())
          .map(response -> switch (response.status()) {
            case 200 -> pdsAnswerFor(patient, json(response));
            case 404 -> new PdsAnswer(Restriction.NONE, null);
            default -> new PdsAnswer(unavailable(pds, response, Restriction.UNAVAILABLE), null);
          })
          .otherwise(e -> new PdsAnswer(failed(pds, e, Restriction.UNAVAILABLE), null));
    });
  }

  /**
   * PDS's answer to the read of {@code asked}, believed only when it proves to be that patient's record: its
   * {@code id} is the number asked and no NHS-number identifier names another. A record for another number
   * (the number asked superseded, or PDS or something in its place answering for someone else) would set
   * the restriction, the demographics sources are checked against and the practice asked from another
   * person's record, so it fails closed as an unanswered PDS does: restriction unavailable, no demographics,
   * no practice.
   */
  PdsAnswer pdsAnswerFor(NhsNumber asked, JsonObject patient) {
    return switch (PdsIdentity.of(asked, patient)) {
      case PROVEN -> pdsAnswerIn(patient);
      case OTHER_NUMBER -> {
        warn("PDS answered a Patient read with another NHS number's record (the number asked may be superseded); failing closed");
        yield new PdsAnswer(Restriction.UNAVAILABLE, null, GpRegistration.SUPERSEDED);
      }
      case UNPROVEN -> {
        warn("PDS answered a Patient read with a record that does not show the NHS number asked; failing closed");
        yield new PdsAnswer(Restriction.UNAVAILABLE, null);
      }
    };
  }

  /** The answer a PDS Patient gives, once it is known to be the patient asked about. */
  static PdsAnswer pdsAnswerIn(JsonObject patient) {
    Restriction restriction = restrictionIn(patient);
    if (restriction == Restriction.UNAVAILABLE) {
      return new PdsAnswer(restriction, null);
    }
    // A restricted patient's practice is withheld by PDS, and GP Connect is not asked about them at all.
    GpRegistration gp = restriction == Restriction.RESTRICTED ? GpRegistration.WITHHELD
        : GpRegistration.of(patient, java.time.LocalDate.now(java.time.ZoneOffset.UTC));
    return new PdsAnswer(restriction, io.shcr.fhir.Demographics.of(patient), gp);
  }

  /** How long a client refused for an unanswered consent check should wait before trying again. */
  public long consentRetryAfterSeconds() {
    return consent.retryAfterSeconds();
  }

  /**
   * Asks each service's {@code /metadata} (past the breakers, so it sees a recovery before any lookup
   * does), once per distinct base URL, within the services' deadlines.
   */
  public Future<Probe> probe() {
    Future<String> consentNote = probe(consent, spine.consent());
    Future<String> pdsNote = spine.pds().baseUrl().equals(spine.consent().baseUrl()) ? consentNote : probe(pds, spine.pds());
    return Future.join(consentNote, pdsNote).transform(done -> {
      Map<String, String> notes = new LinkedHashMap<>();
      notes.put("consent", consentNote.result());
      notes.put("pds", pdsNote.result());
      boolean answering = "answering".equals(consentNote.result()) && "answering".equals(pdsNote.result());
      return Future.succeededFuture(new Probe(answering, Map.copyOf(notes)));
    });
  }

  private static Future<String> probe(SpineService service, AccessPolicy.Endpoint endpoint) {
    return service.probe(endpoint.baseUrl() + "/metadata", endpoint.deadlineMs())
        .map(answer -> answer.status() == 200 ? "answering" : "answered HTTP " + answer.status())
        .otherwise(e -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
  }

  /** The breaker of each service: {@code closed}, {@code open} or {@code half-open}. */
  public Map<String, String> breakers() {
    return Map.of("consent", consent.breakerState(), "pds", pds.breakerState());
  }

  /** Lookups holding a connection permit right now, both services together (tests: none once all have ended). */
  int permitsInUse() {
    return consent.inUse() + pds.inUse();
  }

  /** Lookups in flight right now, after coalescing. */
  int lookupsInFlight() {
    return objections.size() + restrictions.size();
  }

  public Future<Void> close() {
    return Future.join(consent.close(), pds.close()).mapEmpty();
  }

  private static JsonObject json(SpineService.Answer answer) {
    try {
      return answer.body().length() == 0 ? null : new JsonObject(answer.body());
    } catch (RuntimeException e) {
      return null;
    }
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

  private <T> T unavailable(SpineService service, SpineService.Answer response, T value) {
    warn("The " + service.name() + " service answered HTTP " + response.status() + "; failing closed");
    return value;
  }

  private <T> T failed(SpineService service, Throwable e, T value) {
    if (!(e instanceof SpineService.Failure failure) || failure.spineAtFault()) {
      warn("The " + service.name() + " service did not answer (" + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName())
          + "); failing closed");
    }
    return value;
  }

  /**
   * At most one warning a second: a Spine outage under load fails hundreds of lookups at once, and the
   * log should say so once, with how many it left out.
   */
  private void warn(String message) {
    long now = System.nanoTime();
    long last = lastWarning.get();
    if (now - last < WARN_EVERY_NANOS || !lastWarning.compareAndSet(last, now)) {
      suppressedWarnings.incrementAndGet();
      return;
    }
    long more = suppressedWarnings.getAndSet(0);
    if (more > 0) {
      LOG.warn("{} (and {} more Spine failures in the last second or so)", message, more);
    } else {
      LOG.warn(message);
    }
  }
}
