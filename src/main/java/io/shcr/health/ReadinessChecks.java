package io.shcr.health;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import io.shcr.access.token.SigningKeys;
import io.shcr.access.SpineClient;
import io.shcr.audit.AuditLog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.stream.Collectors;

/** The service's readiness checks, one per thing it cannot do without. */
public final class ReadinessChecks {

  private ReadinessChecks() {}

  /**
   * {@code audit}: the store takes a test write within the audit time limit (nothing is added to the
   * chain; a store left inconsistent by a failed write restores itself on the way). Asked afresh each
   * time, concurrent asks sharing one.
   */
  public static ReadinessCheck audit(AuditLog audit) {
    return new ReadinessCheck("audit", new CachedProbe(() -> audit.probeWritable().recover(e -> Future.failedFuture(
        new ReadinessCheck.NotReady("the audit store does not take a write within " + audit.writeTimeoutMs() + " ms"))), 0));
  }

  /**
   * {@code signing-keys}: at least one key to verify tokens with can be had within {@code deadlineMs}
   * (static keys are loaded at start; a JWKS that was never fetched, or cannot be, fails).
   */
  public static ReadinessCheck signingKeys(Vertx vertx, SigningKeys keys, long deadlineMs) {
    return new ReadinessCheck("signing-keys", new CachedProbe(() -> {
      Promise<Void> result = Promise.promise();
      long timer = vertx.setTimer(deadlineMs, id -> result.tryFail(
          new ReadinessCheck.NotReady("no signing keys within " + deadlineMs + " ms")));
      Future<List<JWK>> es = keys.candidates(JWSAlgorithm.ES256, null);
      Future<List<JWK>> rs = keys.candidates(JWSAlgorithm.RS256, null);
      Future.join(es, rs).onComplete(both -> {
        vertx.cancelTimer(timer);
        boolean any = (es.succeeded() && !es.result().isEmpty()) || (rs.succeeded() && !rs.result().isEmpty());
        Future<?> found = es.failed() && rs.failed() ? es : Future.succeededFuture();
        if (any) {
          result.tryComplete();
        } else {
          result.tryFail(new ReadinessCheck.NotReady(found.succeeded() ? "no signing key is configured or published"
              : "the signing keys cannot be fetched (" + found.cause().getClass().getSimpleName() + ")"));
        }
      });
      return result.future();
    }, 0));
  }

  /**
   * {@code spine}: the consent and PDS services answer their {@code /metadata}, asked at most once per
   * {@code cacheMs} so load balancer probes do not become Spine traffic.
   */
  public static ReadinessCheck spine(SpineClient spine, long cacheMs) {
    return new ReadinessCheck("spine", new CachedProbe(() -> spine.probe().compose(probe -> probe.answering()
        ? Future.<Void>succeededFuture()
        : Future.<Void>failedFuture(new ReadinessCheck.NotReady(probe.services().entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue()).sorted().collect(Collectors.joining("; "))))), cacheMs));
  }
}
