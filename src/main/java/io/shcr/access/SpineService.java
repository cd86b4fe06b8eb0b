package io.shcr.access;

import io.shcr.core.SharedTimers;
import io.shcr.sources.ConcurrencyLimit;
import io.shcr.tls.HandshakeFailures;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Spine service (consent or PDS) over HTTP, built so that no interleaving of timeouts, late
 * answers, resets and broken bodies can leave a connection unusable:
 *
 * <ul>
 *   <li><b>One timeout mechanism.</b> Each GET has one timer, its deadline. When it fires the call
 *       fails, a place in the wait queue is given up, a request in flight is reset. Nothing else
 *       times out: no WebClient {@code timeout()} (which is also the pool-wait timeout, whose race with a
 *       connection being recycled threw {@code Promise already completed} and lost the lease, issue 11),
 *       no {@code Future.timeout}, no breaker timeout.</li>
 *   <li><b>Our own permits.</b> At most {@code maxConnections} calls hold a permit ({@link ConcurrencyLimit},
 *       at most {@code maxWaitQueue} wait; a full queue fails at once). The Vert.x pool has as many
 *       connections and never a waiter with a timer; a call whose deadline passed while waiting just
 *       leaves the queue.</li>
 *   <li><b>A breaker that half-opens.</b> After {@code failureThreshold} failures (timeouts, broken
 *       connections, 5xx) within 10 s lookups fail closed at once for {@code resetMs}; then one is let
 *       through, and its success closes the breaker. Every call ends by its deadline, so the trial call
 *       always ends too and the breaker cannot stay half-open.</li>
 * </ul>
 * Each call's state is touched only on the caller's context.
 */
final class SpineService {

  private static final Logger LOG = LoggerFactory.getLogger(SpineService.class);

  /** An answer read whole: status and body (at most the size cap). */
  record Answer(int status, Buffer body) {}

  /**
   * Why a call has no answer; {@code spineAtFault} says whether it counts against the breaker. No
   * stack trace, no clinical content.
   */
  static final class Failure extends RuntimeException {
    private final boolean spineAtFault;

    Failure(String reason, boolean spineAtFault) {
      super(reason, null, false, false);
      this.spineAtFault = spineAtFault;
    }

    boolean spineAtFault() {
      return spineAtFault;
    }
  }

  private final String name;
  private final Vertx vertx;
  private final HttpClient http;
  private final ConcurrencyLimit permits;
  private final CircuitBreaker breaker;
  private final long resetMs;
  private final long maxResponseBytes;
  private volatile long openedAtNanos;

  SpineService(String name, Vertx vertx, AccessPolicy.Spine settings, long deadlineMs) {
    this.name = name;
    this.vertx = vertx;
    this.maxResponseBytes = settings.maxResponseBytes();
    this.resetMs = settings.breaker().resetMs();
    // The TCP connect bound is the socket's, not a competing completion: a connect that outlives the
    // call's deadline just ends unused.
    this.http = vertx.createHttpClient(settings.tls().applyTo(new HttpClientOptions().setKeepAlive(true)
            .setConnectTimeout((int) Math.min(deadlineMs, 10_000)).setMaxHeaderSize(16 * 1024)),
        new PoolOptions().setHttp1MaxSize(settings.maxConnections()).setMaxWaitQueueSize(settings.maxConnections()));
    this.permits = new ConcurrencyLimit(settings.maxConnections(), settings.maxWaitQueue());
    this.breaker = CircuitBreaker.create("spine-" + name, vertx, new CircuitBreakerOptions()
        .setMaxFailures(settings.breaker().failureThreshold())
        .setResetTimeout(settings.breaker().resetMs())
        .setTimeout(-1)
        .setNotificationAddress(null)
        .setFallbackOnFailure(false));
    // Only Spine's own failures count: our queue being full, or a lookup that ran out of time while it
    // waited in our queue or while this node could not keep up, says nothing about Spine.
    breaker.<Answer>failurePolicy(done -> done.failed() && (!(done.cause() instanceof Failure f) || f.spineAtFault()));
    breaker.openHandler(v -> {
      openedAtNanos = System.nanoTime();
      LOG.warn("The {} service keeps failing: lookups fail closed for {} ms, then one is tried", name, resetMs);
    });
    breaker.halfOpenHandler(v -> LOG.info("Trying the {} service again (breaker half-open)", name));
    breaker.closeHandler(v -> LOG.info("The {} service answers again (breaker closed)", name));
  }

  /**
   * GETs the URL within {@code deadlineMs}: an answer (any status below 500), or a failed Future
   * holding a {@link Failure}. Goes through the breaker.
   */
  Future<Answer> get(String url, long deadlineMs) {
    return onContext(() -> breaker.<Answer>execute(promise -> new Exchange(promise).start(url, deadlineMs))
        .recover(e -> Future.failedFuture(e instanceof OpenCircuitException
            ? new Failure("breaker open after repeated failures", false)
            : e instanceof Failure ? e : new Failure(e.getClass().getSimpleName(), true))));
  }

  /** As {@link #get} but past the breaker: readiness asks whether the service answers even while it is open. */
  Future<Answer> probe(String url, long deadlineMs) {
    return onContext(() -> {
      Promise<Answer> promise = Promise.promise();
      new Exchange(promise).start(url, deadlineMs);
      return promise.future();
    });
  }

