package io.shcr.access.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.events.EventListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.net.URL;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity provider's JWKS through nimbus's key source: cached for the refresh interval, refreshed ahead
 * of expiry in the background, fetched again (at most once per {@code minRefetchMs}) when a token names a
 * {@code kid} we do not hold, so key rotation needs no restart, and, while the JWKS cannot be reached, the
 * last good set kept for the outage tolerance. With no usable set, authentication fails closed (503).
 *
 * <p>nimbus's source blocks while it fetches, so it never runs on an event loop: a lookup goes to a small
 * worker pool of its own, answered back on the caller's context. The fetch itself has a real deadline
 * ({@link DeadlineResourceRetriever}) and each caller waits at most that long. Only when nimbus would
 * certainly answer from its cache without fetching (the set it last loaded is young, well before
 * refresh-ahead, and holds the key) is the lookup answered at once on the event loop, so the steady state
 * costs no thread hop.
 */
public final class JwksSigningKeys implements SigningKeys {
  // Pool names are metrics labels: a count keeps them short and never shaped like an NHS number.
  private static final java.util.concurrent.atomic.AtomicInteger POOLS = new java.util.concurrent.atomic.AtomicInteger();


  /** Settings of the cache; {@code outageToleranceMs} 0 turns outage tolerance off. */
  public record Settings(long refreshMs, long deadlineMs, long outageToleranceMs, long minRefetchMs) {
    public Settings(long refreshMs, long deadlineMs, long outageToleranceMs) {
      this(refreshMs, deadlineMs, outageToleranceMs, DEFAULT_MIN_REFETCH_MS);
    }
  }

  static final long DEFAULT_MIN_REFETCH_MS = 30_000;
  static final int MAX_JWKS_BYTES = 256 * 1024;
  private static final int WORKERS = 4;
  private static final Logger LOG = LoggerFactory.getLogger(JwksSigningKeys.class);

  private final Vertx vertx;
  private final String url;
  private final JWKSource<SecurityContext> built;
  private final JWKSetSource<SecurityContext> source;
  private final WorkerExecutor worker;
  private final ScheduledThreadPoolExecutor background;
  private final long deadlineMs;
  private final long freshForMs;
  private volatile Loaded loaded;

  /** The set nimbus's cache last loaded, and when. */
  private record Loaded(JWKSet set, long atMs) {}

  private JwksSigningKeys(Vertx vertx, URL url, Settings settings) {
    this.vertx = vertx;
    this.url = url.toString();
    this.deadlineMs = settings.deadlineMs();
    long refreshAheadMs = Math.min(30_000, settings.refreshMs() / 4);
    this.freshForMs = settings.refreshMs() - refreshAheadMs - settings.deadlineMs();
    this.background = daemonThreads();
    this.worker = vertx.createSharedWorkerExecutor("shcr-jwks-" + POOLS.incrementAndGet(), WORKERS,
        Math.max(10_000, settings.deadlineMs() * 4), TimeUnit.MILLISECONDS);
    EventListener<CachingJWKSetSource<SecurityContext>, SecurityContext> cacheEvents = this::onCacheEvent;
    JWKSourceBuilder<SecurityContext> builder = JWKSourceBuilder.<SecurityContext>create(url,
            new DeadlineResourceRetriever((int) settings.deadlineMs(), MAX_JWKS_BYTES, background))
        .cache(settings.refreshMs(), settings.deadlineMs(), cacheEvents)
        .refreshAheadCache(refreshAheadMs, cacheEvents, background, false, null, false)
        .rateLimited(settings.minRefetchMs(), null)
        .retrying(true);
    if (settings.outageToleranceMs() > 0) {
      EventListener<OutageTolerantJWKSetSource<SecurityContext>, SecurityContext> outage = event -> {
        if (event instanceof OutageTolerantJWKSetSource.OutageEvent<SecurityContext> o) {
          LOG.warn("The JWKS at {} cannot be fetched ({}); still trusting the keys fetched before, for at most {} s more",
              this.url, o.getException().getClass().getSimpleName(), o.getRemainingTime() / 1000);
        }
      };
      builder.outageTolerant(settings.outageToleranceMs(), outage);
    } else {
      builder.outageTolerant(false);
    }
    this.built = builder.build();
    this.source = ((JWKSetBasedJWKSource<SecurityContext>) built).getJWKSetSource();
  }

