package shcr.load;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.*;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A soak: SSE views at a steady rate for {@code minutes} (default 30), while {@code /metrics} is sampled every
 * {@code sampleSeconds} (15) for the JVM heap in use, the views open and the bytes streams hold for their
 * clients, to show that nothing grows. The samples are printed at the end (first, middle, last and the
 * peak). Properties: {@code usersPerSec} (default 2), {@code minutes}, {@code sampleSeconds}; {@code metricsUrl}
 * (the service's metrics port); see {@link Shared}.
 *
 * <pre>mvn -f load-tests/pom.xml gatling:test -Dgatling.simulationClass=shcr.load.Soak -Dtoken=$TOKEN -Dminutes=30</pre>
 */
public class Soak extends Simulation {

  private static final long SECONDS = (long) (Shared.number("minutes", 30) * 60);
  private static final long SAMPLE_S = (long) Shared.number("sampleSeconds", 15);
  private static final List<String> SAMPLES = new CopyOnWriteArrayList<>();
  private static final long STARTED = System.currentTimeMillis();

  /** The sum of every sample of this metric whose labels contain {@code labels}. */
  private static double sum(String text, String metric, String labels) {
    double total = 0;
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
    while (m.find()) {
      if (labels.isEmpty() || (m.group(1) != null && m.group(1).contains(labels))) {
        total += Double.parseDouble(m.group(2));
      }
    }
    return total;
  }

  private final ScenarioBuilder views = scenario("steady views")
      .feed(Shared.patients())
      .exec(http("record (SSE, to complete)").get(Shared.RECORD).header("Accept", Shared.EVENT_STREAM)
          .check(status().is(200), substring("event: complete").exists()));

  private final ScenarioBuilder sampler = scenario("metrics sampler")
      .during(Duration.ofSeconds(SECONDS)).on(
          exec(http("GET /metrics").get(Shared.METRICS_URL).check(status().is(200), bodyString().saveAs("metrics")))
              .exec(session -> {
                String text = session.getString("metrics");
                SAMPLES.add(String.format("%5d s  heap %6.1f MB  views open %3.0f  stream bytes held %8.0f",
                    (System.currentTimeMillis() - STARTED) / 1000,
                    sum(text, "jvm_memory_used_bytes", "area=\"heap\"") / 1e6,
                    sum(text, "shcr_views_open", ""), sum(text, "shcr_streams_held_bytes", "")));
                return session;
              })
              .pause(Duration.ofSeconds(SAMPLE_S)));

  {
    setUp(views.injectOpen(constantUsersPerSec(Shared.number("usersPerSec", 2)).during(Duration.ofSeconds(SECONDS))),
        sampler.injectOpen(atOnceUsers(1)))
        .protocols(Shared.protocol())
        .assertions(global().failedRequests().percent().lt(1.0));
  }

  @Override
  public void after() {
    System.out.println("Soak samples (" + SAMPLES.size() + "):");
    SAMPLES.forEach(s -> System.out.println("  " + s));
  }
}
