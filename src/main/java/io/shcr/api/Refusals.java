package io.shcr.api;

import io.shcr.core.ApiError;
import io.shcr.access.Authenticator;
import io.shcr.core.Principal;
import io.shcr.audit.AccessAudit;
import io.shcr.audit.AuditTrail;
import io.shcr.audit.AuditUnavailableException;
import io.shcr.audit.RequestFacts;
import io.shcr.core.ErrorResponses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every refusal the HTTP layer makes itself (the intake's, and every status the router ends a
 * request with: no route, wrong method, a media type the route does not serve, a body too large, a
 * handler's failure) is audited and then sent in the one error contract. The audit record says who
 * asked when the request carries a valid token, which capability the path belongs to, the patient a
 * patient path names, and the {@link RequestFacts}; nobody-identified refusals are limited by the
 * trail ({@code UnattributedRefusals}). No audit, no answer but 503. Client mistakes are logged as one
 * WARN line with the request id (never the path, which may hold an NHS number), within a budget;
 * our own failures as one ERROR line with the exception's class and where it was thrown, never its
 * message.
 */
final class Refusals {

  private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);

  private final Authenticator authenticator;
  private final AuditTrail audit;
  private final LogBudget warnings = new LogBudget(20);

  Refusals(Authenticator authenticator, AuditTrail audit) {
    this.authenticator = authenticator;
    this.audit = audit;
  }

  /**
   * The failure handler of every route: a handler failed the request ({@code ctx.fail}: a body over
   * the limit is 413, a handler's exception 500, Vert.x's own checks 400). Audited before it is sent.
   */
  void failure(RoutingContext ctx) {
    if (ctx.failure() instanceof HttpClosedException || ctx.response().closed()) {
      // The client went away before its request was complete (a body cut off): its doing, not ours.
      refuse(ctx, HttpRefusals.connectionClosed(), false);
      return;
    }
    if (brokenFraming(ctx.failure())) {
      // The HTTP codec could not read the rest of the request (a malformed chunk size, say), after a route
      // had begun on it: the client's doing, so a 400, never logged as our failure.
      refuse(ctx, HttpRefusals.badRequest(), false);
      return;
    }
    int status = ctx.statusCode();
    if (status < 400) {
      status = ctx.failure() instanceof HttpException http ? http.getStatusCode() : 500;
    }
    refuse(ctx, errorFor(ctx, status, null), false);
  }

  /** Whether the failure was thrown by Netty's HTTP decoder reading the request, not by any code of ours. */
  private static boolean brokenFraming(Throwable failure) {
    if (failure == null || failure.getStackTrace().length == 0) {
      return false;
    }
    return failure.getStackTrace()[0].getClassName().startsWith("io.netty.handler.codec.http.");
  }

  /**
   * The router's error handler for one status: no route matched (404, 405 with Allow, 406, 415), or
   * Vert.x failed the request outside any route. In that last case Vert.x ends the response itself
   * unless the handler has, so the refusal is sent at once and audited behind it (it carries no data).
   */
  void routerError(RoutingContext ctx, int status, Router router) {
    refuse(ctx, errorFor(ctx, status, router), ctx.failure() != null);
  }

  private ApiError errorFor(RoutingContext ctx, int status, Router router) {
    if (status == 405 && router != null) {
      return HttpRefusals.methodNotAllowed(RouteTable.allowedMethods(router, RouteTable.routedPath(ctx)));
    }
    if (status >= 500) {
      failed(ctx, ctx.failure());
      return HttpRefusals.internal();
    }
    return HttpRefusals.forStatus(status);
  }

  private void refuse(RoutingContext ctx, ApiError error, boolean answerFirst) {
    if (answerFirst) {
      RequestIntake.requestId(ctx);
      ErrorResponses.send(ctx.response(), error, RequestIntake.requestId(ctx));
    }
    refuse(ctx, error);
  }

  /** Refuses, saying who asked when the request's token is valid. */
  void refuse(RoutingContext ctx, ApiError error) {
    attribute(ctx).onComplete(who -> refuse(ctx, error, who.result()));
  }

  /** Refuses on behalf of a principal already known (null: nobody could be identified). */
  void refuse(RoutingContext ctx, ApiError error, Principal principal) {
    refuse(ctx, error, principal, null);
  }

  /**
   * Refuses on behalf of a principal already known, for the patient the request names ({@code nhsNumber}, when
   * the caller has read it from a path or query the route table does not know; null: the route table's).
   */
  Future<Void> refuse(RoutingContext ctx, ApiError error, Principal principal, String nhsNumber) {
    String id = RequestIntake.requestId(ctx);
    RequestFacts facts = RequestIntake.facts(ctx).withStatus(error.status());
    HttpServerRequest request = ctx.request();
    String path = RouteTable.routedPath(ctx);
    AccessAudit record = new AccessAudit(id, Instant.now(), principal, RouteTable.action(path),
        nhsNumber != null ? nhsNumber : RouteTable.nhsNumber(path),
        null, null, List.of(), List.of(), error.status() == 500 ? AccessAudit.FAILED : AccessAudit.REFUSED, error.code(),
        request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(), request.getHeader(HttpHeaders.USER_AGENT))
        .withRequest(facts);
    if (error.status() < 500) {
      warn(id, error, facts, path);
    }
    Promise<Void> answered = Promise.promise();
    audit.recordAccess(record).onComplete(audited -> {
      try {
        if (ctx.response().headWritten()) {
          // A handler failed after its answer began (a stream): cut it, so the client knows it is incomplete.
          if (!ctx.response().ended() && !ctx.response().closed()) {
            ctx.response().reset();
          }
          return;
        }
        ErrorResponses.send(ctx.response(), audited.succeeded() ? error : AuditUnavailableException.ERROR, id);
      } finally {
        answered.complete();
      }
    });
    return answered.future();
  }

  /** Who sent the request, if it carries a token that verifies; never fails. */
  private Future<Principal> attribute(RoutingContext ctx) {
    String path = RouteTable.routedPath(ctx);
    if (ctx.request().getHeader(HttpHeaders.AUTHORIZATION) == null || path == null || !path.startsWith("/api/")) {
      return Future.succeededFuture();
    }
    try {
      return Authentication.of(ctx, authenticator).otherwise((Principal) null);
    } catch (RuntimeException e) {
      return Future.succeededFuture();
    }
  }

  private void warn(String id, ApiError error, RequestFacts facts, String path) {
    long suppressed = warnings.take();
    if (suppressed >= 0) {
      LOG.warn("Refused request {}: {} {} ({} {}){}", id, error.status(), error.code(), facts.method(), RouteTable.action(path),
          suppressed > 0 ? " [" + suppressed + " earlier refusals not logged]" : "");
    }
  }

  /** Our fault: one line, with the exception's class and where it was thrown (its message may hold data). */
  private static void failed(RoutingContext ctx, Throwable failure) {
    String where = failure == null ? "" : Arrays.stream(failure.getStackTrace()).limit(3)
        .map(f -> f.getClassName() + "." + f.getMethodName() + ":" + f.getLineNumber()).collect(Collectors.joining(" < "));
    LOG.error("Request {} failed: {} at {}", RequestIntake.requestId(ctx),
        failure == null ? "status " + ctx.statusCode() : failure.getClass().getName(), where);
  }
}
