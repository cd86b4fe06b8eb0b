package io.shcr.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.DemoTokens;
import io.shcr.simulator.SyntheticPatient;
import io.shcr.support.DemoNetwork;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which GP practice is asked, on the demo network (shipped configuration, the simulator playing PDS, SDS
 * and every practice, which refuses any request whose SSP headers or JWT a provider would refuse): only the
 * registered practice PDS names, located through SDS; none for a restricted (S-flagged) patient or one
 * PDS names no practice for. Counted at the simulator, so a call made and ignored would still show.
 */
class GpRoutingTest {

  private static final String RICH = "9990000018";          // registered at P81901
  private static final String RESTRICTED = "9990000026";    // S-flagged (registered at P81902, which PDS withholds)
  private static final String NOBODY = "9990000042";        // no registered practice
  private static final String STRUCTURED = "/Patient/$gpc.getstructuredrecord";

  private static Vertx vertx;
  private static DemoNetwork demo;
  private static WebClient client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    // SDS and the practices given longer than shipped: on a loaded machine the first lookups must not time
    // out, since what is counted here is who is asked, not how fast (SdsOutageTest.unhurried).
    demo = await(DemoNetwork.start(vertx, true, SdsOutageTest::unhurried));
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    await(demo.close());
    await(vertx.close());
  }

  @Test
  void aRestrictedPatientCausesNoGpConnectCallAndNoSdsLookup() {
    long gpCalls = structuredCalls();
    long sdsCalls = sdsCalls();
    JsonObject record = record("ed-doctor", RESTRICTED);
    assertThat(structuredCalls()).isEqualTo(gpCalls); // before: 12 practices were sent one
    assertThat(sdsCalls()).isEqualTo(sdsCalls);
    assertThat(record.getJsonObject("gpRecord").getString("status")).isEqualTo("withheld");
    assertThat(sourceIds(record)).noneMatch(id -> id.startsWith("P819"));
  }

  @Test
  void onlyTheRegisteredPracticeIsAskedAtTheEndpointSdsGaveAndItAccepts() {
    long before = structuredCalls();
    long atPractice = demo.simulator.requests(k -> k.startsWith("POST /P81901" + STRUCTURED));
    JsonObject record = record("ed-doctor", RICH);
    // P81901 alone: its structured record, and any area it is asked again for to check links.
    assertThat(structuredCalls() - before).isPositive()
        .isEqualTo(demo.simulator.requests(k -> k.startsWith("POST /P81901" + STRUCTURED)) - atPractice);
    // The simulated practices check Ssp-To against the ASID their SDS gives: none was refused.
    assertThat(demo.simulator.requests(k -> k.contains(STRUCTURED) && !k.endsWith(" 200") && !k.endsWith(" 404"))).isZero();
    assertThat(record.getJsonObject("gpRecord"))
        .isEqualTo(new JsonObject().put("status", "asked").put("source", "P81901"));
    assertThat(sourceIds(record).stream().filter(id -> id.startsWith("P819"))).containsExactly("P81901");
    assertThat(status(record, "P81901")).isEqualTo("ok");
  }

  @Test
  void sdsIsAskedOncePerPracticeWhileItsAnswerIsKept() {
    SyntheticPatient other = demo.simulator.network().population().all().stream()
        .filter(p -> "P81907".equals(p.practice()) && !p.restricted() && !p.objected()).findFirst().orElseThrow();
    JsonObject first = record("ed-doctor", other.nhsNumber().value());
    assertThat(status(first, "P81907")).isIn("ok", "not-found");
    long before = sdsCalls();
    for (int i = 0; i < 3; i++) {
      assertThat(status(record("ed-doctor", other.nhsNumber().value()), "P81907")).isIn("ok", "not-found");
    }
    // Known now (asked at start-up, or by the first view): later views within the cache period ask SDS nothing.
    assertThat(sdsCalls()).isEqualTo(before);
    // At most one Endpoint and one Device search per practice so far, all answered.
    assertThat(before).isLessThanOrEqualTo(2L * 12);
    assertThat(demo.simulator.requests(k -> k.startsWith("GET /sds/") && !k.endsWith(" 200"))).isZero();
  }

  @Test
  void aPatientWithNoRegisteredPracticeIsSaidSoAndNoPracticeIsAsked() {
    long before = structuredCalls();
    JsonObject record = record("ed-doctor", NOBODY);
    assertThat(structuredCalls()).isEqualTo(before);
    JsonObject gp = record.getJsonObject("gpRecord");
    assertThat(gp.getString("status")).isEqualTo("none");
    assertThat(gp.getString("detail")).contains("PDS names no registered practice");
  }

  @Test
  void aGpIsNotAskedAboutAPatientRegisteredElsewhereAndTheirOwnPracticeCannotVouchForIt() {
    SyntheticPatient elsewhere = demo.simulator.network().population().all().stream()
        .filter(p -> "P81903".equals(p.practice()) && !p.restricted() && !p.objected()).findFirst().orElseThrow();
    long before = demo.simulator.requests(k -> k.contains("/P81901" + STRUCTURED));
    HttpResponse<Buffer> response = get("gp", elsewhere.nhsNumber().value());
    // The GP at P81901 has no patient in context: the relationship would rest on P81901 holding the patient,
    // and GP Connect holds only registered patients, so P81901 is not asked and the view is refused.
    assertThat(demo.simulator.requests(k -> k.contains("/P81901" + STRUCTURED))).isEqualTo(before);
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.bodyAsString()).contains("NO_RELATIONSHIP");
  }

  private static List<String> sourceIds(JsonObject record) {
    return record.getJsonArray("sources").stream().map(JsonObject.class::cast).map(s -> s.getString("source")).toList();
  }

  /**
   * Waits until the simulator has answered everything it was sent and nothing more came for half a second:
   * a view may end before its last lookup does, and a refused view's SDS lookup (shared, so not cancelled)
   * goes on to its end.
   */
  private static void settle() {
    long until = System.currentTimeMillis() + 10_000;
    long seen = -1;
    while (System.currentTimeMillis() < until) {
      long now = demo.simulator.requests(k -> true);
      if (demo.simulator.inFlight() == 0 && now == seen) {
        return;
      }
      seen = now;
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static long structuredCalls() {
    settle();
    return demo.simulator.requests(k -> k.startsWith("POST ") && k.contains(STRUCTURED));
  }

  private static long sdsCalls() {
    settle();
    return demo.simulator.requests(k -> k.startsWith("GET /sds/"));
  }

  private static String status(JsonObject record, String source) {
    return record.getJsonArray("sources").stream().map(JsonObject.class::cast).filter(s -> source.equals(s.getString("source")))
        .findFirst().orElseThrow().getString("status");
  }

  private static JsonObject record(String persona, String nhs) {
    HttpResponse<Buffer> response = get(persona, nhs);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  /** As the persona, with the patient in context (opened from their clinical system) for the ED doctor. */
  private static HttpResponse<Buffer> get(String persona, String nhs) {
    String token = persona.equals("ed-doctor")
        ? demo.tokens.mint(new DemoTokens.Spec("555000100001", "Dr Amara Okafor", "555000100001-01", "S8000:G8000:R8000", "RXN",
            List.of("B0370", "B0360", "B0168"), nhs, Duration.ofMinutes(10)))
        : demo.token(persona);
    return await(client.get(demo.service.port(), "127.0.0.1", "/api/v1/patients/" + nhs + "/record")
        .putHeader("Accept", "application/json")
        .putHeader("Authorization", "Bearer " + token).send());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
