package io.shcr.sources;

import io.shcr.core.Deadline;
import io.shcr.core.SharedTimers;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
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
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that talks to a source over HTTP. It owns what adapters must never touch: the real
 * deadline (the request is reset when it passes; WebClient's timeout is only an idle timeout), a
 * bounded pool and wait queue, the response size cap (enforced while reading, not after buffering),
 * the circuit breaker, cancellation and health figures. Every call ends in a {@link CallResult} value.
 *
 * <p>It uses Vert.x core's HttpClient, the transport under WebClient, because only there is the
 * request in hand to reset and the body readable chunk by chunk.
 */
public final class SourceClient {

  private static final Logger LOG = LoggerFactory.getLogger(SourceClient.class);

  private final Vertx vertx;
  private final SourceConfig config;
  private final HttpClient http;
  private final CircuitBreaker breaker;
  private final SourceHealth health = new SourceHealth();
  private final ConcurrencyLimit limit;
  private final CapabilityCache capabilities;

  public SourceClient(Vertx vertx, SourceConfig config) {
    this(vertx, config, 0);
  }

  /** A client whose wait queue covers {@code viewCap} views at once ({@link #waitQueueFor}). */
  public SourceClient(Vertx vertx, SourceConfig config, int viewCap) {
    this.vertx = vertx;
    int waitQueue = waitQueueFor(config, viewCap);
    this.config = config;
    HttpClientOptions options = config.tls().applyTo(new HttpClientOptions()
        .setKeepAlive(true)
        .setConnectTimeout((int) Math.min(config.deadlineMs(), 5_000))
        .setMaxHeaderSize(16 * 1024));
    PoolOptions pool = new PoolOptions()
        .setHttp1MaxSize(config.maxConnections())
        .setMaxWaitQueueSize(waitQueue)
        // The cleaner closes connections idle past the keep-alive (60 s) by testing every idle connection of
        // the pool; once a second (Vert.x's default) that was ~2 % of a busy node's CPU with 200 connections
        // a source. An idle connection now lives at most 5 s past its keep-alive.
        .setCleanerPeriod(CLEANER_PERIOD_MS);
    this.http = vertx.createHttpClient(options, pool);
    this.breaker = CircuitBreaker.create("source-" + config.id(), vertx, new CircuitBreakerOptions()
        .setMaxFailures(config.breaker().failureThreshold())
        .setResetTimeout(config.breaker().resetMs())
        .setTimeout(-1)
        .setFallbackOnFailure(false));
    this.breaker.<Object>failurePolicy(SourceClient::failing);
    this.limit = new ConcurrencyLimit(config.maxConnections(), waitQueue);
    this.capabilities = new CapabilityCache(this);
    io.shcr.ops.ShcrMetrics.sourceGauges(config.id(), this, SourceClient::breakerLevel, c -> c.limit.waitingCount(),
        c -> c.limit.inUseCount());
  }

  /**
   * The wait queue: the configured one, or enough for every call that {@code viewCap} admitted views make
   * of this source at once ({@link SourceConfig#callsAtOnce}) if that is more. Admission refuses views past
   * the cap before any call, so with this floor our own queue never fails an admitted view's call (that
   * would refuse the view when the relationship rests on this source); a queued call still gives up at
   * its deadline.
   */
  static int waitQueueFor(SourceConfig config, int viewCap) {
    long covering = (long) viewCap * config.callsAtOnce();
    return (int) Math.min(Integer.MAX_VALUE, Math.max(config.maxWaitQueue(), covering));
  }

  /** The breaker as a number for its gauge: 0 closed, 1 half-open, 2 open. */
  private static double breakerLevel(SourceClient client) {
    return switch (client.breaker.state()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }

  /** This node's share of the source's concurrency cap (see {@link ConcurrencyLimit}). */
  public ConcurrencyLimit limit() {
    return limit;
  }

  public SourceConfig config() {
    return config;
  }

  /** What the source declares it supports (its CapabilityStatement), as last read. */
  public CapabilityCache capabilities() {
    return capabilities;
  }

  public SourceHealth health() {
    return health;
  }

  public boolean circuitOpen() {
    return breaker.state() == CircuitBreakerState.OPEN;
  }

  public String breakerState() {
    return breaker.state().name().toLowerCase().replace('_', '-');
  }

  /** Reads an HTTP response into what the caller needs, as a value (it may be a failure). */
  @FunctionalInterface
  public interface AnswerReader<T> {
    CallResult<T> read(SourceHttpResponse response);
  }

  /** How often idle connections past their keep-alive are closed. */
  static final int CLEANER_PERIOD_MS = 5_000;

  /** Answers below this size are read on the event loop when the source's lane is idle. */
  static final int SMALL_ANSWER_BYTES = 32 * 1024;

  /** Makes one call and hands back the raw HTTP response (tools and tests). */
  public Future<CallResult<SourceHttpResponse>> call(SourceHttpRequest request, Deadline deadline, CallScope scope) {
    return call(request, deadline, scope, CallResult::answered);
  }

  /**
   * Makes one call within the deadline and reads its answer on the scope's lane. The Future never fails:
   * how the call ended is the {@link CallResult}. The breaker's failure policy and the source's health
   * see one outcome per call, the answer's reading included: a 5xx, a transport error, a timeout, an
   * oversize body, and every answer the reader refuses (not FHIR, wrong content type, a redirect, another
   * patient, over a cap, pages without end) count against the source. A cancelled call counts neither
   * way (it is not the source's doing).
   */
  public <T> Future<CallResult<T>> call(SourceHttpRequest request, Deadline deadline, CallScope scope, AnswerReader<T> reader) {
    if (scope.cancelled()) {
      return Future.succeededFuture(CallResult.failed(SourceFailure.cancelled()));
    }
    if (circuitOpen()) {
      return Future.succeededFuture(CallResult.failed(SourceFailure.circuitOpen()));
    }
    long started = System.nanoTime();
    // The permit is taken outside the breaker: our own queue being full is not the source failing. A run
    // that reserved one before building its state ({@link #reserve}) spends that on its first call.
    Future<SourceFailure> permitted = scope.takeReserved(limit) ? Future.succeededFuture() : permit(deadline);
    return permitted.compose(refused -> {
          if (refused != null) {
            return Future.succeededFuture(CallResult.<T>failed(refused));
          }
          // Waiting was our own queueing: a call cancelled or out of time by then never reaches the breaker.
          if (scope.cancelled() || deadline.remainingMs() <= 0) {
            limit.release();
            return Future.succeededFuture(CallResult.<T>failed(scope.cancelled() ? SourceFailure.cancelled() : SourceFailure.noTimeLeft()));
          }
          // The permit is given back once the exchange ends (reading the answer needs no connection),
          // or once the breaker refused to make it.
          java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean(true);
          Runnable release = () -> {
            if (held.compareAndSet(true, false)) {
              limit.release();
            }
          };
          // The result is kept here too: whatever the breaker makes of a result its policy counts as a
          // failure, the caller gets the result itself.
          java.util.concurrent.atomic.AtomicReference<CallResult<T>> outcome = new java.util.concurrent.atomic.AtomicReference<>();
          return breaker.<CallResult<T>>execute(promise -> exchange(request, deadline, scope)
                  .andThen(exchanged -> release.run())
                  .compose(exchanged -> read(exchanged, scope, reader))
                  .onComplete(ar -> {
                    CallResult<T> result = ar.succeeded() ? ar.result()
                        : CallResult.failed(ar.cause() instanceof Failed f ? f.failure : SourceFailure.unprocessable());
                    if (scope.cancelled()) {
                      result = CallResult.failed(SourceFailure.cancelled()); // not the source's fault: not counted
                    } else if (result.succeeded() && scope.sawAnotherPatientsData()) {
                      // Once a source has sent another patient's data, none of its answers in this request is
                      // good: each counts against it, so a liar's empty answers cannot keep its breaker closed.
                      result = CallResult.failed(SourceFailure.anotherPatient());
                    }
                    outcome.set(result);
                    promise.complete(result);
                  }))
              .andThen(done -> release.run())
              .transform(done -> Future.succeededFuture(outcome.get() != null ? outcome.get()
                  : CallResult.<T>failed(translateBreakerFailure(done.cause()))));
        })
        .andThen(done -> {
          if (!scope.cancelled()) {
            health.record((System.nanoTime() - started) / 1_000_000L, done.result().succeeded());
          }
        });
  }

  /**
   * A call outside the breaker and the health figures, for asking what the source supports off any
   * view: its answer, or its absence, says nothing about whether the source can serve a record. It
   * still takes one of the source's permits and the size cap.
   */
  <T> Future<CallResult<T>> callUncounted(SourceHttpRequest request, Deadline deadline, AnswerReader<T> reader) {
    if (circuitOpen()) {
      return Future.succeededFuture(CallResult.failed(SourceFailure.circuitOpen()));
    }
    CallScope scope = new CallScope();
    return permit(deadline).compose(refused -> {
      if (refused != null) {
        return Future.succeededFuture(CallResult.<T>failed(refused));
      }
      return exchange(request, deadline, scope)
          .andThen(exchanged -> limit.release())
          .compose(exchanged -> read(exchanged, scope, reader))
          .recover(t -> Future.succeededFuture(CallResult.<T>failed(t instanceof Failed f ? f.failure : SourceFailure.unprocessable())));
    });
  }

  /**
   * Counts a failure that no single call showed (a source whose resources name another patient)
   * against the breaker and the health figures.
   */
  public void recordFailure() {
    health.recordFailure();
    breaker.<CallResult<Void>>execute(promise -> promise.complete(CallResult.failed(SourceFailure.anotherPatient())))
        .onFailure(ignored -> { });
  }

  /**
   * A request's part of this source ended in the source's failure: the health figures say so, even
   * if some of its calls (an empty search, say) were answered well after the one that failed.
   */
  public void recordFailedRequest() {
    health.recordFailure();
  }

  /** The breaker's failure policy: a call fails when its result carries a failure that is not a cancellation. */
  private static boolean failing(Future<Object> done) {
    return done.failed() || !(done.result() instanceof CallResult<?> result) || result.countsAgainstSource();
  }

  private <T> Future<CallResult<T>> read(SourceHttpResponse response, CallScope scope, AnswerReader<T> reader) {
    if (response == CANCELLED) {
      return Future.succeededFuture(CallResult.failed(SourceFailure.cancelled()));
    }
    return scope.lane().run(() -> {
      if (scope.cancelled()) {
        return CallResult.<T>failed(SourceFailure.cancelled());
      }
      try {
        return reader.read(response);
      } catch (RuntimeException | StackOverflowError e) {
        LOG.warn("source {}: an answer could not be processed ({})", config.id(), e.getClass().getSimpleName());
        return CallResult.<T>failed(SourceFailure.unprocessable());
      }
    }, response.body().length() < SMALL_ANSWER_BYTES);
  }

  /**
   * Waits, as a call would, for one of this node's permits for the source and leaves it with the scope,
   * where the scope's first {@link #call} spends it (or {@link CallScope#giveBackReserved} returns it).
   * So a source run that waits behind others for a connection holds only this wait, not the state its
   * calls need, which it builds once the permit is its own. Completes with null once the scope holds the
   * permit, or with why not (the queue is full, no connection became free in time, the scope was
   * cancelled meanwhile); never fails.
   */
  public Future<SourceFailure> reserve(Deadline deadline, CallScope scope) {
    if (scope.cancelled()) {
      return Future.succeededFuture(SourceFailure.cancelled());
    }
    return permit(deadline).map(refused -> {
      if (refused != null) {
        return refused;
      }
      if (scope.cancelled() || !scope.reserve(limit)) {
        limit.release();
        return SourceFailure.cancelled();
      }
      return null;
    });
  }

  /** What a call cancelled in flight completes with, so the breaker never sees it as the source failing. */
  private static final SourceHttpResponse CANCELLED = new SourceHttpResponse(499, null, Buffer.buffer());

  /**
   * One of this node's permits for the source, waited for no longer than the deadline: completes with
   * null once held, or with why not (our queue is full, or no connection became free in time).
   */
  private Future<SourceFailure> permit(Deadline deadline) {
    Future<Void> permit = limit.acquire();
    if (permit.isComplete()) {
      return Future.succeededFuture(permit.succeeded() ? null : SourceFailure.queueFull());
    }
    // The permit is freed by whichever event loop ends another call: come back to the caller's own
    // context before going on, since the view's state belongs to that one event loop.
    Context caller = vertx.getOrCreateContext();
    Promise<SourceFailure> granted = Promise.promise();
    SharedTimers.Timeout waitTimer = SharedTimers.after(vertx, deadline.remainingMs(), () -> {
      if (limit.abandon(permit)) {
        granted.tryComplete(SourceFailure.noConnectionFree());
      }
    });
    permit.onSuccess(v -> caller.runOnContext(back -> {
      waitTimer.cancel();
      granted.tryComplete(null);
    }));
    return granted.future();
  }

  private static SourceFailure translateBreakerFailure(Throwable t) {
    return t instanceof io.vertx.circuitbreaker.OpenCircuitException ? SourceFailure.circuitOpen() : SourceFailure.unprocessable();
  }

  private Future<SourceHttpResponse> exchange(SourceHttpRequest request, Deadline deadline, CallScope scope) {
    Promise<SourceHttpResponse> promise = Promise.promise();
    long budget = Math.max(1, deadline.remainingMs());
    Exchange exchange = new Exchange(promise, scope, config.maxResponseBytes() * request.answers());
    // Out of time while this node could not keep up: not the source's doing, so not against its breaker.
    exchange.timer = SharedTimers.after(vertx, budget, () -> exchange.fail(SharedTimers.laggedWithin(budget)
        ? SourceFailure.timedOutWhileOverloaded(budget) : SourceFailure.timedOut(budget)));
    RequestOptions options = new RequestOptions()
        .setMethod(request.method())
        .setAbsoluteURI(request.url())
        .setFollowRedirects(false)
        .putHeader(HttpHeaders.ACCEPT, "application/fhir+json, application/json;q=0.9")
        // We never ask for a compressed answer, and never decompress one (no gzip bombs).
        .putHeader(HttpHeaders.ACCEPT_ENCODING, "identity");
    if (request.contentType() != null) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, request.contentType());
    }
    scope.headers().applyTo(options, "gp-connect".equals(config.adapter()));
    request.headers().forEach((name, value) -> options.getHeaders().set(name, value));
    http.request(options).onComplete(ar -> {
      if (ar.failed()) {
        exchange.fail(SourceFailure.couldNotConnect(ar.cause()));
        return;
      }
      HttpClientRequest httpRequest = ar.result();
      // A call we reset (deadline, cancellation, shutdown) or a source that resets its stream is expected:
      // the exchange's own future reports it; without a handler Vert.x would log each one as an ERROR.
      httpRequest.exceptionHandler(t -> LOG.debug("source {}: call ended early ({})", config.id(), t.getClass().getSimpleName()));
      if (exchange.finished || !scope.register(httpRequest)) {
        httpRequest.reset();
        exchange.fail(SourceFailure.cancelled());
        return;
      }
      exchange.request = httpRequest;
      Future<HttpClientResponse> sent = request.body() == null ? httpRequest.send() : httpRequest.send(request.body());
      sent.onSuccess(exchange::read).onFailure(t -> exchange.fail(exchange.finished ? null : SourceFailure.connectionFailed(t)));
    });
    return promise.future();
  }

  /** How an exchange's own Future carries its failure inside this class (never beyond it). */
  private static final class Failed extends RuntimeException {
    final SourceFailure failure;

    Failed(SourceFailure failure) {
      super(failure.detail(), null, false, false);
      this.failure = failure;
    }
  }

  /** One call's state: settles once, whichever of answer, timeout, cap or error comes first. */
  private final class Exchange {
    private final Promise<SourceHttpResponse> promise;
    private final CallScope scope;
    private HttpClientRequest request;
    private SharedTimers.Timeout timer;
    private boolean finished;
    private Buffer body;
    private final long maxBytes;

    Exchange(Promise<SourceHttpResponse> promise, CallScope scope, long maxBytes) {
      this.promise = promise;
      this.scope = scope;
      this.maxBytes = maxBytes;
    }

    void read(HttpClientResponse response) {
      response.exceptionHandler(t -> fail(SourceFailure.brokenOff()));
      if (finished) {
        return;
      }
      String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
      if (length != null && parseLong(length) > maxBytes) {
        fail(tooLarge());
        return;
      }
      body = Buffer.buffer();
      response.handler(chunk -> {
        if (finished) {
          return;
        }
        if (body.length() + chunk.length() > maxBytes) {
          fail(tooLarge());
        } else if (!scope.charge(chunk.length())) {
          fail(SourceFailure.overByteBudget());
        } else {
          body.appendBuffer(chunk);
        }
      });
      response.endHandler(v -> succeed(new SourceHttpResponse(response.statusCode(), response.getHeader(HttpHeaders.CONTENT_TYPE), body)));
    }

    private SourceFailure tooLarge() {
      return SourceFailure.tooLarge(maxBytes);
    }

    void succeed(SourceHttpResponse response) {
      if (finished) {
        return;
      }
      finish();
      if (response.status() >= 500) {
        promise.fail(new Failed(SourceFailure.httpStatus(response.status(), null)));
      } else {
        promise.complete(response);
      }
    }

    /** Fails the call and resets the request; a null failure means a failure already reported. */
    void fail(SourceFailure failure) {
      if (finished) {
        return;
      }
      finish();
      if (request != null) {
        request.reset();
      }
      if (scope.cancelled()) {
        // Not the source's fault: do not count it against the breaker.
        promise.complete(CANCELLED);
      } else {
        promise.fail(new Failed(failure == null ? SourceFailure.connectionFailed() : failure));
      }
    }

    private void finish() {
      finished = true;
      timer.cancel();
      if (request != null) {
        scope.done(request);
      }
    }
  }

  private static long parseLong(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public Future<Void> close() {
    breaker.close();
    return http.close();
  }
}
