package io.shcr.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.AccessDecision;
import io.shcr.access.AccessGate;
import io.shcr.access.Purpose;
import io.shcr.access.ResourceTransform;
import io.shcr.config.ServiceConfig;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.FakeSources;
import io.shcr.support.FakeSources.Behaviour;
import io.shcr.support.SseClient;
import io.shcr.support.TestComponents;
import io.shcr.support.TestSources;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * When the relationship rests on the user's own organisation holding the patient, nothing is sent
 * until that source has answered; if it does not know the patient, the request is refused with
 * nothing sent, though every source was asked at once.
 */
@ExtendWith(VertxExtension.class)
class RelationshipHoldTest {

  private static AccessGate viaOwnOrganisation(String ods) {
    return (ctx, request) -> Future.succeededFuture(new AccessDecision(TestComponents.DOCTOR, null, request.sections(),
        Purpose.DIRECT_CARE, null, ods, resource -> resource.copy().put("masked", true)));
  }

  private Future<SseClient.Stream> run(Vertx vertx, Behaviour own, long ownDeadlineMs) {
    return run(vertx, own, ownDeadlineMs, new TestComponents.MemoryAudit());
  }

  private Future<SseClient.Stream> run(Vertx vertx, Behaviour own, long ownDeadlineMs, TestComponents.MemoryAudit audit) {
    FakeSources fakes = new FakeSources(vertx).with("OWN", own).with("OTHER", Behaviour.NORMAL);
    return fakes.start().compose(f -> ShcrServer.start(vertx, new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, 5_000, 60_000),
        TestComponents.components(new SourceRegistry(List.of(TestSources.fhir(f, "OWN", true, ownDeadlineMs),
            TestSources.fhir(f, "OTHER", true, 3_000))), viaOwnOrganisation("OWN"), audit)))
        .compose(server -> new SseClient(vertx).open(server.port(), "/api/v1/patients/9434765919/record?sources=OTHER", Map.of(), e -> { }))
        .compose(stream -> stream.ended.future())
        // The outcome record is written just after the response ends.
        .compose(stream -> outcomeWritten(vertx, audit, 100).map(stream))
        // Asked at once: when the view opens, the other source has been called too (a refusal can come
        // before the other source's request even reaches it, since it cancels that request).
        .andThen(done -> {
          if (done.succeeded() && done.result().response.statusCode() == 200) {
            assertThat(fakes.calls("OTHER")).isPositive();
          }
        });
  }

  private static Future<Void> outcomeWritten(Vertx vertx, TestComponents.MemoryAudit audit, int triesLeft) {
    if (!audit.outcomes.isEmpty() || triesLeft == 0) {
      return Future.succeededFuture();
    }
    return vertx.timer(20).compose(t -> outcomeWritten(vertx, audit, triesLeft - 1));
  }

  @Test
  void theAuditSaysConditionalThenRefusedWithTheCodeTheClientGot(Vertx vertx, VertxTestContext test) {
    TestComponents.MemoryAudit refusedAudit = new TestComponents.MemoryAudit();
    TestComponents.MemoryAudit unavailableAudit = new TestComponents.MemoryAudit();
    TestComponents.MemoryAudit allowedAudit = new TestComponents.MemoryAudit();
    run(vertx, Behaviour.UNKNOWN_PATIENT, 3_000, refusedAudit)
        .compose(refused -> run(vertx, Behaviour.HANG, 300, unavailableAudit))
        .compose(unavailable -> run(vertx, Behaviour.NORMAL, 3_000, allowedAudit))
        .onComplete(test.succeeding(allowed -> test.verify(() -> {
          assertThat(refusedAudit.accesses).singleElement().satisfies(a -> assertThat(a.outcome()).isEqualTo("conditional"));
          assertThat(refusedAudit.outcomes).singleElement().satisfies(o -> {
            assertThat(o.outcome()).isEqualTo("refused");
            assertThat(o.refusalCode()).isEqualTo("NO_RELATIONSHIP");
          });
          assertThat(unavailableAudit.outcomes).singleElement().satisfies(o -> {
            assertThat(o.outcome()).isEqualTo("refused");
            assertThat(o.refusalCode()).isEqualTo("RELATIONSHIP_UNAVAILABLE");
          });
          assertThat(allowedAudit.outcomes).singleElement().satisfies(o -> {
            assertThat(o.outcome()).isEqualTo("complete");
            assertThat(o.refusalCode()).isNull();
          });
          test.completeNow();
        })));
  }

  @Test
  void releasesEverythingOnceTheOwnOrganisationKnowsThePatient(Vertx vertx, VertxTestContext test) {
    run(vertx, Behaviour.NORMAL, 3_000).onComplete(test.succeeding(stream -> test.verify(() -> {
      assertThat(stream.response.statusCode()).isEqualTo(200);
      assertThat(stream.types().get(0)).isEqualTo("meta");
      assertThat(stream.ofType("complete")).hasSize(1);
      assertThat(stream.ofType("section")).isNotEmpty().allSatisfy(e -> assertThat(
          e.data().getJsonArray("resources").stream().map(JsonObject.class::cast).allMatch(r -> r.getBoolean("masked"))).isTrue());
      test.completeNow();
    })));
  }

  @Test
  void refusesWithNothingSentWhenTheOwnOrganisationDoesNotKnowThePatient(Vertx vertx, VertxTestContext test) {
    run(vertx, Behaviour.UNKNOWN_PATIENT, 3_000).onComplete(test.succeeding(stream -> test.verify(() -> {
      assertThat(stream.response.statusCode()).isEqualTo(403);
      assertThat(stream.events).isEmpty();
      assertThat(stream.errorBody.toString()).contains("NO_RELATIONSHIP").contains("break-glass");
      test.completeNow();
    })));
  }

  @Test
  void aVerifiedPatientReleasesTheRestWithoutWaitingForTheWholeOwnSource(Vertx vertx, VertxTestContext test) {
    FakeSources fakes = new FakeSources(vertx).with("OWN", Behaviour.PATIENT_THEN_HANG).with("OTHER", Behaviour.NORMAL);
    fakes.start().compose(f -> ShcrServer.start(vertx, new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, 60_000, 60_000),
        TestComponents.components(new SourceRegistry(List.of(TestSources.fhir(f, "OWN", true, 60_000),
            TestSources.fhir(f, "OTHER", true, 3_000))), viaOwnOrganisation("OWN"), new TestComponents.MemoryAudit())))
        .compose(server -> new SseClient(vertx).open(server.port(), "/api/v1/patients/9434765919/record", Map.of(), event -> {
          // OWN's problems search never answers: only early release can let OTHER's data through.
          if (event.event().equals("section") && "OTHER".equals(event.data().getString("source"))) {
            test.completeNow();
          }
        }))
        .onFailure(test::failNow);
  }

  @Test
  void aPatientWithoutTheRightNhsNumberDoesNotProveTheRelationship(Vertx vertx, VertxTestContext test) {
    run(vertx, Behaviour.NO_NHS_NUMBER, 3_000)
        .compose(first -> run(vertx, Behaviour.WRONG_PATIENT, 3_000).map(second -> List.of(first, second)))
        .onComplete(test.succeeding(both -> test.verify(() -> {
          assertThat(both).allSatisfy(stream -> {
            assertThat(stream.response.statusCode()).isEqualTo(403);
            assertThat(stream.events).isEmpty();
            assertThat(stream.errorBody.toString()).contains("NO_RELATIONSHIP");
          });
          test.completeNow();
        })));
  }

  @Test
  void saysSoWhenTheOwnOrganisationCannotAnswer(Vertx vertx, VertxTestContext test) {
    run(vertx, Behaviour.HANG, 300).onComplete(test.succeeding(stream -> test.verify(() -> {
      assertThat(stream.response.statusCode()).isEqualTo(503);
      assertThat(stream.response.getHeader("Retry-After")).isEqualTo("5");
      assertThat(stream.events).isEmpty();
      assertThat(stream.errorBody.toString()).contains("RELATIONSHIP_UNAVAILABLE").contains("break-glass");
      test.completeNow();
    })));
  }
}