  /** Seconds a client should wait before trying again: until the breaker half-opens, else its reset time. */
  long retryAfterSeconds() {
    long waitMs = resetMs;
    if (breaker.state() == CircuitBreakerState.OPEN) {
      waitMs = Math.max(0, resetMs - (System.nanoTime() - openedAtNanos) / 1_000_000L);
    }
    return Math.max(1, (waitMs + 999) / 1000);
  }

  String breakerState() {
    return breaker.state().name().toLowerCase().replace('_', '-');
  }

  String name() {
    return name;
  }

  /** Permits held right now (calls between getting a permit and ending). */
  int inUse() {
    return permits.inUse();
  }

  Future<Void> close() {
    breaker.close();
    return http.close();
  }

  /** Runs the call on a Vert.x context (the caller's, or one of its own for a caller off any event loop). */
  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> call) {
    Context current = Vertx.currentContext();
    if (current != null) {
      return call.get();
    }
    Promise<T> promise = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> call.get().onComplete(promise));
    return promise.future();
  }

  /** One GET: settles once, whichever of answer, deadline, size cap, broken connection comes first. */
  private final class Exchange {
    private final Promise<Answer> promise;
    private final Context context = Vertx.currentContext();
    private Future<Void> permit;
    private boolean holdingPermit;
    private boolean finished;
    private String url;
    private HttpClientRequest request;
    private SharedTimers.Timeout timer;
    private Buffer body;

    Exchange(Promise<Answer> promise) {
      this.promise = promise;
    }

    void start(String target, long deadlineMs) {
      url = target;
      timer = SharedTimers.after(vertx, deadlineMs, () -> fail(new Failure("no answer within " + deadlineMs + " ms",
          // Spine's fault once we were asking it (connecting included), unless this node was not keeping up.
          holdingPermit && !SharedTimers.laggedWithin(deadlineMs))));
      permit = permits.acquire();
      if (permit.isComplete()) {
        permitted(permit);
      } else {
        // A permit is freed by whichever event loop ends another call: come back to ours.
        permit.onComplete(ar -> context.runOnContext(v -> permitted(ar)));
      }
    }

    private void permitted(AsyncResult<Void> granted) {
      if (granted.failed()) {
        fail(new Failure("too many lookups waiting for the " + name + " service", false));
        return;
      }
      if (finished) {
        permits.release();
        return;
      }
      holdingPermit = true;
      send();
    }

    private void send() {
      if (finished) {
        return;
      }
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
          .putHeader(HttpHeaders.ACCEPT, "application/fhir+json");
      http.request(options).onComplete(obtained -> {
        if (obtained.failed()) {
          fail(new Failure("could not connect (" + reason(obtained.cause()) + ")", true));
          return;
        }
        HttpClientRequest httpRequest = obtained.result();
        // Without a handler, Vert.x logs our own reset at the deadline as an ERROR.
        httpRequest.exceptionHandler(t -> fail(new Failure("request broken off (" + reason(t) + ")", true)));
        if (finished) {
          httpRequest.reset();
          return;
        }
        request = httpRequest;
        httpRequest.send().onComplete(sent -> {
          if (sent.failed()) {
            fail(new Failure("connection failed (" + reason(sent.cause()) + ")", true));
          } else {
            read(sent.result());
          }
        });
      });
    }

    private void read(HttpClientResponse response) {
      response.exceptionHandler(t -> fail(new Failure("answer broken off (" + reason(t) + ")", true)));
      if (finished) {
        return;
      }
      String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
      if (length != null && parseLong(length) > maxResponseBytes) {
        fail(tooLarge());
        return;
      }
      body = Buffer.buffer();
      response.handler(chunk -> {
        if (finished) {
          return;
        }
        if (body.length() + chunk.length() > maxResponseBytes) {
          fail(tooLarge());
        } else {
          body.appendBuffer(chunk);
        }
      });
      response.endHandler(v -> succeed(new Answer(response.statusCode(), body)));
    }

    private Failure tooLarge() {
      return new Failure("answer larger than " + maxResponseBytes + " bytes", true);
    }

    private void succeed(Answer answer) {
      if (finished) {
        return;
      }
      finish();
      if (answer.status() >= 500) {
        promise.fail(new Failure("answered HTTP " + answer.status(), true));
      } else {
        promise.complete(answer);
      }
    }

    private void fail(Failure failure) {
      if (finished) {
        return;
      }
      finish();
      if (request != null) {
        request.reset();
      }
      promise.fail(failure);
    }

    /** Ends the call: the timer, the permit (or the place in the queue) go; later callbacks find it finished. */
    private void finish() {
      finished = true;
      timer.cancel();
      if (holdingPermit) {
        holdingPermit = false;
        permits.release();
      } else if (permit != null && !permit.isComplete()) {
        // false: granted meanwhile on another loop; permitted() then finds the call finished and releases it.
        permits.abandon(permit);
      }
    }
  }

  /** A TLS failure in our words (the service's certificate not trusted, ours refused), else the exception's class. */
  private String reason(Throwable t) {
    String tls = HandshakeFailures.describe(t, "the " + name + " service");
    return tls != null ? tls : t.getClass().getSimpleName();
  }

  private static long parseLong(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
