package io.shcr.api;

import io.shcr.audit.PercentEncoding;
import io.shcr.audit.RequestFacts;
import io.shcr.core.ErrorResponses;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.shcr.core.TraceContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The first handler of every request: gives it its request id (an incoming {@code X-Request-Id} is
 * kept when it is a safe token, {@code [A-Za-z0-9._-]{1,64}}, so a caller can follow its request
 * through our logs and the sources'; anything else is replaced by ours), its W3C trace context
 * ({@link TraceContext}), stamps {@code X-Request-Id} and {@code Cache-Control:
 * no-store} on whatever response follows, and takes the {@link RequestFacts} the audit will keep
 * from the raw request, before any route reads its path, query or body. A path or query that is not
 * valid percent-encoding is refused here (400, audited as such) instead of failing deep inside a
 * handler.
 */
public final class RequestIntake implements Handler<RoutingContext> {

  private static final String REQUEST_ID = "shcr.requestId";
  private static final String FACTS = "shcr.requestFacts";
  private static final String TRACE = "shcr.trace";
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

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
  public static String requestId(RoutingContext ctx) {
    String id = ctx.get(REQUEST_ID);
    if (id == null) {
      String offered = ctx.request().getHeader(ErrorResponses.REQUEST_ID);
      id = offered != null && SAFE_ID.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
      ctx.put(REQUEST_ID, id);
      if (!ctx.response().headWritten()) {
        ctx.response().putHeader(ErrorResponses.REQUEST_ID, id).putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
      }
    }
    return id;
  }

  /** This request's trace context (taken on first use). */
  static TraceContext trace(RoutingContext ctx) {
    TraceContext trace = ctx.get(TRACE);
    if (trace == null) {
      trace = TraceContext.forRequest(ctx.request().getHeader("traceparent"));
      ctx.put(TRACE, trace);
    }
    return trace;
  }

  /** The facts taken from the raw request (taken now if this request skipped the intake). */
  static RequestFacts facts(RoutingContext ctx) {
    RequestFacts facts = ctx.get(FACTS);
    if (facts == null) {
      facts = RequestFacts.of(ctx.request()).withTrace(trace(ctx).traceId());
      ctx.put(FACTS, facts);
    }
    return facts;
  }
}
