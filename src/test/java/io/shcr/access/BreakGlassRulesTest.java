package io.shcr.access;

import io.shcr.api.BreakGlassRoutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Who may break glass, what a grant is bound to, and an honest audit trail when the grant cannot be stored. */
@ExtendWith(VertxExtension.class)
class BreakGlassRulesTest {

  private static final String JUSTIFICATION = "Unconscious patient brought in by ambulance, no history available";
  private final AccessTestBed bed = new AccessTestBed();

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    bed.start(vertx, 100, 1000).onComplete(test.succeedingThenComplete());
  }

  private static JsonObject body(String reason) {
    return new JsonObject().put("reasonCode", reason).put("justification", JUSTIFICATION);
  }

  @Test
  void aGrantDoesNotFollowTheUserIntoAnotherRole(VertxTestContext test) {
    String asNurse = bed.token("555000300001", "555000300001-01", "R8001", "RX7", List.of("B0370"));
    String asNurseElsewhere = bed.token("555000300001", "555000300001-02", "R8001", "RXN", List.of("B0370"));
    bed.breakGlass(asNurse, AccessTestBed.RICH, body("emergency-treatment"))
        .compose(granted -> {
          test.verify(() -> assertThat(granted.statusCode()).isEqualTo(201));
          return bed.open(asNurse, AccessTestBed.RICH);
        })
        .compose(sameRole -> {
          test.verify(() -> assertThat(sameRole.getBoolean("allowed")).isTrue());
          return bed.open(bed.token("555000300001", "555000300001-02", "R8001", "RX7", List.of("B0370")), AccessTestBed.RICH);
        })
        .onComplete(test.succeeding(otherRole -> test.verify(() -> {
          assertThat(otherRole.getString("code")).isEqualTo("NO_RELATIONSHIP");
          assertThat(asNurseElsewhere).isNotEqualTo(asNurse);
          test.completeNow();
        })));
  }

  @Test
  void aReceptionistMayNotBreakGlass(VertxTestContext test) {
    bed.breakGlass(bed.persona("receptionist"), AccessTestBed.RICH, body("emergency-treatment"))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(403);
          assertThat(response.bodyAsString()).contains("ACCESS_DENIED").contains("R8009 may not break glass").contains("B0168");
          assertThat(bed.audit.records).singleElement().satisfies(a -> assertThat(a.refusalCode()).isEqualTo("ACCESS_DENIED"));
          test.completeNow();
        })));
  }

  @Test
  void emergencyAccessActivityLetsAnotherRoleBreakGlass(VertxTestContext test) {
    String receptionistWithB0168 = bed.token("555000300002", "555000300002-01", "R8009", "RX7", List.of("B0370", "B0168"));
    bed.breakGlass(receptionistWithB0168, AccessTestBed.RICH, body("emergency-treatment"))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(201);
          test.completeNow();
        })));
  }

  @Test
  void aSocialWorkerMayBreakGlassForSafeguardingOnly(VertxTestContext test) {
    bed.breakGlass(bed.persona("social-worker"), AccessTestBed.RICH, body("emergency-treatment"))
        .compose(emergency -> {
          test.verify(() -> {
            assertThat(emergency.statusCode()).isEqualTo(403);
            assertThat(emergency.bodyAsString()).contains("ACCESS_DENIED");
          });
          return bed.breakGlass(bed.persona("social-worker"), AccessTestBed.RICH, body("safeguarding"));
        })
        .onComplete(test.succeeding(safeguarding -> test.verify(() -> {
          assertThat(safeguarding.statusCode()).isEqualTo(201);
          test.completeNow();
        })));
  }

  @Test
  void aGrantThatCannotBeStoredMarksItsAuditEntryAsAnError(Vertx vertx, VertxTestContext test) {
    AccessPolicy policy = bed.tokens.policy();
    BreakGlassGrants broken = new BreakGlassGrants(() -> Future.failedFuture("cluster map unavailable"),
        new KeyedHash(policy.hashSecret()), SharedValueSeal.processLocal(), new IntegrityAlarm(bed.audit, bed.clock), bed.clock);
    PolicyGate gate = (PolicyGate) bed.module.gate();
    BreakGlassRoutes routes = new BreakGlassRoutes(bed.module.authenticator(), gate, new RoleViews(policy.roleViews()), broken,
        bed.audit, policy.breakGlass(), bed.clock);
    Router router = Router.router(vertx);
    routes.mount(router);
    vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .compose(server -> bed.client.post(server.actualPort(), "127.0.0.1", "/api/v1/patients/" + AccessTestBed.RICH + "/break-glass")
            .putHeader("Authorization", "Bearer " + bed.persona("ed-doctor"))
            .putHeader("X-Request-ID", "client chosen id; not a safe token")
            .sendJsonObject(body("emergency-treatment")))
        .onComplete(test.succeeding((HttpResponse<Buffer> response) -> test.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(503);
          assertThat(bed.audit.records).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo("allowed");
            assertThat(a.requestId()).isNotEqualTo("client chosen id; not a safe token");
          });
          assertThat(bed.audit.outcomes).singleElement().satisfies(o -> assertThat(o.outcome()).isEqualTo("error"));
          assertThat(bed.audit.records.toString()).doesNotContain(JUSTIFICATION);
          test.completeNow();
        })));
  }
}
