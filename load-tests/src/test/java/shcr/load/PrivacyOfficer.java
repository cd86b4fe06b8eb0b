package shcr.load;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.*;
import java.time.Duration;

/**
 * A privacy officer at work while clinicians view records: audit searches by patient, the FHIR AuditEvent
 * export, and the alert list, alongside SSE record views. Properties: {@code usersPerSec} (views, default 3),
 * {@code searchesPerSec} (1), {@code seconds} (60); {@code poToken} (a privacy officer's token:
 * {@code java -jar target/shcr.jar token --persona privacy-officer}); see {@link Shared}.
 *
 * <pre>mvn -f load-tests/pom.xml gatling:test -Dgatling.simulationClass=shcr.load.PrivacyOfficer -Dtoken=$TOKEN -DpoToken=$PO</pre>
 */
public class PrivacyOfficer extends Simulation {

  private static final long SECONDS = (long) Shared.number("seconds", 60);

  private final ScenarioBuilder clinicians = scenario("clinicians viewing")
      .feed(Shared.patients())
      .exec(http("record (SSE, to complete)").get(Shared.RECORD).header("Accept", Shared.EVENT_STREAM)
          .check(status().is(200), substring("event: complete").exists()));

  private final ScenarioBuilder officer = scenario("privacy officer")
      .feed(Shared.patients())
      .exec(http("audit search by patient").get("/api/v1/audit/events?patient=#{nhs}&pageSize=50")
          .header("Authorization", "Bearer " + Shared.PO_TOKEN)
          .check(status().is(200), jsonPath("$.events").exists()))
      .exec(http("AuditEvent export (FHIR)").get("/api/v1/audit/AuditEvent?patient=#{nhs}&_count=50")
          .header("Authorization", "Bearer " + Shared.PO_TOKEN)
          .check(status().is(200), jsonPath("$.resourceType").is("Bundle")))
      .exec(http("alerts").get("/api/v1/audit/alerts").header("Authorization", "Bearer " + Shared.PO_TOKEN)
          .check(status().is(200)));

  {
    if (Shared.PO_TOKEN.isBlank()) {
      throw new IllegalArgumentException("pass -DpoToken=$(java -jar target/shcr.jar token --persona privacy-officer)");
    }
    setUp(clinicians.injectOpen(constantUsersPerSec(Shared.number("usersPerSec", 3)).during(Duration.ofSeconds(SECONDS))),
        officer.injectOpen(constantUsersPerSec(Shared.number("searchesPerSec", 1)).during(Duration.ofSeconds(SECONDS))))
        .protocols(Shared.protocol())
        .assertions(global().failedRequests().percent().lt(1.0));
  }
}
