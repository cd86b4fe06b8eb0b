package shcr.load;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.*;
import io.gatling.javaapi.http.*;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Clinicians opening records: each virtual user opens one patient's record over SSE and reads the
 * stream to its {@code complete} event (the time a full regional view takes), then the same as one
 * JSON document. Run against a running demo or serve+simulate; see docs/performance.md.
 *
 * <p>System properties: {@code baseUrl} (default http://127.0.0.1:8080), {@code token} (a bearer
 * token: {@code java -jar target/shcr.jar token --persona ed-doctor}), {@code patients} (comma
 * separated NHS numbers the token's organisation holds; default 9990000018), {@code usersPerSec}
 * (default 10), {@code seconds} (default 30).
 */
public class RecordViewSimulation extends Simulation {

  private static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8080");
  private static final String TOKEN = System.getProperty("token", System.getenv().getOrDefault("SHCR_TOKEN", ""));
  private static final String[] PATIENTS = System.getProperty("patients", "9990000018").split(",");
  private static final double USERS_PER_SEC = Double.parseDouble(System.getProperty("usersPerSec", "10"));
  private static final int SECONDS = Integer.parseInt(System.getProperty("seconds", "30"));

  private final Iterator<Map<String, Object>> patients = Stream.iterate(0, i -> i + 1)
      .map(i -> Map.<String, Object>of("nhs", PATIENTS[i % PATIENTS.length])).iterator();

  private final HttpProtocolBuilder protocol = http.baseUrl(BASE_URL)
      .header("Authorization", "Bearer " + TOKEN)
      .shareConnections();

  private final ScenarioBuilder streamed = scenario("record over SSE")
      .feed(patients)
      .exec(http("record (SSE, to complete)")
          .get("/api/v1/patients/#{nhs}/record")
          .header("Accept", "text/event-stream")
          .check(status().is(200))
          .check(substring("event: meta").exists())
          .check(substring("event: complete").exists()));

  private final ScenarioBuilder document = scenario("record as JSON")
      .feed(patients)
      .exec(http("record (JSON)")
          .get("/api/v1/patients/#{nhs}/record")
          .header("Accept", "application/json")
          .check(status().is(200))
          .check(jsonPath("$.sources").exists()));

  {
    if (TOKEN.isBlank()) {
      throw new IllegalArgumentException("pass -Dtoken=$(java -jar target/shcr.jar token --persona ed-doctor)");
    }
    setUp(
        streamed.injectOpen(constantUsersPerSec(USERS_PER_SEC).during(Duration.ofSeconds(SECONDS))),
        document.injectOpen(constantUsersPerSec(USERS_PER_SEC / 2).during(Duration.ofSeconds(SECONDS))))
        .protocols(protocol)
        .assertions(global().failedRequests().percent().lt(1.0));
  }
}
