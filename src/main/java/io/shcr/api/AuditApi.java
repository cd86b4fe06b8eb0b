package io.shcr.api;

import io.shcr.audit.AccessAudit;
import io.shcr.audit.AuditEntry;
import io.shcr.audit.AuditLog;
import io.shcr.audit.AuditModule;
import io.shcr.audit.AuditQuery;
import io.shcr.audit.AuditRecords;
import io.shcr.audit.AuditText;
import io.shcr.audit.AuditTrail;
import io.shcr.audit.AuditUnavailableException;
import io.shcr.audit.FhirAuditEvents;
import io.shcr.audit.RequestFacts;
import io.shcr.core.AccessRefusedException;
import io.shcr.access.Authenticator;
import io.shcr.core.Principal;
import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.core.ErrorResponses;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The privacy officer's API (job role R0001 only): search access records, list break-glass and
 * throttling alerts with their acknowledgement, acknowledge one, and export as FHIR AuditEvents.
 * The officer's organisation must be a live participant, and sees only records of its own users
 * unless audit.yaml lists it as region-wide. Every call is audited: looking at the audit
 * ({@code audit.search}) before any audit data is sent, an acknowledgement by the acknowledgement
 * record itself, and every refusal (no token, not an officer, a bad parameter, no such alert, a
 * non-JSON body) before it is sent. Records show break-glass justifications: this API is the one
 * place they can be read. The request id is always the server's own, never one a client sent.
 */
public final class AuditApi implements ApiRoutes {

  static final String PRIVACY_OFFICER = "R0001";
  static final String BASE = "/api/v1/audit";
  private static final String FHIR_JSON = "application/fhir+json";
  private static final String JSON = "application/json";
  /** Longest acknowledgement note kept in the trail. */
  static final int MAX_NOTE = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(AuditApi.class);

  private final AuditLog log;
  private final AuditTrail trail;
  private final Authenticator authenticator;
  private final Predicate<String> liveParticipant;
  private final Set<String> regionWide;

  /**
   * @param log the chain, for searches and acknowledgements
   * @param trail where this API's own access records go (the log, through the unattributed-refusal limit)
   */
  /**
   * The privacy officer's API (job role R0001 of a live participating organisation): search, alerts,
   * acknowledgement, FHIR export, scoped to the officer's organisation unless audit.yaml lists it under
   * {@code privacyOfficers.regionWide}.
   *
   * @param liveParticipant whether an ODS code is a live participant (the access capability's check)
   */
  public static AuditApi of(AuditModule audit, Authenticator authenticator, Predicate<String> liveParticipant) {
    return new AuditApi(audit.log(), audit.trail(), authenticator, liveParticipant, audit.regionWide());
  }

  AuditApi(AuditLog log, AuditTrail trail, Authenticator authenticator, Predicate<String> liveParticipant, Set<String> regionWide) {
    this.log = log;
    this.trail = trail;
    this.authenticator = authenticator;
    this.liveParticipant = liveParticipant;
    this.regionWide = Set.copyOf(regionWide);
  }

  AuditApi(AuditLog log, Authenticator authenticator, Predicate<String> liveParticipant, Set<String> regionWide) {
    this(log, log, authenticator, liveParticipant, regionWide);
  }

  @Override
  public void mount(Router router) {
    router.get(BASE + "/events").produces(JSON).produces(FHIR_JSON).handler(this::events);
    router.get(BASE + "/AuditEvent").produces(FHIR_JSON).produces(JSON).handler(ctx -> respond(ctx, "audit.search", this::fhirExport));
    router.get(BASE + "/alerts").produces(JSON).handler(ctx -> respond(ctx, "audit.search", this::alerts));
    router.post(BASE + "/alerts/:sequence/acknowledge").produces(JSON).handler(BodyHandler.create(false).setBodyLimit(8_192))
        .handler(ctx -> respond(ctx, "audit.acknowledge", this::acknowledge));
  }

  private void events(RoutingContext ctx) {
    String format = ctx.request().getParam("_format");
    boolean fhir = "fhir".equals(format) || "json+fhir".equals(format) || FHIR_JSON.equals(format);
    respond(ctx, "audit.search", fhir ? this::fhirExport : this::search);
  }

  private Future<Reply> search(Call call) {
    AuditQuery query = call.scoped(AuditQueryParams.parse(call.ctx.queryParams(), false));
    return call.audited(query.patient()).compose(v -> log.store().search(query)).map(page -> {
      JsonArray events = new JsonArray();
      page.entries().forEach(entry -> events.add(eventJson(entry, page.outcomes().get(entry.sequence()))));
      return Reply.json(200, pageJson(query, page.total()).put("events", events));
    });
  }

