package io.shcr.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.AccessDecision;
import io.shcr.access.AccessGate;
import io.shcr.access.Authenticator;
import io.shcr.access.Purpose;
import io.shcr.access.ResourceTransform;
import io.shcr.core.Principal;
import io.shcr.config.ServiceConfig;
import io.shcr.resume.ResumeKey;
import io.shcr.resume.ResumeTokens;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.FakeSources;
import io.shcr.support.FakeSources.Behaviour;
import io.shcr.support.SseClient;
import io.shcr.support.SseEvent;
import io.shcr.support.TestComponents;
import io.shcr.support.TestSources;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Resuming a broken stream (issue 18) over real HTTP: a stream cut after its fifth event and resumed with
 * its last event id delivers every remaining section once and none again, on the node that began it and on
 * another node that shares nothing with it but the configured secret; a token altered, expired, or for
 * another user, role or patient is refused with {@code INVALID_RESUME_TOKEN}, audited, and nothing is fetched.
 */
class ResumeStreamTest {

  private static final String PATH = "/api/v1/patients/" + FakeSources.NHS + "/record";
  private static final byte[] SHARED_SECRET = "resume-test-shared-keyed-hash-secret".getBytes(StandardCharsets.UTF_8);
  private static final Principal NURSE = new Principal("555000000002", "Nurse Test", "555000000002-01", "R8001", "RXN",
      Set.of("B0370"), null);
  private static final Principal DOCTOR_OTHER_ROLE = new Principal("555000000001", "Dr Test", "555000000001-02", "R8000",
      "RXN", Set.of("B0370"), null);

