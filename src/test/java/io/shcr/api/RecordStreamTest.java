package io.shcr.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.config.ServiceConfig;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.FakeSources;
import io.shcr.support.FakeSources.Behaviour;
import io.shcr.support.SseClient;
import io.shcr.support.SseEvent;
import io.shcr.support.TestComponents;
import io.shcr.support.TestSources;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The record API end to end over real HTTP: fake sources, the real server, a real SSE client. */
@ExtendWith(VertxExtension.class)
class RecordStreamTest {

  private FakeSources fakes;
  private ShcrServer server;
  private TestComponents.MemoryAudit audit;

  private ShcrServer start(Vertx vertx, long requestDeadlineMs, java.util.function.Function<FakeSources, List<SourceConfig>> sources) {
    audit = new TestComponents.MemoryAudit();
    ServiceConfig config = new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, requestDeadlineMs, 60_000);
    Components components = TestComponents.components(new SourceRegistry(sources.apply(fakes)), TestComponents.allowAll(), audit);
    server = await(ShcrServer.start(vertx, config, components));
    return server;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Completes once the condition holds (checked every 20 ms), or fails after 5 s. */
  static Future<Void> eventually(Vertx vertx, java.util.function.BooleanSupplier condition) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    long started = System.currentTimeMillis();
    vertx.setPeriodic(0, 20, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        done.tryComplete();
      } else if (System.currentTimeMillis() - started > 5_000) {
        vertx.cancelTimer(id);
        done.tryFail("condition not met within 5 s");
      }
    });
    return done.future();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      await(server.close());
    }
    if (fakes != null) {
      fakes.openGate();
      await(fakes.close());
    }
  }

  private FakeSources fakes(Vertx vertx, Map<String, Behaviour> behaviours) {
    fakes = new FakeSources(vertx);
    behaviours.forEach(fakes::with);
    return await(fakes.start());
  }

  private static Map<String, String> statuses(SseEvent complete) {
    JsonArray sources = complete.data().getJsonArray("sources");
    return sources.stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(s -> s.getString("source"), s -> s.getString("status")));
  }

  @Test
  void fastSourceStreamsBeforeSlowSourceAnswers(Vertx vertx, VertxTestContext test) {
    fakes(vertx, Map.of("FAST", Behaviour.NORMAL, "SLOW", Behaviour.GATED));
    start(vertx, 10_000, f -> List.of(TestSources.fhir(f, "FAST", true, 5_000), TestSources.fhir(f, "SLOW", true, 5_000)));
    // The slow source answers only once the client has seen the fast source's data: progress is real.
    new SseClient(vertx).open(server.port(), "/api/v1/patients/9434765919/record", Map.of(), event -> {
      if (event.event().equals("section") && "FAST".equals(event.data().getString("source"))) {
        fakes.openGate();
      }
    }).compose(stream -> stream.ended.future()).onComplete(test.succeeding(stream -> test.verify(() -> {
      assertThat(stream.types().get(0)).isEqualTo("meta");
      assertThat(stream.types().get(stream.types().size() - 1)).isEqualTo("complete");
      assertThat(stream.events).allSatisfy(e -> assertThat(e.id()).isNotBlank());
      JsonObject meta = stream.events.get(0).data();
      assertThat(meta.getString("standingStatement")).contains("absence of information");
      assertThat(meta.getJsonArray("sources").stream().map(JsonObject.class::cast).map(s -> s.getString("status")))
          .containsOnly("pending");
      int fastSection = indexOf(stream.events, "section", "FAST");
      int slowSection = indexOf(stream.events, "section", "SLOW");
      assertThat(fastSection).isLessThan(slowSection);
      assertThat(statuses(stream.ofType("complete").get(0))).containsEntry("FAST", "ok").containsEntry("SLOW", "ok");
      assertThat(stream.ofType("section")).hasSize(6);
      JsonObject problems = stream.ofType("section").stream().map(SseEvent::data)
          .filter(d -> d.getString("section").equals("problems")).findFirst().orElseThrow();
      assertThat(problems.getJsonArray("resources").getJsonObject(0).getString("resourceType")).isEqualTo("Condition");
      assertThat(audit.accesses).hasSize(1);
      assertThat(audit.accesses.get(0).outcome()).isEqualTo("allowed");
      test.completeNow();
    })));
  }

  private static int indexOf(List<SseEvent> events, String type, String source) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).event().equals(type) && source.equals(events.get(i).data().getString("source"))) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void failingSourcesAreReportedWhileOthersDeliver(Vertx vertx, VertxTestContext test) {
    fakes(vertx, Map.of("OK1", Behaviour.NORMAL, "HANG", Behaviour.HANG, "E500", Behaviour.ERROR_500,
        "JUNK", Behaviour.GARBAGE, "HUGE", Behaviour.OVERSIZE, "DRIP", Behaviour.SLOW_DRIP, "LIAR", Behaviour.WRONG_PATIENT));
    start(vertx, 10_000, f -> List.of(TestSources.fhir(f, "OK1", true, 3_000), TestSources.fhir(f, "HANG", true, 400),
        TestSources.fhir(f, "E500", true, 3_000), TestSources.fhir(f, "JUNK", true, 3_000),
        TestSources.fhir(f, "HUGE", true, 3_000), TestSources.fhir(f, "DRIP", true, 400),
        TestSources.fhir(f, "LIAR", true, 3_000)));
    new SseClient(vertx).open(server.port(), "/api/v1/patients/943 476 5919/record".replace(" ", "%20"), Map.of(), e -> { })
        .compose(stream -> stream.ended.future()).onComplete(test.succeeding(stream -> test.verify(() -> {
          Map<String, String> statuses = statuses(stream.ofType("complete").get(0));
          assertThat(statuses).containsEntry("OK1", "ok").containsEntry("HANG", "timeout").containsEntry("E500", "error")
              .containsEntry("JUNK", "error").containsEntry("HUGE", "error").containsEntry("DRIP", "timeout")
              .containsEntry("LIAR", "patient-mismatch");
          assertThat(stream.ofType("source")).hasSize(7);
          String everything = stream.events.stream().map(e -> e.data().encode()).collect(Collectors.joining());
          assertThat(everything).doesNotContain(FakeSources.OTHER_NHS);
          JsonObject huge = stream.ofType("source").stream().map(SseEvent::data)
              .filter(d -> d.getString("source").equals("HUGE")).findFirst().orElseThrow();
          assertThat(huge.getString("detail")).contains("limit");
          // Nothing of a source that sent another patient's Patient is released, not even an empty section.
          assertThat(stream.ofType("section").stream().map(e -> e.data().getString("source")).distinct())
              .containsOnly("OK1");
          test.completeNow();
        })));
  }

  @Test
  void aSourceCannotSmuggleOtherResourceTypesIntoASection(Vertx vertx, VertxTestContext test) {
    fakes(vertx, Map.of("SNEAK", Behaviour.SMUGGLER));
    start(vertx, 5_000, f -> List.of(TestSources.fhir(f, "SNEAK", true, 3_000)));
    new SseClient(vertx).open(server.port(), "/api/v1/patients/9434765919/record?sections=encounters", Map.of(), e -> { })
        .compose(stream -> stream.ended.future()).onComplete(test.succeeding(stream -> test.verify(() -> {
          JsonObject encounters = stream.ofType("section").stream().map(SseEvent::data)
              .filter(d -> d.getString("section").equals("encounters")).findFirst().orElseThrow();
          assertThat(encounters.getJsonArray("resources")).isEmpty();
          assertThat(stream.events.stream().map(e -> e.data().encode()).collect(Collectors.joining())).doesNotContain("Condition");
          test.completeNow();
        })));
  }

  @Test
  void requestDeadlineCompletesTheStreamWithWhatArrived(Vertx vertx, VertxTestContext test) {
    fakes(vertx, Map.of("OK1", Behaviour.NORMAL, "HANG", Behaviour.HANG));
    start(vertx, 500, f -> List.of(TestSources.fhir(f, "OK1", true, 3_000), TestSources.fhir(f, "HANG", true, 60_000)));
    new SseClient(vertx).open(server.port(), "/api/v1/patients/9434765919/record", Map.of(), e -> { })
        .compose(stream -> stream.ended.future())
        // The outcome is audited on the server's event loop, just after the stream ends.
        .compose(stream -> eventually(vertx, () -> !audit.outcomes.isEmpty()).map(stream))
        .onComplete(test.succeeding(stream -> test.verify(() -> {
          assertThat(statuses(stream.ofType("complete").get(0))).containsEntry("OK1", "ok").containsEntry("HANG", "timeout");
          assertThat(audit.outcomes).singleElement().satisfies(o -> assertThat(o.outcome()).isEqualTo("complete"));
          test.completeNow();
        })));
  }

  @Test
  void idleStreamGetsHeartbeats(Vertx vertx, VertxTestContext test) {
    fakes(vertx, Map.of("SLOW", Behaviour.GATED));
    audit = new TestComponents.MemoryAudit();
    ServiceConfig config = new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, 10_000, 100);
    server = await(ShcrServer.start(vertx, config, TestComponents.components(
        new SourceRegistry(List.of(TestSources.fhir(fakes, "SLOW", true, 5_000))), TestComponents.allowAll(), audit)));
    new SseClient(vertx).open(server.port(), "/api/v1/patients/9434765919/record", Map.of(), e -> { })
        .onComplete(test.succeeding(stream -> vertx.setPeriodic(50, id -> {
          if (stream.comments.get() >= 2) {
            vertx.cancelTimer(id);
            fakes.openGate();
            stream.ended.future().onComplete(test.succeeding(s -> test.verify(() -> {
              assertThat(s.ofType("complete")).hasSize(1);
              test.completeNow();
            })));
          }
        })));
  }

  @Test
  void notLiveSourceIsReportedAndNeverCalled(Vertx vertx, VertxTestContext test) {
    fakes(vertx, Map.of("OK1", Behaviour.NORMAL, "COUNCIL", Behaviour.NORMAL));
    start(vertx, 5_000, f -> List.of(TestSources.fhir(f, "OK1", true, 3_000), TestSources.fhir(f, "COUNCIL", false, 3_000)));
    new SseClient(vertx).open(server.port(), "/api/v1/patients/9434765919/record", Map.of(), e -> { })
        .compose(stream -> stream.ended.future()).onComplete(test.succeeding(stream -> test.verify(() -> {
          JsonObject meta = stream.events.get(0).data();
          assertThat(meta.getJsonArray("sources").stream().map(JsonObject.class::cast)
              .filter(s -> s.getString("id").equals("COUNCIL")).findFirst().orElseThrow().getString("status")).isEqualTo("not-live");
          assertThat(statuses(stream.ofType("complete").get(0))).containsEntry("COUNCIL", "not-live");
          assertThat(fakes.calls("COUNCIL")).isZero();
          test.completeNow();
        })));
  }

  @Test
  void clientDisconnectCancelsCallsInFlight(Vertx vertx, VertxTestContext test) {
    fakes(vertx, Map.of("HANG", Behaviour.HANG));
    start(vertx, 60_000, f -> List.of(TestSources.fhir(f, "HANG", true, 60_000)));
    new SseClient(vertx).open(server.port(), "/api/v1/patients/9434765919/record", Map.of(), e -> { })
        .onComplete(test.succeeding(stream -> {
          vertx.setTimer(200, t -> stream.close());
          vertx.setPeriodic(50, id -> {
            if (fakes.abandoned("HANG") >= 2 && !audit.outcomes.isEmpty()) {
              vertx.cancelTimer(id);
              test.verify(() -> {
                assertThat(audit.outcomes.get(0).outcome()).isEqualTo("client-gone");
                test.completeNow();
              });
            }
          });
        }));
  }

  @Test
  void invalidNhsNumberIsRefusedBeforeAnySourceIsCalled(Vertx vertx, VertxTestContext test) {
    fakes(vertx, Map.of("OK1", Behaviour.NORMAL));
    start(vertx, 5_000, f -> List.of(TestSources.fhir(f, "OK1", true, 3_000)));
    WebClient.create(vertx).get(server.port(), "127.0.0.1", "/api/v1/patients/9434765918/record").send()
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(400);
          assertThat(response.bodyAsString()).contains("INVALID_NHS_NUMBER");
          assertThat(fakes.calls("OK1")).isZero();
          assertThat(audit.accesses).singleElement().satisfies(a -> assertThat(a.refusalCode()).isEqualTo("INVALID_NHS_NUMBER"));
          test.completeNow();
        })));
  }

  @Test
  void noAuditNoData(Vertx vertx, VertxTestContext test) {
    fakes(vertx, Map.of("OK1", Behaviour.NORMAL));
    start(vertx, 5_000, f -> List.of(TestSources.fhir(f, "OK1", true, 3_000)));
    audit.failing = true;
    WebClient.create(vertx).get(server.port(), "127.0.0.1", "/api/v1/patients/9434765919/record")
        .putHeader("Accept", "text/event-stream").send()
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(503);
          assertThat(response.bodyAsString()).contains("AUDIT_UNAVAILABLE");
          assertThat(fakes.calls("OK1")).isZero();
          test.completeNow();
        })));
  }

  @Test
  void jsonDocumentCarriesTheSameContent(Vertx vertx, VertxTestContext test) {
    fakes(vertx, Map.of("OK1", Behaviour.NORMAL, "GP1", Behaviour.GP_CONNECT, "E500", Behaviour.ERROR_500));
    start(vertx, 5_000, f -> List.of(TestSources.fhir(f, "OK1", true, 3_000), TestSources.gpConnect(f, "GP1"),
        TestSources.fhir(f, "E500", true, 3_000)));
    WebClient.create(vertx).get(server.port(), "127.0.0.1", "/api/v1/patients/9434765919/record?sections=demographics,allergies,encounters")
        .putHeader("Accept", "application/json").send()
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          // One "sections" key only: strict readers refuse duplicate keys.
          assertThat(response.bodyAsString().split("\"sections\":", -1)).hasSize(2);
          JsonObject doc = response.bodyAsJsonObject();
          assertThat(doc.getString("standingStatement")).isNotBlank();
          Map<String, JsonObject> sources = doc.getJsonArray("sources").stream().map(JsonObject.class::cast)
              .collect(Collectors.toMap(s -> s.getString("source"), s -> s));
          assertThat(sources.get("OK1").getString("status")).isEqualTo("ok");
          assertThat(sources.get("E500").getString("status")).isEqualTo("error");
          assertThat(sources.get("GP1").getString("status")).isEqualTo("ok");
          assertThat(sources.get("GP1").getString("detail")).contains("allergies: data-in-transit").contains("NOT_IMPLEMENTED")
              .doesNotContain("Consultations not enabled");
          List<JsonObject> sections = doc.getJsonArray("sections").stream().map(JsonObject.class::cast).toList();
          assertThat(sections).anySatisfy(s -> {
            assertThat(s.getString("source")).isEqualTo("GP1");
            assertThat(s.getString("section")).isEqualTo("allergies");
            assertThat(s.getJsonArray("resources").getJsonObject(0).getString("resourceType")).isEqualTo("AllergyIntolerance");
          });
          assertThat(sections).noneMatch(s -> s.getString("section").equals("problems"));
          test.completeNow();
        })));
  }

  @Test
  void unknownSectionOrSourceIsAClearError(Vertx vertx, VertxTestContext test) {
    fakes(vertx, Map.of("OK1", Behaviour.NORMAL));
    start(vertx, 5_000, f -> List.of(TestSources.fhir(f, "OK1", true, 3_000)));
    WebClient client = WebClient.create(vertx);
    client.get(server.port(), "127.0.0.1", "/api/v1/patients/9434765919/record?sections=gossip").send()
        .compose(first -> client.get(server.port(), "127.0.0.1", "/api/v1/patients/9434765919/record?sources=NOPE").send()
            .map(second -> List.of(first, second)))
        .onComplete(test.succeeding(both -> test.verify(() -> {
          assertThat(both).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(422);
            assertThat(r.bodyAsString()).contains("INVALID_PARAMETER");
          });
          assertThat(fakes.calls("OK1")).isZero();
          test.completeNow();
        })));
  }
}
