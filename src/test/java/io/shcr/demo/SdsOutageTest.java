package io.shcr.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.DemoTokens;
import io.shcr.support.DemoNetwork;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo network with SDS unreachable, or giving addresses the configuration does not allow: the
 * registered practice alone is reported {@code error} with a detail saying why, it is never called, and
 * every other source answers as usual.
 */
class SdsOutageTest {

  private static final String RICH = "9990000018"; // registered at P81901

  private Vertx vertx;
  private DemoNetwork demo;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    if (demo != null) {
      await(demo.close());
    }
    await(vertx.close());
  }

  @Test
  void sdsUnreachable() {
    // Port 9 (discard) on loopback: nothing listens there.
    demo = await(DemoNetwork.start(vertx, true, dir -> {
      java.nio.file.Path sources = dir.resolve("sources.yaml");
      String text = java.nio.file.Files.readString(sources);
      java.nio.file.Files.writeString(sources, text.replaceAll("http://127\\.0\\.0\\.1:\\d+/sds", "http://127.0.0.1:9/sds"));
      unhurried(dir);
    }));
    JsonObject record = record();
    Map<String, JsonObject> statuses = statuses(record);
    assertThat(statuses.get("P81901").getString("status")).isEqualTo("error");
    assertThat(statuses.get("P81901").getString("detail")).isEqualTo(
        "the Spine Directory Service could not be reached, so this practice's GP Connect endpoint is not known and it was not asked");
    assertOthersAnswered(statuses);
  }

  @Test
  void sdsGivingAddressesThatAreNotAllowed() {
    // The simulated SDS gives http addresses on loopback: refused once http is not allowed (as in production).
    demo = await(DemoNetwork.start(vertx, true, dir -> {
      DemoNetwork.replace(dir.resolve("sources.yaml"), "allowHttp: true", "allowHttp: false");
      unhurried(dir);
    }));
    JsonObject record = record();
    Map<String, JsonObject> statuses = statuses(record);
    assertThat(statuses.get("P81901").getString("status")).isEqualTo("error");
    assertThat(statuses.get("P81901").getString("detail")).startsWith("the Spine Directory Service gave an endpoint address that is not https");
    assertThat(demo.simulator.requests(k -> k.contains("$gpc"))).isZero();
    assertOthersAnswered(statuses);
  }

  /**
   * SDS, the practices and the view given far longer than shipped: on this loaded machine a cold first
   * lookup took over 5 s (0.4 s the second time), and what is tested here is what is said, not how fast.
   */
  static void unhurried(java.nio.file.Path dir) throws java.io.IOException {
    DemoNetwork.replace(dir.resolve("sources.yaml"), "deadlineMs: 2000 ", "deadlineMs: 20000 ");
    DemoNetwork.replace(dir.resolve("sources.yaml"), "deadlineMs: 3000", "deadlineMs: 25000");
    DemoNetwork.replace(dir.resolve("service.yaml"), "deadlineMs: 10000", "deadlineMs: 30000");
  }

  private static void assertOthersAnswered(Map<String, JsonObject> statuses) {
    assertThat(statuses).containsKeys("RXN", "RXR", "RW5");
    statuses.forEach((id, status) -> {
      if (!id.equals("P81901")) {
        // (NSC is the demo's source that sends another patient's data: patient-mismatch is its usual answer.)
        assertThat(status.getString("status")).as(id).isIn("ok", "not-found", "not-live", "patient-mismatch");
      }
    });
  }

  private static Map<String, JsonObject> statuses(JsonObject record) {
    return record.getJsonArray("sources").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(s -> s.getString("source"), s -> s));
  }

  private JsonObject record() {
    String token = demo.tokens.mint(new DemoTokens.Spec("555000100001", "Dr Amara Okafor", "555000100001-01", "S8000:G8000:R8000",
        "RXN", List.of("B0370", "B0360", "B0168"), RICH, Duration.ofMinutes(10)));
    HttpResponse<Buffer> response = await(WebClient.create(vertx).get(demo.service.port(), "127.0.0.1",
        "/api/v1/patients/" + RICH + "/record").putHeader("Accept", "application/json")
        .putHeader("Authorization", "Bearer " + token).send());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