  public static JwksSigningKeys create(Vertx vertx, URL url, Settings settings) {
    return new JwksSigningKeys(vertx, url, settings);
  }

  @Override
  public Future<List<JWK>> candidates(JWSAlgorithm algorithm, String kid) {
    JWKMatcher matcher = SigningKeys.matcher(algorithm, kid);
    Loaded current = loaded;
    if (current != null && System.currentTimeMillis() - current.atMs() < freshForMs) {
      List<JWK> found = new JWKSelector(matcher).select(current.set());
      if (!found.isEmpty()) {
        return Future.succeededFuture(found);
      }
    }
    return onWorker(matcher);
  }

  /**
   * The lookup on the worker pool, answered on the caller's context within the deadline. The deadline is a
   * timer of the caller's own (a Future timeout on the worker's future would only be delivered once the
   * blocked lookup returns).
   */
  private Future<List<JWK>> onWorker(JWKMatcher matcher) {
    Context caller = vertx.getOrCreateContext();
    Promise<List<JWK>> answer = Promise.promise();
    long deadline = vertx.setTimer(deadlineMs, id -> answer.tryFail(
        new KeysUnavailableException("no signing keys within " + deadlineMs + " ms", null)));
    worker.executeBlocking(() -> lookUp(matcher), false).onComplete(done -> caller.runOnContext(v -> {
      vertx.cancelTimer(deadline);
      if (done.succeeded()) {
        answer.tryComplete(done.result());
      } else {
        answer.tryFail(done.cause() instanceof KeysUnavailableException ? done.cause()
            : new KeysUnavailableException("the signing keys cannot be looked up", done.cause()));
      }
    }));
    return answer.future();
  }

  /**
   * On a worker: the cached set (fetched if there is none or it expired); when it lacks the key, one forced
   * refresh, unless one was made in the last {@code minRefetchMs}, in which case the key is simply unknown.
   */
  private List<JWK> lookUp(JWKMatcher matcher) {
    long now = System.currentTimeMillis();
    JWKSet set;
    try {
      set = source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, null);
    } catch (KeySourceException e) {
      throw new KeysUnavailableException("the JWKS at " + url + " cannot be fetched", e);
    }
    List<JWK> found = new JWKSelector(matcher).select(set);
    if (!found.isEmpty()) {
      return found;
    }
    try {
      return new JWKSelector(matcher).select(source.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(set), now, null));
    } catch (RateLimitReachedException e) {
      return List.of();
    } catch (KeySourceException e) {
      throw new KeysUnavailableException("the JWKS at " + url + " cannot be fetched to look for a new key", e);
    }
  }

  private void onCacheEvent(com.nimbusds.jose.util.events.Event<CachingJWKSetSource<SecurityContext>, SecurityContext> event) {
    if (event instanceof CachingJWKSetSource.RefreshCompletedEvent<SecurityContext> done) {
      loaded = new Loaded(done.getJWKSet(), System.currentTimeMillis());
    } else if (event instanceof CachingJWKSetSource.UnableToRefreshEvent<SecurityContext>
        || event instanceof CachingJWKSetSource.RefreshTimedOutEvent<SecurityContext>) {
      LOG.warn("The JWKS at {} could not be refreshed ({})", url, event.getClass().getSimpleName());
    }
  }

  private static ScheduledThreadPoolExecutor daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    ScheduledThreadPoolExecutor threads = new ScheduledThreadPoolExecutor(2, task -> {
      Thread thread = new Thread(task, "shcr-jwks-background-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    threads.setRemoveOnCancelPolicy(true);
    return threads;
  }

  @Override
  public void close() {
    worker.close();
    try {
      ((java.io.Closeable) built).close();
    } catch (IOException e) {
      LOG.debug("Closing the JWKS source: {}", e.getMessage());
    }
    background.shutdownNow();
  }
}
