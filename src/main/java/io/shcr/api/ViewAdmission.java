package io.shcr.api;

import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.core.Principal;
import io.shcr.core.SharedTimers;
import io.shcr.ops.ShcrMetrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Admission control for record views ({@code service.yaml} {@code admission}): at most {@code maxViews}
 * views open on this node and {@code maxViewsPerUser} for one user. When the node's places are all taken,
 * a view waits for one in a bounded FIFO queue ({@code admission.queue}: at most {@code maxWaiting} views,
 * each for at most {@code maxWaitMs}) before anything else is done for it: no token check, no Spine
 * lookup, no source call; it holds only its connection and a small waiter. A place given back goes to the
 * head waiter, whose view then runs on its own event loop. A view is refused 503 {@code OVERLOADED} with
 * {@code Retry-After} when the queue is full on its arrival ({@code maxWaiting: 0}: at once, as the node
 * has no queue), when it has waited {@code maxWaitMs}, or when its user is past their cap (checked at
 * once after the token, as a user's excess is theirs to wait for, not the node's). A refusal costs only the
 * token check that says who asked (cached for a token seen before) and its audit record, as for every
 * refusal ({@link Refusals}). A view holds its place until its response ends or its connection closes,
 * whichever comes first.
 *
 * <p>Past capacity a node that keeps taking views makes every view slow (queues behind Spine and the
 * sources, deadlines missed, breakers opened): the cap keeps the admitted views' latency. Refusing the
 * excess at once, though, turns a burst of clients that retry at once into a refusal storm that eats the
 * CPU the admitted views need; a short bounded wait serves a burst a little later and refuses only a
 * sustained overload.
 *
 * <p>A client that closes its connection while waiting leaves the queue at once, and the attempt is
 * audited as {@code CONNECTION_CLOSED} (who asked, for which patient; nothing was fetched), as any
 * record request leaves one audit record.
 */
final class ViewAdmission {

  private static final String TICKET = "shcr.admission";

  private final AdmissionLimits limits;
  private final Refusals refusals;
  private final io.shcr.access.Authenticator authenticator;
  private final BooleanSupplier draining;
  private final AdmissionQueue places;
  private final Map<String, AtomicInteger> openByUser = new ConcurrentHashMap<>();

  ViewAdmission(AdmissionLimits limits, Refusals refusals, io.shcr.access.Authenticator authenticator, BooleanSupplier draining) {
    this.limits = limits;
    this.refusals = refusals;
    this.authenticator = authenticator;
    this.draining = draining;
    this.places = new AdmissionQueue(limits.maxViews(), limits.maxWaiting());
  }

  /** Runs {@code admitted} when the view may go ahead; otherwise refuses it (audited) and never runs it. */
  void admit(RoutingContext ctx, Runnable admitted) {
    Wait wait = new Wait(ctx, admitted);
    switch (places.arrive(wait)) {
      case PLACE -> enter(ctx, admitted);
      case WAITING -> wait.begin();
      case FULL -> refuse(ctx, "queue-full", limits.maxWaiting() == 0
          ? "This node is serving as many record views as it can"
          : "This node is serving as many record views as it can, and as many are waiting as may");
    }
  }

  /** The view holds one of the node's places: its ticket gives it back once; then the token and the user's cap. */
  private void enter(RoutingContext ctx, Runnable admitted) {
    Ticket ticket = new Ticket();
    ctx.put(TICKET, ticket);
    ctx.response().endHandler(v -> ticket.release());
    ctx.response().closeHandler(v -> ticket.release());
    if (ctx.response().closed()) {
      ticket.release(); // closed before its handler was set: the view goes on as for a client gone during the token check
    }
    Authentication.of(ctx, authenticator).onComplete(who -> {
      Principal principal = who.succeeded() ? who.result() : null;
      if (principal != null && principal.userId() != null && !ticket.holdFor(principal.userId())) {
        ticket.release();
        ShcrMetrics.admissionRefused("user-cap");
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

  /** Views open on this node now (holding a place). */
  int open() {
    return places.taken();
  }

  /** Views waiting for a place now. */
  int waiting() {
    return places.waiting();
  }

  private void refuse(RoutingContext ctx, String reason, String why) {
    ShcrMetrics.admissionRefused(reason);
    refusals.refuse(ctx, busy(why));
  }

  private ApiError busy(String why) {
    return ErrorCode.OVERLOADED.error(why + "; nothing was fetched. Try again in a moment.")
        .withHeader("Retry-After", Integer.toString(limits.retryAfterSeconds()));
  }

  /**
   * One view waiting for a place. Its timer, its close handler and its place all act on the request's own
   * context, so {@link #over} needs no lock; whether it still waits or already has a place is the queue's
   * to say ({@link AdmissionQueue#leave}).
   */
  private final class Wait extends AdmissionQueue.Waiter {
    private final RoutingContext ctx;
    private final Runnable admitted;
    /** Set before the wait is queued: another loop may give it a place the moment it is. */
    private final Context context;
    private long since;
    private SharedTimers.Timeout timeout;
    private boolean over;

    Wait(RoutingContext ctx, Runnable admitted) {
      this.ctx = ctx;
      this.admitted = admitted;
      Context current = Vertx.currentContext();
      this.context = current != null ? current : ctx.vertx().getOrCreateContext();
    }

    /** On the request's context, just queued (a place given meanwhile is run after this, on this context). */
    void begin() {
      since = System.nanoTime();
      ShcrMetrics.admissionWaiting(1);
      timeout = SharedTimers.after(ctx.vertx(), limits.maxWaitMs(), this::expired);
      ctx.response().closeHandler(v -> abandoned());
      if (ctx.response().closed()) {
        abandoned(); // closed before its handler was set: it would never be called
      }
    }

    /** Called by whichever loop gave the place back: the view goes on on its own loop. */
    @Override
    protected void granted() {
      context.runOnContext(v -> placed());
    }

    private void placed() {
      if (over) {
        // Cannot happen (a wait that ended left the queue first), but a place must never be kept by nobody.
        places.release();
        return;
      }
      timeout.cancel();
      if (ctx.response().closed()) {
        // The client went away after its place was given, before this ran: the place goes on to the next.
        places.release();
        end("client-gone");
        refusals.refuse(ctx, ErrorCode.CONNECTION_CLOSED.error(
            "The connection closed while the view waited for a place; nothing was fetched."));
        return;
      }
      if (draining.getAsBoolean()) {
        places.release();
        end("shutting-down");
        refusals.refuse(ctx, ShcrServer.shuttingDown());
        return;
      }
      end("admitted");
      enter(ctx, admitted);
    }

    private void expired() {
      if (over || !places.leave(this)) {
        return; // given a place meanwhile: placed() is on its way
      }
      end("waited-too-long");
      refuse(ctx, "waited-too-long", "This node had no place for the view within " + limits.maxWaitMs() + " ms");
    }

    private void abandoned() {
      if (over || !places.leave(this)) {
        return; // given a place meanwhile: placed() sees the connection closed and gives it back
      }
      timeout.cancel();
      end("client-gone");
      refusals.refuse(ctx, ErrorCode.CONNECTION_CLOSED.error(
          "The connection closed while the view waited for a place; nothing was fetched."));
    }

    private void end(String result) {
      over = true;
      ShcrMetrics.admissionWaiting(-1);
      ShcrMetrics.admissionWaited(result, System.nanoTime() - since);
    }
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
        places.release();
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
