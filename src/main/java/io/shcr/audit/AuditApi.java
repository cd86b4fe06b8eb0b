package io.shcr.audit;

import io.shcr.access.AccessRefusedException;
import io.shcr.access.Authenticator;
import io.shcr.access.Principal;
import io.shcr.api.ApiError;
import io.shcr.api.ApiRoutes;
import io.shcr.api.ShcrServer;
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

/**
 * The privacy officer's API (job role R0001 only): search access records, list break-glass and
 * throttling alerts with their acknowledgement, acknowledge one, and export as FHIR AuditEvents.
 * The officer's organisation must be a live participant, and sees only records of its own users
 * unless audit.yaml lists it as region-wide. Looking at the audit is itself audited
 * ({@code audit.search}), before any audit data is sent, and refused attempts are audited too. The
 * request id is always the server's own, never one a client sent.
 */
final class AuditApi implements ApiRoutes {

  static final String PRIVACY_OFFICER = "R0001";
  static final String BASE = "/api/v1/audit";
  private static final String FHIR_JSON = "application/fhir+json";

  private final AuditLog log;
  private final Authenticator authenticator;
  private final Predicate<String> liveParticipant;
  private final Set<String> regionWide;

  AuditApi(AuditLog log, Authenticator authenticator, Predicate<String> liveParticipant, Set<String> regionWide) {
    this.log = log;
    this.authenticator = authenticator;
    this.liveParticipant = liveParticipant;
    this.regionWide = Set.copyOf(regionWide);
  }

  @Override
  public void mount(Router router) {
    router.get(BASE + "/events").handler(this::events);
    router.get(BASE + "/AuditEvent").handler(ctx -> respond(ctx, "audit.search", this::fhirExport));
    router.get(BASE + "/alerts").handler(ctx -> respond(ctx, "audit.search", this::alerts));
    router.post(BASE + "/alerts/:sequence/acknowledge").handler(BodyHandler.create(false).setBodyLimit(8_192)).handler(ctx ->
        respond(ctx, "audit.acknowledge", this::acknowledge));
  }

  private void events(RoutingContext ctx) {
    boolean fhir = "fhir".equals(ctx.request().getParam("_format")) || "json+fhir".equals(ctx.request().getParam("_format"));
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
        .map(page -> new Reply(200, FHIR_JSON, FhirAuditEvents.bundle(page)));
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
        return Future.failedFuture(new AccessRefusedException(new ApiError(404, "NOT_FOUND", "no alert has sequence " + sequence)));
      }
      return log.store().acknowledgements(List.of(sequence)).compose(acks -> acks.isEmpty()
          ? log.acknowledge(sequence, call.principal, call.requestId, note).map(ack -> Reply.json(201, ackJson(ack)))
          : Future.succeededFuture(Reply.json(200, ackJson(acks.get(0)))));
    });
  }

  private static String note(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().length() == 0 ? null : ctx.body().asJsonObject();
      return body == null ? null : body.getString("note");
    } catch (RuntimeException e) {
      throw new AccessRefusedException(ApiError.badRequest("INVALID_PARAMETER", "the body must be JSON such as {\"note\": \"reviewed\"}"));
    }
  }

  private void respond(RoutingContext ctx, String action, Function<Call, Future<Reply>> handler) {
    String requestId = ShcrServer.requestId(ctx);
    authenticator.authenticate(ctx)
        .compose(principal -> {
          if (!PRIVACY_OFFICER.equals(principal.jobRole())) {
            return refuseAudited(ctx, requestId, action, principal,
                ApiError.forbidden("ACCESS_DENIED", "Only a privacy officer (job role R0001) may use the audit API."));
          }
          if (principal.organisation() == null || !liveParticipant.test(principal.organisation())) {
            return refuseAudited(ctx, requestId, action, principal, ApiError.forbidden("NO_ORGANISATION_CONSENT",
                "Organisation " + principal.organisation() + " is not a live participant, so its privacy officers may not use the audit API."));
          }
          return Future.succeededFuture(principal);
        })
        .recover(error -> error instanceof AccessRefusedException refused && refused.error().status() == 401
            ? refuseAudited(ctx, requestId, action, null, refused.error())
            : Future.failedFuture(error))
        .compose(principal -> {
          try {
            return handler.apply(new Call(ctx, requestId, action, principal));
          } catch (RuntimeException e) {
            return Future.failedFuture(e);
          }
        })
        .onSuccess(reply -> ctx.response().setStatusCode(reply.status).putHeader("Content-Type", reply.contentType).end(reply.body.encode()))
        .onFailure(error -> fail(ctx, requestId, error));
  }

  private <T> Future<T> refuseAudited(RoutingContext ctx, String requestId, String action, Principal principal, ApiError error) {
    AccessAudit refused = access(ctx, requestId, action, principal, null, "refused", error.code());
    return log.recordAccess(refused).transform(ignored -> Future.failedFuture(new AccessRefusedException(error)));
  }

  private void fail(RoutingContext ctx, String requestId, Throwable error) {
    ApiError apiError = error instanceof AccessRefusedException refused ? refused.error()
        : error instanceof AuditUnavailableException unavailable ? unavailable.error()
        : new ApiError(500, "INTERNAL_SERVER_ERROR", "The audit API failed; quote the request id to support.");
    if (ctx.response().ended()) {
      return;
    }
    apiError.headers().forEach(ctx.response()::putHeader);
    ctx.response().setStatusCode(apiError.status()).putHeader("Content-Type", FHIR_JSON).end(apiError.toJson(requestId).encode());
  }

  private static AccessAudit access(RoutingContext ctx, String requestId, String action, Principal principal, String patient,
      String outcome, String refusalCode) {
    return new AccessAudit(requestId, Instant.now(), principal, action, patient, "audit", null, List.of(), List.of(),
        outcome, refusalCode, ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress(),
        ctx.request().getHeader("User-Agent"));
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

  /** One authorised call: who, which request; {@link #audited} writes its audit record first. */
  private final class Call {
    final RoutingContext ctx;
    final String requestId;
    final String action;
    final Principal principal;

    Call(RoutingContext ctx, String requestId, String action, Principal principal) {
      this.ctx = ctx;
      this.requestId = requestId;
      this.action = action;
      this.principal = principal;
    }

    /** The query limited to the officer's own organisation's users, unless it is region-wide. */
    AuditQuery scoped(AuditQuery query) {
      return regionWide.contains(principal.organisation()) ? query : query.scopedTo(principal.organisation());
    }

    Future<Void> audited(String patient) {
      return log.recordAccess(access(ctx, requestId, action, principal, patient, "allowed", null)).mapEmpty();
    }
  }

  private record Reply(int status, String contentType, JsonObject body) {
    static Reply json(int status, JsonObject body) {
      return new Reply(status, "application/json", body);
    }
  }
}
