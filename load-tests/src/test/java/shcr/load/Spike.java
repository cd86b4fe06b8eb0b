package shcr.load;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.*;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A spike: a steady rate of SSE views, ten times it for 30 s, then the steady rate again. Every answer must be
 * a completed stream or a graceful refusal (503 with {@code Retry-After}); anything else (a 503 without it, a
 * 5xx, a stream that never completes, a timeout) fails. Counts by phase are printed at the end, so the
 * recovery after the spike shows. Properties: {@code usersPerSec} (steady, default 1), {@code steadySeconds}
 * (30), {@code spikeSeconds} (30); see {@link Shared}.
 *
 * <pre>mvn -f load-tests/pom.xml gatling:test -Dgatling.simulationClass=shcr.load.Spike -Dtoken=$TOKEN</pre>
 */
public class Spike extends Simulation {

  private static final double STEADY = Shared.number("usersPerSec", 1);
  private static final long STEADY_S = (long) Shared.number("steadySeconds", 30);
  private static final long SPIKE_S = (long) Shared.number("spikeSeconds", 30);
  private static final long STARTED = System.currentTimeMillis();
  private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

  private static String phase() {
    long s = (System.currentTimeMillis() - STARTED) / 1000;
    return s < STEADY_S ? "1 before" : s < STEADY_S + SPIKE_S ? "2 spike (x10)" : "3 after";
  }

  private final ScenarioBuilder views = scenario("record views through a spike")
      .feed(Shared.patients())
      .exec(session -> session.set("phase", phase()))
      .exec(http("record (SSE) or graceful refusal").get(Shared.RECORD).header("Accept", Shared.EVENT_STREAM)
          .requestTimeout(Duration.ofSeconds(30))
          .check(status().in(200, 503).saveAs("status"))
          .check(header("Retry-After").optional().saveAs("retryAfter"))
          .checkIf(session -> session.getInt("status") == 200).then(substring("event: complete").exists()))
      .exec(session -> {
        int status = session.getInt("status");
        boolean graceful = status == 503 && session.contains("retryAfter");
        String outcome = status == 200 ? "completed" : graceful ? "503 with Retry-After" : "503 without Retry-After";
        COUNTS.computeIfAbsent(session.getString("phase") + " | " + outcome, k -> new AtomicLong()).incrementAndGet();
        return status == 200 || graceful ? session : session.markAsFailed();
      });

  {
    setUp(views.injectOpen(
        constantUsersPerSec(STEADY).during(Duration.ofSeconds(STEADY_S)),
        constantUsersPerSec(STEADY * 10).during(Duration.ofSeconds(SPIKE_S)),
        constantUsersPerSec(STEADY).during(Duration.ofSeconds(STEADY_S))))
        .protocols(Shared.protocol())
        .assertions(global().failedRequests().count().is(0L));
  }

  @Override
  public void after() {
    System.out.println("Spike, answers by phase:");
    new TreeMap<>(COUNTS).forEach((k, v) -> System.out.println("  " + k + ": " + v.get()));
  }
}
