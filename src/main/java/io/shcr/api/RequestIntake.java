package io.shcr.api;

import io.shcr.audit.PercentEncoding;
import io.shcr.audit.RequestFacts;
import io.shcr.streaming.ErrorResponses;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * The first handler of every request: gives it the server's own request id (an incoming
 * {@code X-Request-Id} is never trusted), stamps {@code X-Request-Id} and {@code Cache-Control:
 * no-store} on whatever response follows, and takes the {@link RequestFacts} the audit will keep
 * from the raw request, before any route reads its path, query or body. A path or query that is not
 * valid percent-encoding is refused here (400, audited as such) instead of failing deep inside a
 * handler.
 */
final class RequestIntake implements Handler<RoutingContext> {

  private static final String REQUEST_ID = "shcr.requestId";
  private static final String FACTS = "shcr.requestFacts";

  private final Refusals refusals;

  RequestIntake(Refusals refusals) {
    this.refusals = refusals;
  }

  @Override
  public void handle(RoutingContext ctx) {
    requestId(ctx);
    RequestFacts facts = facts(ctx);
    String path = ctx.request().path();
    if (path != null && !PercentEncoding.valid(path)) {
      refusals.refuse(ctx, HttpRefusals.badRequest());
    } else if (facts.queryUnparseable()) {
      refusals.refuse(ctx, HttpRefusals.unparseableQuery());
    } else {
      ctx.next();
    }
  }

  /** This request's id, made (and stamped on the response) on first use. */
  static String requestId(RoutingContext ctx) {
    String id = ctx.get(REQUEST_ID);
    if (id == null) {
      id = UUID.randomUUID().toString();
      ctx.put(REQUEST_ID, id);
      if (!ctx.response().headWritten()) {
        ctx.response().putHeader(ErrorResponses.REQUEST_ID, id).putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
      }
    }
    return id;
  }

  /** The facts taken from the raw request (taken now if this request skipped the intake). */
  static RequestFacts facts(RoutingContext ctx) {
    RequestFacts facts = ctx.get(FACTS);
    if (facts == null) {
      facts = RequestFacts.of(ctx.request());
      ctx.put(FACTS, facts);
    }
    return facts;
  }
}