  private Future<Reply> fhirExport(Call call) {
    AuditQuery query = call.scoped(AuditQueryParams.parse(call.ctx.queryParams(), false));
    return call.audited(query.patient()).compose(v -> log.store().search(query))
        .map(page -> new Reply(200, FHIR_JSON, FhirAuditEvents.bundle(page, query, n -> pageUrl(call.ctx, n))));
  }

  /** This search's URL at another page: the same parameters in a stable order, {@code page} replaced. */
  private static String pageUrl(RoutingContext ctx, int page) {
    String scheme = ctx.request().scheme() == null ? "http" : ctx.request().scheme();
    String host = ctx.request().authority() == null ? "localhost" : ctx.request().authority().toString();
    if (!host.matches("[A-Za-z0-9.\\-\\[\\]:]{1,255}")) {
      host = "localhost";
    }
    java.util.StringJoiner query = new java.util.StringJoiner("&");
    for (String name : new java.util.TreeSet<>(ctx.queryParams().names())) {
      if (!"page".equals(name)) {
        for (String value : ctx.queryParams().getAll(name)) {
          query.add(java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8) + "="
              + java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
        }
      }
    }
    query.add("page=" + page);
    return scheme + "://" + host + ctx.request().path() + "?" + query;
  }

  private Future<Reply> alerts(Call call) {
    AuditQuery parsed = AuditQueryParams.parse(call.ctx.queryParams(), true);
    AuditQuery query = call.scoped(AuditQuery.alerts(parsed.page(), parsed.pageSize()));
    return call.audited(null).compose(v -> log.store().search(query)).compose(page -> {
      List<Long> sequences = page.entries().stream().map(AuditEntry::sequence).toList();
      return log.store().acknowledgements(sequences).map(acks -> {
        Map<Long, AuditEntry> ackBy = new HashMap<>();
        acks.forEach(ack -> ackBy.putIfAbsent(ack.refersTo(), ack));
        JsonArray alerts = new JsonArray();
        page.entries().forEach(entry -> alerts.add(alertJson(entry, page.outcomes().get(entry.sequence()), ackBy.get(entry.sequence()))));
        return Reply.json(200, pageJson(query, page.total()).put("alerts", alerts));
      });
    });
  }

  private Future<Reply> acknowledge(Call call) {
    long sequence = AuditQueryParams.sequence(call.ctx.pathParam("sequence"));
    String note = note(call.ctx);
    return log.store().search(call.scoped(AuditQuery.alert(sequence))).compose(found -> {
      if (found.entries().isEmpty()) {
        return Future.failedFuture(new AccessRefusedException(ErrorCode.NOT_FOUND.error("no alert has sequence " + sequence)));
      }
      return log.store().acknowledgements(List.of(sequence)).compose(acks -> acks.isEmpty()
          // The acknowledgement record is this call's audit record.
          ? log.acknowledge(sequence, call.principal, call.requestId, note).map(ack -> {
              call.recorded = true;
              return Reply.json(201, ackJson(ack));
            })
          : call.audited(null).map(v -> Reply.json(200, ackJson(acks.get(0)))));
    });
  }

