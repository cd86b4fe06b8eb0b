package io.shcr.api;

import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.core.Principal;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission control for record views ({@code service.yaml} {@code admission}): at most {@code maxViews}
 * views open on this node and {@code maxViewsPerUser} for one user. A view past either cap is refused
 * 503 {@code OVERLOADED} with {@code Retry-After} before any upstream work: no Spine lookup, no source
 * call, only the token check that says who asked (cached for a token seen before) and the refusal's audit
 * record, as for every refusal ({@link Refusals}). The node's cap is checked before the token is; the user's
 * after. A view holds its place until its response ends or its connection closes, whichever comes first.
 *
 * <p>Past capacity a node that keeps taking views makes every view slow (queues behind Spine and the
 * sources, deadlines missed, breakers opened); refusing the excess at once keeps the admitted views'
 * latency and lets the node recover the moment load drops.
 */
final class ViewAdmission {

  private static final String TICKET = "shcr.admission";

  private final AdmissionLimits limits;
  private final Refusals refusals;
  private final io.shcr.access.Authenticator authenticator;
  private final AtomicInteger open = new AtomicInteger();
  private final Map<String, AtomicInteger> openByUser = new ConcurrentHashMap<>();

  ViewAdmission(AdmissionLimits limits, Refusals refusals, io.shcr.access.Authenticator authenticator) {
    this.limits = limits;
    this.refusals = refusals;
    this.authenticator = authenticator;
  }

  /** Runs {@code admitted} when the view may go ahead; otherwise refuses it (audited) and never runs it. */
  void admit(RoutingContext ctx, Runnable admitted) {
    if (open.incrementAndGet() > limits.maxViews()) {
      open.decrementAndGet();
      refusals.refuse(ctx, busy("This node is serving as many record views as it can"));
      return;
    }
    Ticket ticket = new Ticket();
    ctx.put(TICKET, ticket);
    ctx.response().endHandler(v -> ticket.release());
    ctx.response().closeHandler(v -> ticket.release());
    Authentication.of(ctx, authenticator).onComplete(who -> {
      Principal principal = who.succeeded() ? who.result() : null;
      if (principal != null && principal.userId() != null && !ticket.holdFor(principal.userId())) {
        ticket.release();
        refusals.refuse(ctx, busy("You have as many record views open as one user may"), principal);
        return;
      }
      admitted.run();
    });
  }

  /** Gives back this request's place (a close handler set later than the admission's calls this). */
  static void release(RoutingContext ctx) {
    Ticket ticket = ctx.get(TICKET);
    if (ticket != null) {
      ticket.release();
    }
  }

  /** Views open on this node now. */
  int open() {
    return open.get();
  }

  private ApiError busy(String why) {
    return ErrorCode.OVERLOADED.error(why + "; nothing was fetched. Try again in a moment.")
        .withHeader("Retry-After", Integer.toString(limits.retryAfterSeconds()));
  }

  /** One admitted view's place: the node's, and its user's once known; given back once. */
  private final class Ticket {
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile String user;

    boolean holdFor(String userId) {
      AtomicInteger count = openByUser.computeIfAbsent(userId, u -> new AtomicInteger());
      if (count.incrementAndGet() > limits.maxViewsPerUser()) {
        drop(userId, count);
        return false;
      }
      user = userId;
      if (released.get()) {
        // Released while the token was checked (the client went away): give this back too.
        drop(userId, count);
        user = null;
      }
      return true;
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        open.decrementAndGet();
        String u = user;
        if (u != null) {
          AtomicInteger count = openByUser.get(u);
          if (count != null) {
            drop(u, count);
          }
        }
      }
    }

    private void drop(String userId, AtomicInteger count) {
      if (count.decrementAndGet() <= 0) {
        openByUser.remove(userId, count);
      }
    }
  }
}
