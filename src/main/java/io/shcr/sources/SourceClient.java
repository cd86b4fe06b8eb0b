package io.shcr.sources;

import io.shcr.record.Deadline;
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

/**
 * The one place that talks to a source over HTTP. It owns what adapters must never touch: the real
 * deadline (the request is reset when it passes; WebClient's timeout is only an idle timeout), a
 * bounded pool and wait queue, the response size cap (enforced while reading, not after buffering),
 * the circuit breaker, cancellation and health figures. Failures come back as {@link SourceFailure}.
 *
 * <p>It uses Vert.x core's HttpClient, the transport under WebClient, because only there is the
 * request in hand to reset and the body readable chunk by chunk.
 */
public final class SourceClient {

  private final Vertx vertx;
  private final SourceConfig config;
  private final HttpClient http;
  private final CircuitBreaker breaker;
  private final SourceHealth health = new SourceHealth();
  private final ConcurrencyLimit limit;

  public SourceClient(Vertx vertx, SourceConfig config) {
    this.vertx = vertx;
    this.config = config;
    HttpClientOptions options = new HttpClientOptions()
        .setKeepAlive(true)
        .setConnectTimeout((int) Math.min(config.deadlineMs(), 5_000))
        .setMaxHeaderSize(16 * 1024);
    PoolOptions pool = new PoolOptions()
        .setHttp1MaxSize(config.maxConnections())
        .setMaxWaitQueueSize(config.maxWaitQueue());
    this.http = vertx.createHttpClient(options, pool);
    this.breaker = CircuitBreaker.create("source-" + config.id(), vertx, new CircuitBreakerOptions()
        .setMaxFailures(config.breaker().failureThreshold())
        .setResetTimeout(config.breaker().resetMs())
        .setTimeout(-1)
        .setFallbackOnFailure(false));
    this.limit = new ConcurrencyLimit(config.maxConnections(), config.maxWaitQueue());
  }

  /** This node's share of the source's concurrency cap (see {@link ConcurrencyLimit}). */
  public ConcurrencyLimit limit() {
    return limit;
  }