  private static Vertx vertx;
  private static FakeSources fakes;
  private static final List<ShcrServer> nodes = new ArrayList<>();
  private static final List<TestComponents.MemoryAudit> audits = new ArrayList<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    fakes = await(new FakeSources(vertx).with("ACUTE", Behaviour.NORMAL).with("COMMUNITY", Behaviour.NORMAL)
        .with("MENTAL", Behaviour.NORMAL).start());
    SourceRegistry registry = new SourceRegistry(List.of(TestSources.fhir(fakes, "ACUTE", true, 5_000),
        TestSources.fhir(fakes, "COMMUNITY", true, 5_000), TestSources.fhir(fakes, "MENTAL", true, 5_000)));
    // Two nodes, each on its own Vert.x and sharing no state: only the secret both are configured with.
    for (int i = 0; i < 2; i++) {
      TestComponents.MemoryAudit audit = new TestComponents.MemoryAudit();
      Components components = new Components(registry, TestComponents.passThrough(), gate(), byBearer(), audit, List.of(),
          Future::succeededFuture).withResumeKey(ResumeKey.derivedFrom(SHARED_SECRET));
      nodes.add(await(ShcrServer.start(Vertx.vertx(), new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, 10_000, 60_000),
          components)));
      audits.add(audit);
    }
  }

  @AfterAll
  static void stop() {
    nodes.forEach(node -> await(node.close()));
    await(fakes.close());
    await(vertx.close());
  }

  /** Whoever the bearer names: {@code doctor}, {@code nurse}, or the doctor in another role. */
  private static Authenticator byBearer() {
    return authorization -> {
      String who = authorization.isEmpty() ? "" : authorization.get(0).replace("Bearer ", "");
      return Future.succeededFuture(switch (who) {
        case "nurse" -> NURSE;
        case "doctor-other-role" -> DOCTOR_OTHER_ROLE;
        default -> TestComponents.DOCTOR;
      });
    };
  }

  private static AccessGate gate() {
    return (authenticated, request) -> authenticated.map(principal -> new AccessDecision(principal, null, request.sections(),
        Purpose.DIRECT_CARE, null, null, ResourceTransform.IDENTITY));
  }

  @Test
  void aStreamCutAfterItsFifthEventResumesWithEveryRemainingSectionOnceOnThisNodeAndAnother() {
    List<SseEvent> whole = await(new SseClient(vertx).open(nodes.get(0).port(), PATH, bearer("doctor"), e -> { })
        .compose(stream -> stream.ended.future())).events;
    assertThat(whole).last().extracting(SseEvent::event).isEqualTo("complete");
    assertThat(whole.size()).isGreaterThan(6);

    // Cut after the fifth event, or after the first source finished when that comes later (group events
    // follow their sections), so the resume has a finished source it must not ask again.
    int firstFinished = 0;
    while (!whole.get(firstFinished).event().equals("source")) {
      firstFinished++;
    }
    int cut = Math.max(5, firstFinished + 1);
    for (int resumeOn = 0; resumeOn < 2; resumeOn++) {
      List<SseEvent> firstFive = cutAfter(nodes.get(0).port(), cut);
      assertThat(firstFive).hasSize(cut);
      assertThat(firstFive.get(0).event()).isEqualTo("meta");
      String viewRequestId = firstFive.get(0).data().getString("requestId");
      int audited = audits.get(resumeOn).accesses.size();

      SseClient.Stream rest = await(new SseClient(vertx).open(nodes.get(resumeOn).port(), PATH,
          Map.of("Authorization", "Bearer doctor", "Last-Event-ID", firstFive.get(cut - 1).id()), e -> { })
          .compose(stream -> stream.ended.future()));
      assertThat(rest.response.statusCode()).isEqualTo(200);
      assertThat(rest.types()).doesNotContain("meta");
      assertThat(rest.ofType("complete")).hasSize(1);
      assertThat(rest.types()).last().isEqualTo("complete");

      List<SseEvent> union = new ArrayList<>(firstFive);
      union.addAll(rest.events);
      // Every section once, none again: the union is the uninterrupted view's sections, with the same resources.
      assertThat(sections(union)).isEqualTo(sections(whole));
      assertThat(union.stream().filter(e -> e.event().equals("section")).count())
          .isEqualTo(whole.stream().filter(e -> e.event().equals("section")).count());
      assertThat(sourcesFinished(union)).containsExactlyInAnyOrderElementsOf(sourcesFinished(whole));
      assertThat(sourcesFinished(union)).doesNotHaveDuplicates();
      // One complete covering the whole view: every source's status, including those finished before the cut.
      assertThat(statuses(rest.ofType("complete").get(0))).isEqualTo(statuses(whole.get(whole.size() - 1)));

      // A new access, audited, naming the view it resumes, asking only the sources not yet finished.
      TestComponents.MemoryAudit audit = audits.get(resumeOn);
      assertThat(audit.accesses).hasSizeGreaterThan(audited);
      var resumed = audit.accesses.get(audit.accesses.size() - 1);
      assertThat(resumed.resumes()).isEqualTo(viewRequestId);
      assertThat(resumed.outcome()).isEqualTo("allowed");
      assertThat(sourcesFinished(firstFive)).isNotEmpty();
      assertThat(resumed.sourcesAsked()).doesNotContainAnyElementsOf(sourcesFinished(firstFive));
    }
  }

  @Test
  void aStreamStartsWithRetryAndEveryEventIdIsAResumeToken() {
    SseClient.Stream stream = await(new SseClient(vertx).open(nodes.get(0).port(), PATH, bearer("doctor"), e -> { })
        .compose(s -> s.ended.future()));
    assertThat(stream.events).allSatisfy(e -> assertThat(e.id()).hasSizeGreaterThan(40).hasSizeLessThan(400)
        .matches("[A-Za-z0-9_-]+"));
    // Each event up to the last source names more than the one before (complete adds nothing, so may repeat
    // it; a group event is derived from the section before it and carries that section's token).
    List<SseEvent> beforeComplete = stream.events.subList(0, stream.events.size() - 1).stream()
        .filter(e -> !e.event().equals("group")).toList();
    assertThat(stream.types()).contains("group");
    assertThat(beforeComplete.stream().map(SseEvent::id).distinct().count()).isEqualTo(beforeComplete.size());
    // The complete's id resumes to a stream that asks nothing and says the view is complete.
    String last = stream.events.get(stream.events.size() - 1).id();
    SseClient.Stream again = await(new SseClient(vertx).open(nodes.get(1).port(), PATH,
        Map.of("Authorization", "Bearer doctor", "Last-Event-ID", last), e -> { }).compose(s -> s.ended.future()));
    assertThat(again.types()).containsExactly("complete");
    assertThat(again.ofType("complete").get(0).data().getJsonArray("sources")).hasSize(3);
  }

  @Test
  void theQueryParameterResumesAsTheHeaderDoes() {
    List<SseEvent> firstFive = cutAfter(nodes.get(0).port(), 5);
    SseClient.Stream rest = await(new SseClient(vertx).open(nodes.get(1).port(),
        PATH + "?lastEventId=" + firstFive.get(4).id(), bearer("doctor"), e -> { }).compose(s -> s.ended.future()));
    assertThat(rest.response.statusCode()).isEqualTo(200);
    assertThat(rest.types()).doesNotContain("meta").endsWith("complete");
  }

  @Test
  void aTokenAlteredExpiredOrForAnotherUserRoleOrPatientIsRefusedAndAudited() {
    String token = cutAfter(nodes.get(0).port(), 3).get(2).id();
    char flipped = token.charAt(10) == 'A' ? 'B' : 'A';
    String tampered = token.substring(0, 10) + flipped + token.substring(11);
    String expired = new ResumeTokens(ResumeKey.derivedFrom(SHARED_SECRET), 300,
        Clock.fixed(Instant.now().minusSeconds(600), ZoneOffset.UTC)).issue("view-1", new byte[12], new TreeMap<>());
    String otherKey = new ResumeTokens(ResumeKey.processLocal(), 300, Clock.systemUTC())
        .issue("view-1", new byte[12], new TreeMap<>());

    assertRefused(PATH, "doctor", tampered, "altered");
    assertRefused(PATH, "doctor", otherKey, "altered");
    assertRefused(PATH, "doctor", expired, "expired");
    assertRefused(PATH, "doctor", "17", "not one this service issued");
    assertRefused(PATH, "doctor", "x".repeat(5_000), "not one this service issued");
    assertRefused(PATH, "nurse", token, "another user");
    assertRefused(PATH, "doctor-other-role", token, "another user");
    assertRefused("/api/v1/patients/" + FakeSources.OTHER_NHS + "/record", "doctor", token, "another user");
    // Another set of sources asked for: not the view the token was issued for.
    assertRefused(PATH + "?sources=ACUTE", "doctor", token, "another user");
  }

  @Test
  void aTokenOnTheJsonRouteIsRefusedNotAnsweredWithAPartialDocument() {
    String token = cutAfter(nodes.get(0).port(), 3).get(2).id();
    var response = await(io.vertx.ext.web.client.WebClient.create(vertx).get(nodes.get(0).port(), "127.0.0.1", PATH)
        .putHeader("Accept", "application/json").putHeader("Authorization", "Bearer doctor")
        .putHeader("Last-Event-ID", token).send());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsString()).contains("INVALID_RESUME_TOKEN").contains("event stream");
  }

  private void assertRefused(String path, String who, String token, String why) {
    TestComponents.MemoryAudit audit = audits.get(1);
    int before = audit.accesses.size();
    int asked = calls();
    long started = System.nanoTime();
    // A whole response read by WebClient: the SSE test client reads an error body only once the response's
    // future has been handed on, and a small 400 could end before that (it then waited for ever).
    var answer = await(io.vertx.ext.web.client.WebClient.create(vertx).get(nodes.get(1).port(), "127.0.0.1", path)
        .putHeader("Accept", "text/event-stream").putHeader("Authorization", "Bearer " + who)
        .putHeader("Last-Event-ID", token).send(), 30);
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    if (tookMs > 5_000) {
      System.out.println("ResumeStreamTest: the refusal (" + why + ") took " + tookMs + " ms");
    }
    record Refused(io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> response, io.vertx.core.buffer.Buffer errorBody) {}
    Refused refused = new Refused(answer, answer.body() == null ? io.vertx.core.buffer.Buffer.buffer() : answer.body());
    assertThat(refused.response.statusCode()).as(why).isEqualTo(400);
    JsonObject outcome = new JsonObject(refused.errorBody.toString());
    assertThat(outcome.getString("resourceType")).isEqualTo("OperationOutcome");
    assertThat(refused.errorBody.toString()).contains("INVALID_RESUME_TOKEN").contains(why);
    assertThat(audit.accesses).hasSize(before + 1);
    assertThat(audit.accesses.get(before).refusalCode()).isEqualTo("INVALID_RESUME_TOKEN");
    assertThat(calls()).as("no source asked").isEqualTo(asked);
  }

  /** The first {@code n} events of a stream, the connection closed on the n-th (the tunnel). */
  private static List<SseEvent> cutAfter(int port, int n) {
    List<SseEvent> kept = new CopyOnWriteArrayList<>();
    Promise<Void> cut = Promise.promise();
    SseClient.Stream[] open = new SseClient.Stream[1];
    await(new SseClient(vertx).open(port, PATH, bearer("doctor"), event -> {
      if (kept.size() < n) {
        kept.add(event);
        if (kept.size() == n) {
          cut.tryComplete();
        }
      }
    }).onSuccess(stream -> open[0] = stream));
    await(cut.future());
    open[0].close();
    return List.copyOf(kept);
  }

  private static int calls() {
    return fakes.calls("ACUTE") + fakes.calls("COMMUNITY") + fakes.calls("MENTAL");
  }

  private static Map<String, String> bearer(String who) {
    return Map.of("Authorization", "Bearer " + who);
  }

  /** Each section event as source/section to its resources. */
  private static Map<String, String> sections(List<SseEvent> events) {
    return events.stream().filter(e -> e.event().equals("section")).collect(Collectors.toMap(
        e -> e.data().getString("source") + "/" + e.data().getString("section"),
        e -> e.data().getJsonArray("resources").encode()));
  }

  private static List<String> sourcesFinished(List<SseEvent> events) {
    return events.stream().filter(e -> e.event().equals("source")).map(e -> e.data().getString("source")).toList();
  }

  private static Map<String, String> statuses(SseEvent complete) {
    return complete.data().getJsonArray("sources").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(s -> s.getString("source"), s -> s.getString("status")));
  }

  private static <T> T await(Future<T> future) {
    return await(future, 20);
  }

  private static <T> T await(Future<T> future, int seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