  /** The optional note: a JSON body {@code {"note": "..."}}, sanitised and bounded before it enters the trail. */
  private static String note(RoutingContext ctx) {
    if (ctx.body().length() == 0) {
      return null;
    }
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith(JSON)) {
      throw new AccessRefusedException(HttpRefusals.unsupportedMediaType());
    }
    try {
      Object note = ctx.body().asJsonObject().getValue("note");
      if (note != null && !(note instanceof String)) {
        throw new IllegalArgumentException("note is not text");
      }
      return AuditText.clean((String) note, MAX_NOTE);
    } catch (RuntimeException e) {
      throw new AccessRefusedException(ErrorCode.INVALID_PARAMETER.error(
          "the body must be JSON such as {\"note\": \"reviewed\"}"));
    }
  }

  private void respond(RoutingContext ctx, String action, Function<Call, Future<Reply>> handler) {
    Call call = new Call(ctx, RequestIntake.requestId(ctx), action);
    Authentication.of(ctx, authenticator)
        .compose(principal -> {
          call.principal = principal;
          if (!PRIVACY_OFFICER.equals(principal.jobRole())) {
            return refused(ErrorCode.ACCESS_DENIED.error("Only a privacy officer (job role R0001) may use the audit API."));
          }
          if (principal.organisation() == null || !liveParticipant.test(principal.organisation())) {
            return refused(ErrorCode.NO_ORGANISATION_CONSENT.error(
                "Organisation " + principal.organisation() + " is not a live participant, so its privacy officers may not use the audit API."));
          }
          try {
            return handler.apply(call);
          } catch (RuntimeException e) {
            return Future.failedFuture(e);
          }
        })
        .onSuccess(reply -> ctx.response().setStatusCode(reply.status).putHeader("Content-Type", reply.contentType).end(reply.body.encode()))
        .onFailure(error -> fail(call, error));
  }

  private static <T> Future<T> refused(ApiError error) {
    return Future.failedFuture(new AccessRefusedException(error));
  }

  /** Sends the refusal or failure, having audited it first unless this call is audited already (or audit is what failed). */
  private void fail(Call call, Throwable error) {
    ApiError apiError;
    if (error instanceof AccessRefusedException refused) {
      apiError = refused.error();
    } else if (error instanceof AuditUnavailableException unavailable) {
      apiError = unavailable.error();
    } else {
      LOG.error("Audit API request {} failed: {}", call.requestId, error.getClass().getName());
      apiError = ErrorCode.INTERNAL_SERVER_ERROR.error("The audit API failed; quote the request id to support.");
    }
    if (call.recorded || error instanceof AuditUnavailableException) {
      ErrorResponses.send(call.ctx.response(), apiError, call.requestId);
      return;
    }
    call.recorded = true;
    String outcome = apiError.status() == 500 ? AccessAudit.FAILED : AccessAudit.REFUSED;
    trail.recordAccess(call.access(null, outcome, apiError)).onComplete(audited -> ErrorResponses.send(call.ctx.response(),
        audited.succeeded() ? apiError : AuditUnavailableException.ERROR, call.requestId));
  }

  private static JsonObject pageJson(AuditQuery query, long total) {
    return new JsonObject().put("page", query.page()).put("pageSize", query.pageSize()).put("total", total);
  }

  static JsonObject eventJson(AuditEntry access, AuditEntry outcome) {
    JsonObject json = new JsonObject()
        .put("sequence", access.sequence())
        .put("recorded", access.time().toString())
        .put("severity", access.severity())
        .put("hash", access.hash())
        .mergeIn(access.data());
    if (outcome != null) {
      json.put("view", outcome.data().copy().put("sequence", outcome.sequence()).put("recorded", outcome.time().toString()));
    }
    return json;
  }

  private static JsonObject alertJson(AuditEntry access, AuditEntry outcome, AuditEntry ack) {
    String action = access.data().getString("action");
    String kind = AuditRecords.BREAK_GLASS.equals(action) || AuditRecords.CLUSTER_INTEGRITY.equals(action) ? action : "throttled";
    return eventJson(access, outcome).put("alert", kind).put("acknowledged", ack != null)
        .put("acknowledgement", ack == null ? null : ackJson(ack));
  }

  private static JsonObject ackJson(AuditEntry ack) {
    return new JsonObject().put("sequence", ack.sequence()).put("recorded", ack.time().toString()).mergeIn(ack.data());
  }

  /** One call: which request, who (once authenticated), and whether it is audited yet. */
  private final class Call {
    final RoutingContext ctx;
    final String requestId;
    final String action;
    Principal principal;
    boolean recorded;

    Call(RoutingContext ctx, String requestId, String action) {
      this.ctx = ctx;
      this.requestId = requestId;
      this.action = action;
    }

    /** The query limited to the officer's own organisation's users, unless it is region-wide. */
    AuditQuery scoped(AuditQuery query) {
      return regionWide.contains(principal.organisation()) ? query : query.scopedTo(principal.organisation());
    }

    /** Writes this call's access record (allowed) before any audit data is read for it. */
    Future<Void> audited(String patient) {
      return trail.recordAccess(access(patient, AccessAudit.ALLOWED, null)).map(receipt -> {
        recorded = true;
        return null;
      });
    }

    AccessAudit access(String patient, String outcome, ApiError refusal) {
      return new AccessAudit(requestId, Instant.now(), principal, action, patient, "audit", null, List.of(), List.of(),
          outcome, refusal == null ? null : refusal.code(),
          ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress(),
          ctx.request().getHeader("User-Agent"))
          .withRequest(RequestFacts.of(ctx.request()).withStatus(refusal == null ? 0 : refusal.status()));
    }
  }

  private record Reply(int status, String contentType, JsonObject body) {
    static Reply json(int status, JsonObject body) {
      return new Reply(status, "application/json", body);
    }
  }
}
