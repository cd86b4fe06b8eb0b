package shcr.load;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.*;
import java.time.Duration;

/**
 * Emergency department clinicians opening records over SSE, as a viewer does: Gatling's SSE client reads each
 * stream, and three metrics say how progressive it is: {@code open to meta} (from the request to the first
 * event), {@code meta to first section}, {@code first section to complete}; the group {@code view to complete}
 * is the whole. Asserts the share of streams that completed. Properties: {@code usersPerSec} (default 5),
 * {@code seconds} (60), {@code minCompletedPercent} (95); see {@link Shared}.
 *
 * <pre>mvn -f load-tests/pom.xml gatling:test -Dgatling.simulationClass=shcr.load.EdProgressive -Dtoken=$TOKEN</pre>
 */
public class EdProgressive extends Simulation {

  private final ScenarioBuilder clinicians = scenario("ED clinician, progressive view")
      .feed(Shared.patients())
      .group("view to complete").on(
          exec(sse("open record").sseName("record").get(Shared.RECORD).header("Accept", Shared.EVENT_STREAM)
              .await(Duration.ofSeconds(30)).on(
                  Shared.event("open to meta", "meta"),
                  Shared.event("meta to first section", "section"),
                  Shared.event("first section to complete", "complete"))))
      .exec(sse("close").sseName("record").close());

  {
    setUp(clinicians.injectOpen(constantUsersPerSec(Shared.number("usersPerSec", 5))
        .during(Duration.ofSeconds((long) Shared.number("seconds", 60)))))
        .protocols(Shared.protocol())
        .assertions(details("view to complete").successfulRequests().percent().gte(Shared.number("minCompletedPercent", 95)));
  }
}
