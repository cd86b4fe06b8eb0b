package io.shcr.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.audit.AccessAudit;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Break-glass: audited before it is granted, honoured by the gate for its window and no longer, refused when unjustified. */
@ExtendWith(VertxExtension.class)
class BreakGlassTest {

  private static final String JUSTIFICATION = "Unconscious patient brought in by ambulance, no history available";
  private final AccessTestBed bed = new AccessTestBed();
  private String paramedic;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    bed.start(vertx, 100, 1000).onComplete(test.succeedingThenComplete());
    paramedic = null;
  }

  private String paramedic() {
    if (paramedic == null) {
      paramedic = bed.token("555000200001", "R8003", "RX7");
    }
    return paramedic;
  }

  private static JsonObject body(String reason, String justification) {
    return new JsonObject().put("reasonCode", reason).put("justification", justification);
  }

  @Test
  void aGrantIsAuditedThenHonouredForItsWindowOnly(VertxTestContext test) {
    bed.open(paramedic(), AccessTestBed.RICH)
        .compose(before -> {
          test.verify(() -> assertThat(before.getString("code")).isEqualTo("NO_RELATIONSHIP"));
          return bed.breakGlass(paramedic(), AccessTestBed.RICH, body("patient-unable-to-consent", JUSTIFICATION));
        })
        .compose(response -> {
          test.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(201);
            JsonObject grant = response.bodyAsJsonObject();
            assertThat(Instant.parse(grant.getString("expiresAt"))).isEqualTo(AccessTestBed.START.plus(Duration.ofMinutes(240)));
            assertThat(grant.getString("reasonCode")).isEqualTo("patient-unable-to-consent");
            AccessAudit audit = bed.audit.records.get(0);
            assertThat(audit.action()).isEqualTo("break-glass");
            assertThat(audit.purpose()).isEqualTo("emergency");
            assertThat(audit.breakGlassReason()).isEqualTo("patient-unable-to-consent");
            assertThat(audit.outcome()).isEqualTo("allowed");
            assertThat(audit.nhsNumber()).isEqualTo(AccessTestBed.RICH);
            assertThat(audit.principal().userId()).isEqualTo("555000200001");
            assertThat(audit.justification()).as("kept for the privacy officer").isEqualTo(JUSTIFICATION);
            assertThat(audit.toString()).as("but never printed").doesNotContain(JUSTIFICATION);
          });
          return bed.open(paramedic(), AccessTestBed.RICH);
        })
        .compose(during -> {
          test.verify(() -> {
            assertThat(during.getBoolean("allowed")).isTrue();
            assertThat(during.getString("purpose")).isEqualTo("emergency");
            assertThat(during.getString("breakGlassReason")).isEqualTo("patient-unable-to-consent");
            assertThat(during.getString("relationshipVia")).isNull();
          });
          return bed.open(paramedic(), "9990000042");
        })
        .compose(otherPatient -> {
          test.verify(() -> assertThat(otherPatient.getString("code")).isEqualTo("NO_RELATIONSHIP"));
          bed.clock.advance(Duration.ofMinutes(241));
          return bed.open(bed.token("555000200001", "R8003", "RX7"), AccessTestBed.RICH);
        })
        .onComplete(test.succeeding(after -> test.verify(() -> {
          assertThat(after.getString("code")).isEqualTo("NO_RELATIONSHIP");
          test.completeNow();
        })));
  }

  @Test
  void anUnknownReasonIsRefusedAndAudited(VertxTestContext test) {
    bed.breakGlass(paramedic(), AccessTestBed.RICH, body("curiosity", JUSTIFICATION)).onComplete(test.succeeding(response -> test.verify(() -> {
      assertThat(response.statusCode()).isEqualTo(422);
      assertThat(response.bodyAsString()).contains("INVALID_PARAMETER").contains("emergency-treatment");
      assertThat(bed.audit.records).singleElement().satisfies(a -> {
        assertThat(a.outcome()).isEqualTo("refused");
        assertThat(a.refusalCode()).isEqualTo("INVALID_PARAMETER");
      });
      test.completeNow();
    })));
  }

  @Test
  void aMissingOrShortJustificationIsRefused(VertxTestContext test) {
    bed.breakGlass(paramedic(), AccessTestBed.RICH, body("emergency-treatment", "   because   "))
        .compose(short_ -> {
          test.verify(() -> assertThat(short_.statusCode()).isEqualTo(422));
          return bed.breakGlass(paramedic(), AccessTestBed.RICH, new JsonObject().put("reasonCode", "emergency-treatment"));
        })
        .onComplete(test.succeeding(missing -> test.verify(() -> {
          assertThat(missing.statusCode()).isEqualTo(422);
          assertThat(missing.bodyAsString()).contains("justification is required");
          test.completeNow();
        })));
  }

  @Test
  void withoutAuditThereIsNoGrant(VertxTestContext test) {
    bed.audit.failing = true;
    bed.breakGlass(paramedic(), AccessTestBed.RICH, body("emergency-treatment", JUSTIFICATION))
        .compose(response -> {
          test.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.bodyAsString()).contains("AUDIT_UNAVAILABLE");
          });
          bed.audit.failing = false;
          return bed.open(paramedic(), AccessTestBed.RICH);
        })
        .onComplete(test.succeeding(after -> test.verify(() -> {
          assertThat(after.getString("code")).isEqualTo("NO_RELATIONSHIP");
          test.completeNow();
        })));
  }

  @Test
  void aPrivacyOfficerCannotBreakGlass(VertxTestContext test) {
    bed.breakGlass(bed.persona("privacy-officer"), AccessTestBed.RICH, body("emergency-treatment", JUSTIFICATION))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(403);
          assertThat(response.bodyAsString()).contains("ACCESS_DENIED");
          test.completeNow();
        })));
  }

  @Test
  void aNotLiveOrganisationCannotBreakGlass(VertxTestContext test) {
    bed.breakGlass(bed.persona("not-live-council"), AccessTestBed.RICH, body("safeguarding", JUSTIFICATION))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(403);
          assertThat(response.bodyAsString()).contains("NO_ORGANISATION_CONSENT");
          test.completeNow();
        })));
  }

  @Test
  void anUnauthenticatedAttemptIsRefusedAndAudited(VertxTestContext test) {
    bed.breakGlass("not-a-token", AccessTestBed.RICH, body("emergency-treatment", JUSTIFICATION))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(401);
          assertThat(response.bodyAsJsonObject().getString("resourceType")).isEqualTo("OperationOutcome");
          assertThat(bed.audit.records).singleElement().satisfies(a -> {
            assertThat(a.principal()).isNull();
            assertThat(a.refusalCode()).isEqualTo("UNAUTHORISED");
          });
          test.completeNow();
        })));
  }

  @Test
  void anInvalidNhsNumberIsABadRequest(VertxTestContext test) {
    bed.breakGlass(paramedic(), "9990000019", body("emergency-treatment", JUSTIFICATION))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(400);
          assertThat(response.bodyAsString()).contains("INVALID_NHS_NUMBER");
          assertThat(bed.audit.records).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo("refused");
            assertThat(a.refusalCode()).isEqualTo("INVALID_NHS_NUMBER");
            assertThat(a.principal().userId()).isEqualTo("555000200001");
          });
          test.completeNow();
        })));
  }
}
