package io.shcr.health;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code /health/ready} answers: every {@link ReadinessCheck} asked at once, each within
 * {@code checkTimeoutMs}; ready only when all pass, so a load balancer stops sending requests the node
 * would refuse (audit store not writable, no current signing keys, Spine not answering). Liveness is
 * not this: it stays cheap and never asks a dependency. A change of verdict is logged once.
 */
public final class Readiness {

  private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

  private final Vertx vertx;
  private final List<ReadinessCheck> checks;
  private final long checkTimeoutMs;
  private volatile Set<String> lastFailing = Set.of();

  public Readiness(Vertx vertx, List<ReadinessCheck> checks, long checkTimeoutMs) {
    this.vertx = vertx;
    this.checks = List.copyOf(checks);
    this.checkTimeoutMs = checkTimeoutMs;
  }

  /** Nothing to check (a service assembled without dependencies, as some tests build it): always ready. */
  public static Readiness none() {
    return new Readiness(null, List.of(), 0);
  }

  public List<String> checkNames() {
    return checks.stream().map(ReadinessCheck::name).toList();
  }

  /** Asks every check; never fails. The answer comes back on the caller's context. */
  public Future<Report> check() {
    if (checks.isEmpty()) {
      return Future.succeededFuture(new Report(List.of()));
    }
    Context caller = Vertx.currentContext();
    List<Future<Result>> asked = checks.stream().map(this::ask).toList();
    Promise<Report> report = Promise.promise();
    Future.join(new ArrayList<>(asked)).onComplete(done -> {
      Report result = new Report(asked.stream().map(Future::result).toList());
      noteChange(result);
      if (caller == null || caller == Vertx.currentContext()) {
        report.complete(result);
      } else {
        caller.runOnContext(v -> report.complete(result));
      }
    });
    return report.future();
  }

  private Future<Result> ask(ReadinessCheck check) {
    Promise<Result> result = Promise.promise();
    long timer = vertx.setTimer(checkTimeoutMs, id -> result.tryComplete(
        new Result(check.name(), false, "no answer within " + checkTimeoutMs + " ms")));
    Future<Void> probe;
    try {
      probe = check.probe().get();
    } catch (RuntimeException e) {
      probe = Future.failedFuture(e);
    }
    probe.onComplete(done -> {
      vertx.cancelTimer(timer);
      result.tryComplete(done.succeeded() ? new Result(check.name(), true, null) : new Result(check.name(), false, reason(done.cause())));
    });
    return result.future();
  }

  /** Our own words only: a dependency's exception message may carry paths or server text. */
  private static String reason(Throwable cause) {
    if (cause instanceof ReadinessCheck.NotReady notReady) {
      return notReady.getMessage();
    }
    return "failed (" + (cause == null ? "unknown" : cause.getClass().getSimpleName()) + ")";
  }

  private void noteChange(Report report) {
    Set<String> failing = report.results().stream().filter(r -> !r.up()).map(Result::name).collect(Collectors.toSet());
    if (failing.equals(lastFailing)) {
      return;
    }
    lastFailing = failing;
    if (failing.isEmpty()) {
      LOG.info("Ready again: every readiness check passes");
    } else {
      LOG.warn("Not ready: {}", report.results().stream().filter(r -> !r.up()).map(r -> r.name() + " (" + r.reason() + ")")
          .collect(Collectors.joining(", ")));
    }
  }

  /** One check's verdict; {@code reason} is null when it passed. */
  public record Result(String name, boolean up, String reason) {}

  /** Every check's verdict. */
  public record Report(List<Result> results) {

    public boolean ready() {
      return results.stream().allMatch(Result::up);
    }

    /** The names of the checks that failed, with why. */
    public List<Result> failed() {
      return results.stream().filter(r -> !r.up()).toList();
    }
  }
}
