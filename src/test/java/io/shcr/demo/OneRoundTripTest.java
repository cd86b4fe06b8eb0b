package io.shcr.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.support.DemoNetwork;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On the demo network (shipped configuration, counted at the simulator): the acute, mental health and
 * community trusts declare {@code batch} and are sent one POST per view with no Patient search of its
 * own; the councils, hospices, care home and drug and alcohol service declare only search and are asked
 * one search at a time, as before; both kinds answer.
 */
class OneRoundTripTest {

  private static final String RICH = "9990000018";
  private static final List<String> BATCHING = List.of("RXR", "RW5", "RXN", "RXL", "RVY", "RTX");
  private static final List<String> SEARCH_ONLY = List.of("888", "VPB01", "NSC", "NCG");
  /** Every live FHIR R4 source of the demo. */
  private static final List<String> FHIR = List.of("RXR", "RW5", "RXN", "RXL", "RVY", "RTX", "888", "VPB01", "NSC", "NDH",
      "NPH", "NRH", "NSJ", "NTH", "NEH", "NQH", "NSM", "NCG", "NDM");

  private static Vertx vertx;
  private static DemoNetwork demo;
  private static WebClient client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    demo = await(DemoNetwork.startUnhurried(vertx));
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    await(demo.close());
    await(vertx.close());
  }

  @Test
  void sourcesThatDeclareBatchAreAskedOnceAndTheOthersAsBefore() {
    awaitStatements();
    long[] before = counts();
    long rxnBefore = rxn();
    JsonObject record = record();
    settle();
    long[] after = counts();
    System.out.println("FHIR source calls for one ED doctor view of " + RICH + ": " + (total(after) - total(before))
        + " (RXN: " + (rxn() - rxnBefore) + ")");
    for (int i = 0; i < BATCHING.size(); i++) {
      String ods = BATCHING.get(i);
      assertThat(after[i * 3] - before[i * 3]).as(ods + " batch POSTs").isEqualTo(1);
      assertThat(after[i * 3 + 1] - before[i * 3 + 1]).as(ods + " Patient searches").isZero();
    }
    int offset = BATCHING.size() * 3;
    for (int i = 0; i < SEARCH_ONLY.size(); i++) {
      String ods = SEARCH_ONLY.get(i);
      assertThat(after[offset + i * 3] - before[offset + i * 3]).as(ods + " batch POSTs").isZero();
      assertThat(after[offset + i * 3 + 1] - before[offset + i * 3 + 1]).as(ods + " Patient searches").isEqualTo(1);
    }
    for (String ods : List.of("RXN", "RW5", "888")) {
      assertThat(status(record, ods)).as(ods).isIn("ok", "not-found");
    }
    assertThat(status(record, "RXN")).isEqualTo("ok");
  }

  /**
   * Views until the batching sources are sent a batch: their statements are asked at start-up, and until
   * read (or if a read timed out on a loaded machine, asked again seconds later) a view asks as before.
   */
  private static void awaitStatements() {
    long until = System.currentTimeMillis() + 40_000;
    while (System.currentTimeMillis() < until) {
      settle();
      long posts = demo.simulator.requests(k -> k.startsWith("POST /RXR "));
      record();
      settle();
      if (demo.simulator.requests(k -> k.startsWith("POST /RXR ")) > posts) {
        return;
      }
      sleep(1_000);
    }
    throw new AssertionError("no batch was ever sent");
  }

  /** A call to a FHIR source for a view (its CapabilityStatement, asked once, is not). */
  private static boolean isFhirSearch(String key) {
    return !key.contains("/metadata") && FHIR.stream().anyMatch(o -> key.startsWith("GET /" + o + "/") || key.startsWith("POST /" + o + " "));
  }

  private static long rxn() {
    return demo.simulator.requests(k -> isFhirSearch(k) && (k.startsWith("GET /RXN/") || k.startsWith("POST /RXN ")));
  }

  private static long total(long[] counts) {
    return counts[counts.length - 1];
  }

  /** For each source: batch POSTs, Patient searches, and last the FHIR calls of the whole network. */
  private static long[] counts() {
    List<String> all = new java.util.ArrayList<>(BATCHING);
    all.addAll(SEARCH_ONLY);
    long[] counts = new long[all.size() * 3 + 1];
    for (int i = 0; i < all.size(); i++) {
      String ods = all.get(i);
      counts[i * 3] = demo.simulator.requests(k -> k.startsWith("POST /" + ods + " "));
      counts[i * 3 + 1] = demo.simulator.requests(k -> k.startsWith("GET /" + ods + "/Patient "));
    }
    counts[counts.length - 1] = demo.simulator.requests(OneRoundTripTest::isFhirSearch);
    return counts;
  }

  private static String status(JsonObject record, String source) {
    return record.getJsonArray("sources").stream().map(JsonObject.class::cast).filter(s -> source.equals(s.getString("source")))
        .findFirst().orElseThrow().getString("status");
  }

  private static JsonObject record() {
    HttpResponse<Buffer> response = await(client.get(demo.service.port(), "127.0.0.1", "/api/v1/patients/" + RICH + "/record")
        .putHeader("Accept", "application/json")
        .putHeader("Authorization", "Bearer " + demo.token("ed-doctor")).send());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  /** Until the simulator has answered everything it was sent and nothing more came for half a second. */
  private static void settle() {
    long until = System.currentTimeMillis() + 10_000;
    long seen = -1;
    while (System.currentTimeMillis() < until) {
      long now = demo.simulator.requests(k -> true);
      if (demo.simulator.inFlight() == 0 && now == seen) {
        return;
      }
      seen = now;
      sleep(500);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
