package io.shcr.api;

import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.core.Principal;
import io.shcr.core.SharedTimers;
import io.shcr.ops.ShcrMetrics;
import io.shcr.ops.ServiceLifecycle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Admission control for record views ({@code service.yaml} {@code admission}): at most {@code maxViews}
 * views open on this node and {@code maxViewsPerUser} for one user (their open and waiting views). A view
 * that finds a place free takes it at once, before its token is checked. When the node's places are all
 * taken, the token is checked first (cached for a token seen before), and then:
 * <ul>
 *   <li>no valid token: the view does not wait, and holds no place; it goes on to be refused 401 by the
 *       access decision (which asks no one: no Spine lookup, no source), audited as any 401;</li>
 *   <li>its user already has {@code maxViewsPerUser} views open or waiting: refused 503 {@code OVERLOADED}
 *       at once (a user's excess is theirs to wait for, not the node's: it never takes a place in the queue);</li>
 *   <li>else it waits for a place in a bounded FIFO queue ({@code admission.queue}: at most {@code maxWaiting}
 *       views, each for at most {@code maxWaitMs}), holding only its connection and a small waiter; no
 *       Spine lookup, no source call. A place given back goes to the head waiter, whose view then runs on its
 *       own event loop. Refused 503 {@code OVERLOADED} with {@code Retry-After} when the queue is full on its
 *       arrival ({@code maxWaiting: 0}: at once, as the node has no queue) or when it has waited {@code maxWaitMs}.</li>
 * </ul>
 * Every refusal here names who asked (when the token says) and the patient, and is audited before it is
 * answered ({@link Refusals}). A view holds its place until its response ends or its connection closes,
 * whichever comes first; a view whose client has gone by the time it would be decided is refused
 * {@code CONNECTION_CLOSED} without asking the access gate (no Spine lookup for nobody).
 *
 * <p>When the node drains ({@link #close}), every waiter is refused {@code SHUTTING_DOWN} and so is every
 * view that arrives after, on every face (the API, FHIR, the viewer); the drain waits until no one waits
 * and no place is taken ({@link #busy}), so each of these refusals is audited before the server closes.
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
final class ViewAdmission implements ServiceLifecycle.Admission {

  private static final String TICKET = "shcr.admission";

  private final AdmissionLimits limits;
  private final Refusals refusals;
  private final io.shcr.access.Authenticator authenticator;
  private final BooleanSupplier draining;
  private final AdmissionQueue places;
  /** Each user's views open or waiting on this node. */
  private final Map<String, Integer> openByUser = new ConcurrentHashMap<>();
  /** Refusals being audited and answered, and drained waiters on their way to be refused. */
  private final AtomicInteger refusing = new AtomicInteger();

  ViewAdmission(AdmissionLimits limits, Refusals refusals, io.shcr.access.Authenticator authenticator, BooleanSupplier draining) {
    this.limits = limits;
    this.refusals = refusals;
    this.authenticator = authenticator;
    this.draining = draining;
    this.places = new AdmissionQueue(limits.maxViews(), limits.maxWaiting());
  }

  /**
   * Runs {@code admitted} when the view may go ahead; otherwise refuses it (audited, naming the patient
   * {@code nhsNumber}) and never runs it. Called on the request's own context.
   */
  void admit(RoutingContext ctx, String nhsNumber, Runnable admitted) {
    if (draining.getAsBoolean()) {
      refuseShuttingDown(ctx, nhsNumber);
      return;
    }
    switch (places.take()) {
      case PLACE -> enter(ctx, nhsNumber, admitted);
      case CLOSED -> refuseShuttingDown(ctx, nhsNumber);
      default -> {
        Context context = requestContext(ctx);
        // Queued on the request's context (where the token check's outcome usually arrives): a place given
        // meanwhile by another loop then runs after the wait has begun.
        who(ctx).onComplete(who -> {
          if (Vertx.currentContext() == context) {
            queue(ctx, context, nhsNumber, who.result(), admitted);
          } else {
            context.runOnContext(v -> queue(ctx, context, nhsNumber, who.result(), admitted));
          }
        });
      }
    }
  }

  /** The view found a place free: its ticket gives it back once; then the token and the user's cap. */
  private void enter(RoutingContext ctx, String nhsNumber, Runnable admitted) {
    Ticket ticket = ticket(ctx, null);
    Authentication.of(ctx, authenticator).onComplete(who -> {
      Principal principal = who.succeeded() ? who.result() : null;
      if (principal != null && principal.userId() != null && !ticket.holdFor(principal.userId())) {
        refuse(ctx, nhsNumber, principal, "user-cap", "You have as many record views open as one user may");
        ticket.release(); // after the refusal is counted: a drain waits for its audit record
        return;
      }
      proceed(ctx, nhsNumber, principal, ticket, admitted);
    });
  }

  /** No place was free, and the token has been checked: wait (if the user may, and there is room), or not. */
  private void queue(RoutingContext ctx, Context context, String nhsNumber, Principal principal, Runnable admitted) {
    if (principal == null) {
      // No valid token: nothing to wait for, as the access decision refuses it 401 asking no one.
      admitted.run();
      return;
    }
    String user = principal.userId();
    if (user != null && !reserve(user)) {
      refuse(ctx, nhsNumber, principal, "user-cap", "You have as many record views open or waiting as one user may");
      return;
    }
    Wait wait = new Wait(ctx, context, nhsNumber, principal, user, admitted);
    switch (places.arrive(wait)) {
      case PLACE -> proceed(ctx, nhsNumber, principal, ticket(ctx, user), admitted);
      case WAITING -> wait.begin();
      case FULL -> {
        unreserve(user);
        refuse(ctx, nhsNumber, principal, "queue-full", limits.maxWaiting() == 0
            ? "This node is serving as many record views as it can"
            : "This node is serving as many record views as it can, and as many are waiting as may");
      }
      case CLOSED -> {
        unreserve(user);
        refuse(ctx, ShcrServer.shuttingDown(), principal, nhsNumber);
      }
    }
  }

  /** Holding a place: the view goes on to the access decision, unless its client has gone already. */
  private void proceed(RoutingContext ctx, String nhsNumber, Principal principal, Ticket ticket, Runnable admitted) {
    if (ctx.response().closed()) {
      // Gone before the decision: ask no one (no Spine lookup) on behalf of a client that will not read it.
      refuse(ctx, clientGone(), principal, nhsNumber);
      ticket.release();
      return;
    }
    admitted.run();
  }

  /** The request's place, given back once when its response ends or its connection closes. */
  private Ticket ticket(RoutingContext ctx, String heldFor) {
    Ticket ticket = new Ticket(heldFor);
    ctx.put(TICKET, ticket);
    ctx.response().endHandler(v -> ticket.release());
    ctx.response().closeHandler(v -> ticket.release());
    if (ctx.response().closed()) {
      ticket.release(); // closed before its handler was set: it would never be called
    }
    return ticket;
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

  /** The node drains: every waiter is refused SHUTTING_DOWN, and so is every view that comes after. */
  @Override
  public void close() {
    places.close();
  }

  /** Views holding a place or waiting for one: the drain waits until there are none. */
  @Override
  public int busy() {
    return places.held() + refusing.get();
  }

  /** Who sent the request, if its token is valid (cached on the request); never fails. */
  private Future<Principal> who(RoutingContext ctx) {
    try {
      return Authentication.of(ctx, authenticator).otherwise((Principal) null);
    } catch (RuntimeException e) {
      return Future.succeededFuture();
    }
  }

  /**
   * The context the request is handled on: a waiter's timer, close handler and place all act on it. Admission
   * runs in the request's handler, so that is the current one; another (a token checked on another thread) would
   * split a waiter over two threads.
   */
  private static Context requestContext(RoutingContext ctx) {
    if (ctx.request() instanceof HttpServerRequestInternal request) {
      return request.context();
    }
    Context current = Vertx.currentContext();
    if (current == null) {
      throw new IllegalStateException("admission outside the request's context");
    }
    return current;
  }

  /**
   * Counts one more view (open or waiting) for this user: false, counting nothing, past their cap. Each
   * count changes inside the map's own atomic step: a count taken to zero and removed on one event loop
   * while the other adds to it would otherwise be lost, and the user could pass their cap.
   */
  private boolean reserve(String user) {
    boolean[] counted = new boolean[1];
    openByUser.compute(user, (u, n) -> {
      int now = n == null ? 0 : n;
      counted[0] = now < limits.maxViewsPerUser();
      return counted[0] ? now + 1 : n;
    });
    return counted[0];
  }

  private void unreserve(String user) {
    if (user != null) {
      openByUser.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
    }
  }

  private void refuse(RoutingContext ctx, String nhsNumber, Principal principal, String reason, String why) {
    ShcrMetrics.admissionRefused(reason);
    refuse(ctx, busy(why, reason), principal, nhsNumber);
  }

  /**
   * Audits and answers a refusal. Until both are done it counts as {@link #busy}, so a drain does not close
   * the server (and the audit store) under it.
   */
  private void refuse(RoutingContext ctx, ApiError error, Principal principal, String nhsNumber) {
    refusing.incrementAndGet();
    refusals.refuse(ctx, error, principal, nhsNumber).onComplete(done -> refusing.decrementAndGet());
  }

  private void refuseShuttingDown(RoutingContext ctx, String nhsNumber) {
    refusing.incrementAndGet();
    who(ctx).onComplete(who -> {
      refuse(ctx, ShcrServer.shuttingDown(), who.result(), nhsNumber);
      refusing.decrementAndGet();
    });
  }

  /**
   * 503 OVERLOADED. A full queue frees up within one wait ({@code maxWaitMs}: each waiter is given a place or
   * refused by then), so its Retry-After is at least that; the others, {@code retryAfterSeconds}.
   */
  private ApiError busy(String why, String reason) {
    long retryAfter = limits.retryAfterSeconds();
    if ("queue-full".equals(reason) && limits.maxWaiting() > 0) {
      retryAfter = Math.max(retryAfter, (limits.maxWaitMs() + 999) / 1000);
    }
    return ErrorCode.OVERLOADED.error(why + "; nothing was fetched. Try again in a moment.")
        .withHeader("Retry-After", Long.toString(retryAfter));
  }

  private static ApiError clientGone() {
    return ErrorCode.CONNECTION_CLOSED.error("The connection closed before the view was decided; nothing was fetched.");
  }

  /**
   * One view waiting for a place, its token checked and counted for its user. Its timer, its close handler,
   * its place and a drain's refusal all act on the request's own context, so {@link #over} needs no lock;
   * whether it still waits or already has a place is the queue's to say ({@link AdmissionQueue#leave}).
   */
  private final class Wait extends AdmissionQueue.Waiter {
    private final RoutingContext ctx;
    /** The request's: another loop may give it a place the moment it is queued. */
    private final Context context;
    private final String nhsNumber;
    private final Principal principal;
    /** The user whose count this view holds (null: none). */
    private final String user;
    private final Runnable admitted;
    private long since;
    private SharedTimers.Timeout timeout;
    private boolean over;

    Wait(RoutingContext ctx, Context context, String nhsNumber, Principal principal, String user, Runnable admitted) {
      this.ctx = ctx;
      this.context = context;
      this.nhsNumber = nhsNumber;
      this.principal = principal;
      this.user = user;
      this.admitted = admitted;
    }

    /** On the request's context, just queued (a place given meanwhile, or a drain's refusal, is run after this, there). */
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

    /** Called by whoever began the drain: the wait is over, refused on its own loop. */
    @Override
    protected void drained() {
      refusing.incrementAndGet(); // now, before the drain next looks: this waiter holds no place any more
      context.runOnContext(v -> {
        shutDown();
        refusing.decrementAndGet();
      });
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
        finish("client-gone", waitedClientGone());
        places.release();
        return;
      }
      if (draining.getAsBoolean()) {
        finish("shutting-down", ShcrServer.shuttingDown());
        places.release();
        return;
      }
      end("admitted");
      proceed(ctx, nhsNumber, principal, ticket(ctx, user), admitted);
    }

    private void shutDown() {
      if (over) {
        return;
      }
      timeout.cancel();
      finish(ctx.response().closed() ? "client-gone" : "shutting-down",
          ctx.response().closed() ? waitedClientGone() : ShcrServer.shuttingDown());
    }

    private void expired() {
      if (over || !places.leave(this)) {
        return; // given a place meanwhile (placed() is on its way), or drained (shutDown() is)
      }
      if (draining.getAsBoolean()) {
        finish("shutting-down", ShcrServer.shuttingDown());
        return;
      }
      end("waited-too-long");
      unreserve(user);
      refuse(ctx, nhsNumber, principal, "waited-too-long",
          "This node had no place for the view within " + limits.maxWaitMs() + " ms");
    }

    private void abandoned() {
      if (over || !places.leave(this)) {
        return; // given a place meanwhile: placed() sees the connection closed and gives it back (or drained)
      }
      timeout.cancel();
      finish("client-gone", waitedClientGone());
    }

    /** The wait is over without a place: the user's count given back, and the refusal audited. */
    private void finish(String result, ApiError refusal) {
      end(result);
      unreserve(user);
      refuse(ctx, refusal, principal, nhsNumber);
    }

    private void end(String result) {
      over = true;
      ShcrMetrics.admissionWaiting(-1);
      ShcrMetrics.admissionWaited(result, System.nanoTime() - since);
    }
  }

  private static ApiError waitedClientGone() {
    return ErrorCode.CONNECTION_CLOSED.error(
        "The connection closed while the view waited for a place; nothing was fetched.");
  }

  /** One admitted view's place: the node's, and its user's once known; given back once. */
  private final class Ticket {
    private final AtomicBoolean released = new AtomicBoolean();
    /** The user whose count this place holds; whoever takes it out gives the count back (once). */
    private final AtomicReference<String> user;

    /** @param heldFor the user whose count this place already holds (a waiter's), or null */
    Ticket(String heldFor) {
      this.user = new AtomicReference<>(heldFor);
    }

    boolean holdFor(String userId) {
      if (!reserve(userId)) {
        return false;
      }
      user.set(userId);
      if (released.get()) {
        // Released while the token was checked (the client went away): give this back too.
        unreserve(user.getAndSet(null));
      }
      return true;
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        places.release();
        unreserve(user.getAndSet(null));
      }
    }
  }
}