  public SourceConfig config() {
    return config;
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

  /**
   * Makes one call within the deadline. Answers with a 5xx status, transport errors, timeouts and
   * oversize bodies count against the breaker; a cancelled call does not (it is not the source's fault).
   */
  public Future<SourceResponse> send(SourceHttpRequest request, Deadline deadline, CallScope scope) {
    if (scope.cancelled()) {
      return Future.failedFuture(new SourceFailure(SourceStatus.ERROR, "cancelled"));
    }
    if (circuitOpen()) {
      return Future.failedFuture(new SourceFailure(SourceStatus.CIRCUIT_OPEN, "circuit breaker open after repeated failures"));
    }
    long started = System.nanoTime();
    // The permit is taken outside the breaker: our own queue being full is not the source failing.
    return permit(deadline).compose(granted -> {
          // Waiting was our own queueing: a call cancelled or out of time by then never reaches the breaker.
          if (scope.cancelled() || deadline.remainingMs() <= 0) {
            limit.release();
            return Future.failedFuture(scope.cancelled() ? new SourceFailure(SourceStatus.ERROR, "cancelled")
                : new SourceFailure(SourceStatus.TIMEOUT, "no time left before the deadline"));
          }
          return breaker.<SourceResponse>execute(promise -> exchange(request, deadline, scope, promise))
              .andThen(done -> limit.release())
              .recover(t -> Future.failedFuture(translateBreakerFailure(t)));
        })
        .compose(response -> scope.cancelled()
            ? Future.failedFuture(new SourceFailure(SourceStatus.ERROR, "cancelled"))
            : Future.succeededFuture(response))
        .andThen(done -> {
          if (!scope.cancelled()) {
            health.record((System.nanoTime() - started) / 1_000_000L, done.succeeded());
          }
        });
  }

  /** One of this node's permits for the source, waited for no longer than the deadline. */
  private Future<Void> permit(Deadline deadline) {
    Future<Void> permit = limit.acquire();
    if (permit.isComplete()) {
      return permit;
    }
    // The permit is freed by whichever event loop ends another call: come back to the caller's own
    // context before going on, since the view's state belongs to that one event loop.
    Context caller = vertx.getOrCreateContext();
    Promise<Void> granted = Promise.promise();
    long waitTimer = vertx.setTimer(Math.max(1, deadline.remainingMs()), id -> {
      if (limit.abandon(permit)) {
        granted.tryFail(new SourceFailure(SourceStatus.TIMEOUT, "no connection to the source became free before the deadline"));
      }
    });
    permit.onSuccess(v -> caller.runOnContext(back -> {
      vertx.cancelTimer(waitTimer);
      granted.complete();
    }));
    return granted.future();
  }

  private static SourceFailure translateBreakerFailure(Throwable t) {
    if (t instanceof io.vertx.circuitbreaker.OpenCircuitException) {
      return new SourceFailure(SourceStatus.CIRCUIT_OPEN, "circuit breaker open after repeated failures");
    }
    return SourceFailure.from(t);
  }

  private void exchange(SourceHttpRequest request, Deadline deadline, CallScope scope, Promise<SourceResponse> promise) {
    long budget = Math.max(1, deadline.remainingMs());
    Exchange exchange = new Exchange(promise, scope);
    exchange.timer = vertx.setTimer(budget, id -> exchange.fail(new SourceFailure(SourceStatus.TIMEOUT,
        "no complete answer within " + budget + " ms")));
    RequestOptions options = new RequestOptions()
        .setMethod(request.method())
        .setAbsoluteURI(request.url())
        .putHeader(HttpHeaders.ACCEPT, "application/fhir+json, application/json;q=0.9");
    if (request.contentType() != null) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, request.contentType());
    }
    http.request(options).onComplete(ar -> {
      if (ar.failed()) {
        exchange.fail(new SourceFailure(SourceStatus.ERROR, "could not connect: " + ar.cause().getClass().getSimpleName()));
        return;
      }
      HttpClientRequest httpRequest = ar.result();
      if (exchange.finished || !scope.register(httpRequest)) {
        httpRequest.reset();
        exchange.fail(new SourceFailure(SourceStatus.ERROR, "cancelled"));
        return;
      }
      exchange.request = httpRequest;
      Future<HttpClientResponse> sent = request.body() == null ? httpRequest.send() : httpRequest.send(request.body());
      sent.onSuccess(exchange::read).onFailure(t -> exchange.fail(exchange.finished ? null
          : new SourceFailure(SourceStatus.ERROR, "connection failed: " + t.getClass().getSimpleName())));
    });
  }

  /** One call's state: settles once, whichever of answer, timeout, cap or error comes first. */
  private final class Exchange {
    private final Promise<SourceResponse> promise;
    private final CallScope scope;
    private HttpClientRequest request;
    private long timer;
    private boolean finished;
    private Buffer body;

    Exchange(Promise<SourceResponse> promise, CallScope scope) {
      this.promise = promise;
      this.scope = scope;
    }

    void read(HttpClientResponse response) {
      response.exceptionHandler(t -> fail(new SourceFailure(SourceStatus.ERROR, "answer broken off: " + t.getClass().getSimpleName())));
      if (finished) {
        return;
      }
      String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
      if (length != null && parseLong(length) > config.maxResponseBytes()) {
        fail(tooLarge());
        return;
      }
      body = Buffer.buffer();
      response.handler(chunk -> {
        if (finished) {
          return;
        }
        if (body.length() + chunk.length() > config.maxResponseBytes()) {
          fail(tooLarge());
        } else if (!scope.charge(chunk.length())) {
          fail(new SourceFailure(SourceStatus.ERROR, "answers larger in all than this source's budget for one record"));
        } else {
          body.appendBuffer(chunk);
        }
      });
      response.endHandler(v -> succeed(new SourceResponse(response.statusCode(), response.getHeader(HttpHeaders.CONTENT_TYPE), body)));
    }

    private SourceFailure tooLarge() {
      return new SourceFailure(SourceStatus.ERROR, "answer larger than the " + config.maxResponseBytes() + " byte limit");
    }

    void succeed(SourceResponse response) {
      if (finished) {
        return;
      }
      finish();
      if (response.status() >= 500) {
        promise.fail(new SourceFailure(SourceStatus.ERROR, "source answered HTTP " + response.status()));
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
        promise.complete(new SourceResponse(499, null, Buffer.buffer()));
      } else {
        promise.fail(failure == null ? new SourceFailure(SourceStatus.ERROR, "failed") : failure);
      }
    }

    private void finish() {
      finished = true;
      vertx.cancelTimer(timer);
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
