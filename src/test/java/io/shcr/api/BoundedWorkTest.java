package io.shcr.api;

import static io.shcr.support.LyingSources.HYPERTENSION;
import static io.shcr.support.LyingSources.NHS;
import static io.shcr.support.LyingSources.condition;
import static io.shcr.support.LyingSources.fhir;
import static io.shcr.support.LyingSources.honest;
import static io.shcr.support.LyingSources.matching;
import static io.shcr.support.LyingSources.patient;
import static io.shcr.support.LyingSources.raw;
import static io.shcr.support.LyingSources.searchset;
import static io.shcr.support.TrustBed.resources;
import static io.shcr.support.TrustBed.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.ResourceTransform;
import io.shcr.fhir.ResourceIndex;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.support.LyingSources;
import io.shcr.support.SseClient;
import io.shcr.support.TrustBed;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bounded work per answer: however large, deep or malformed what a source sends, it is refused with a
 * fixed detail or handled off the event loop within the source's deadline, the other sources still
 * stream, and the view always ends.
 */
@ExtendWith(VertxExtension.class)
class BoundedWorkTest {

  private static final String ANSWER_START = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[";

  private TrustBed bed;

  @BeforeEach
  void start(Vertx vertx) {
    bed = new TrustBed(vertx);
    bed.sources.with("HONEST", honest("HONEST", condition("h1", "Patient/HONEST-patient", HYPERTENSION)));
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  /** The Patient search answers honestly; the Condition search with these bytes; everything else is empty. */
  private static LyingSources.Script conditionsAre(String contentType, Buffer body) {
    return (request, type) -> {
      if (type.equals("Condition") && request.getParam("_id") == null) {
        raw(request, 200, contentType, body);
      } else {
        fhir(request, 200, searchset(matching("X", request, type, List.of())).put("entry",
            type.equals("Patient") ? new io.vertx.core.json.JsonArray().add(new JsonObject()
                .put("resource", patient("X-patient", NHS))) : new io.vertx.core.json.JsonArray()));
      }
    };
  }

  private Map<String, JsonObject> viewOf(List<String> liars) {
    bed.startSources();
    List<io.shcr.sources.SourceConfig> configs = new ArrayList<>();
    configs.add(bed.fhir("HONEST", 3_000, 50));
    liars.forEach(id -> configs.add(bed.fhir(id, 3_000, 50)));
    bed.startService(configs, 10_000);
    HttpResponse<Buffer> response = bed.json("");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject document = response.bodyAsJsonObject();
    assertThat(statuses(document).get("HONEST").getString("status")).isEqualTo("ok");
    assertThat(resources(document, "HONEST", "problems")).hasSize(1);
    return statuses(document);
  }

  private static String detail(Map<String, JsonObject> statuses, String id) {
    assertThat(statuses.get(id).getString("status")).isEqualTo("error");
    return statuses.get(id).getString("detail");
  }

  @Test
  void anAnswerOfAHundredThousandResourcesIsRefusedWithoutBeingBuilt() {
    StringBuilder json = new StringBuilder(ANSWER_START);
    for (int i = 0; i < 100_000; i++) {
      json.append(i == 0 ? "" : ",").append("{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"").append(i).append("\"}}");
    }
    bed.sources.with("FLOOD", conditionsAre("application/fhir+json", Buffer.buffer(json.append("]}").toString())));
    Map<String, JsonObject> statuses = viewOf(List.of("FLOOD"));
    assertThat(detail(statuses, "FLOOD")).isEqualTo("answer held more than 10000 resources (this source's limit for one answer)");
  }

  @Test
  void answersOverTheSourcesLimitForOneRecordAreRefused() {
    List<JsonObject> three = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      three.add(condition("c" + i, "Patient/MANY-patient", HYPERTENSION));
    }
    // Every clinical search answers 300: within 500 an answer, over 800 in all.
    bed.sources.with("MANY", (request, type) -> fhir(request, 200, type.equals("Patient")
        ? searchset(patient("MANY-patient", NHS)) : searchset(three)));
    bed.startSources().startService(List.of(bed.fhir("HONEST", 3_000, 50),
        TrustBed.withCaps(bed.fhir("MANY", 3_000, 50), 500, 800)), 10_000);
    Map<String, JsonObject> statuses = statuses(bed.json("").bodyAsJsonObject());
    assertThat(detail(statuses, "MANY")).isEqualTo("answers held more than 800 resources in all (this source's limit for one record)");
  }

  @Test
  void jsonNestedNineHundredDeepIsRefusedAndBothViewsEnd() {
    String deep = ANSWER_START + "{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"d1\",\"subject\":{\"reference\":"
        + "\"Patient/X-patient\"},\"extension\":" + "[".repeat(900) + "]".repeat(900) + "}}]}";
    bed.sources.with("DEEP", conditionsAre("application/fhir+json", Buffer.buffer(deep)));
    Map<String, JsonObject> statuses = viewOf(List.of("DEEP"));
    assertThat(detail(statuses, "DEEP")).isEqualTo("answer nested deeper than 64 levels");
    SseClient.Stream stream = bed.sse("");
    assertThat(stream.ofType("complete")).hasSize(1);
    assertThat(stream.events.toString()).doesNotContain("StackOverflow");
  }

  @Test
  void malformedTextNumbersAndKeysAreRefusedWithFixedDetails() {
    byte[] badUtf8 = (ANSWER_START + "{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"u1\",\"note\":\"X\"}}]}")
        .getBytes(StandardCharsets.UTF_8);
    badUtf8[badUtf8.length - 7] = (byte) 0xC3; // a lead byte followed by a quote: not UTF-8
    bed.sources
        .with("UTF8", conditionsAre("application/fhir+json", Buffer.buffer(badUtf8)))
        .with("HUGENUM", conditionsAre("application/fhir+json", Buffer.buffer(ANSWER_START
            + "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"n1\",\"valueQuantity\":{\"value\":1e400}}}]}")))
        .with("SURROGATE", conditionsAre("application/fhir+json", Buffer.buffer(ANSWER_START
            + "{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"s1\",\"note\":[{\"text\":\"\\ud800\"}]}}]}")))
        .with("DUPKEY", conditionsAre("application/fhir+json", Buffer.buffer(ANSWER_START
            + "{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"k1\",\"id\":\"k2\"}}]}")))
        .with("CHARSET", conditionsAre("application/fhir+json; charset=iso-8859-1",
            searchset(condition("l1", "Patient/X-patient", HYPERTENSION)).toBuffer()));
    Map<String, JsonObject> statuses = viewOf(List.of("UTF8", "HUGENUM", "SURROGATE", "DUPKEY", "CHARSET"));
    assertThat(detail(statuses, "UTF8")).isEqualTo("answer was not valid FHIR JSON");
    assertThat(detail(statuses, "HUGENUM")).isEqualTo("answer held a number or text out of range");
    assertThat(detail(statuses, "SURROGATE")).isEqualTo("answer held a number or text out of range");
    assertThat(detail(statuses, "DUPKEY")).isEqualTo("answer was not valid FHIR JSON");
    assertThat(detail(statuses, "CHARSET")).isEqualTo("answer was not declared as FHIR JSON");
  }

  @Test
  void aGzipBombIsNeverDecompressed() throws Exception {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 16; i++) {
        gzip.write(zeros); // 16 MB of zeros in about 16 kB
      }
    }
    bed.sources.with("BOMB", (request, type) -> {
      request.response().putHeader("Content-Encoding", "gzip");
      raw(request, 200, "application/fhir+json", Buffer.buffer(compressed.toByteArray()));
    });
    Map<String, JsonObject> statuses = viewOf(List.of("BOMB"));
    assertThat(detail(statuses, "BOMB")).isEqualTo("answer was not valid FHIR JSON");
    assertThat(bed.sources.acceptEncodings()).isNotEmpty().containsOnly("identity");
  }

  @Test
  void aHugeStringWithinTheByteCapIsReadAndTheViewEnds() {
    String huge = "x".repeat(3_000_000);
    JsonObject wordy = condition("w1", "Patient/X-patient", HYPERTENSION);
    wordy.getJsonObject("code").put("text", huge);
    bed.sources.with("WORDY", conditionsAre("application/fhir+json", searchset(wordy).toBuffer()));
    Map<String, JsonObject> statuses = viewOf(List.of("WORDY"));
    assertThat(statuses.get("WORDY").getString("status")).isEqualTo("ok");
  }

  /** The shipped filter, recording on which kind of thread each batch was judged. */
  private static final class Recording implements PrivacyFilter {
    final List<String> threads = new CopyOnWriteArrayList<>();
    final CountDownLatch release;

    Recording(CountDownLatch release) {
      this.release = release;
    }

    @Override
    public Set<String> referencesToResolve(List<JsonObject> resources, ResourceIndex known) {
      return TrustBed.shippedFilter().referencesToResolve(resources, known);
    }

    @Override
    public FilterResult filter(List<JsonObject> resources, ResourceIndex context) {
      if (resources.size() > 200) {
        threads.add(Context.isOnEventLoopThread() ? "event-loop" : Thread.currentThread().getName());
        if (release != null) {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
      return TrustBed.shippedFilter().filter(resources, context);
    }
  }

  private static LyingSources.Script thousandProblems(String id) {
    List<JsonObject> problems = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      problems.add(condition("c" + i, "Patient/" + id + "-patient", HYPERTENSION));
    }
    return honest(id, problems.toArray(JsonObject[]::new));
  }

  @Test
  void largeAnswersAreCheckedOffTheEventLoop() {
    Recording filter = new Recording(null);
    bed.sources.with("BIG", thousandProblems("BIG"));
    // Generous deadlines: this is about where the work runs, not how fast a cold JVM on a busy machine is.
    bed.startSources().startService(List.of(bed.fhir("HONEST", 15_000, 50), bed.fhir("BIG", 15_000, 50)),
        TrustBed.allowAll(null, ResourceTransform.IDENTITY), filter, 20_000);
    JsonObject document = bed.json("").bodyAsJsonObject();
    assertThat(statuses(document).get("BIG").getString("status")).as(document.getJsonArray("sources").encode()).isEqualTo("ok");
    assertThat(resources(document, "BIG", "problems")).hasSize(1_000);
    assertThat(filter.threads).isNotEmpty().allSatisfy(thread -> assertThat(thread).startsWith("shcr-source-work"));
  }

  @Test
  void checkingAndEncodingCountInsideTheSourcesDeadline() {
    CountDownLatch release = new CountDownLatch(1);
    try {
      Recording filter = new Recording(release);
      bed.sources.with("SLOW", thousandProblems("SLOW"));
      bed.startSources().startService(List.of(bed.fhir("HONEST", 3_000, 50), bed.fhir("SLOW", 500, 50)),
          TrustBed.allowAll(null, ResourceTransform.IDENTITY), filter, 10_000);
      long started = System.nanoTime();
      JsonObject document = bed.json("").bodyAsJsonObject();
      long elapsedMs = (System.nanoTime() - started) / 1_000_000L;
      JsonObject slow = statuses(document).get("SLOW");
      assertThat(slow.getString("status")).isEqualTo("timeout");
      assertThat(slow.getString("detail")).contains("the source's deadline");
      assertThat(resources(document, "SLOW", "problems")).isEmpty();
      assertThat(statuses(document).get("HONEST").getString("status")).isEqualTo("ok");
      // Far below the request's 10 s: the source's 500 ms bounded it, though its check never finished.
      assertThat(elapsedMs).isLessThan(5_000);
    } finally {
      release.countDown();
    }
  }
}
