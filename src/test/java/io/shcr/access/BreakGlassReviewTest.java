package io.shcr.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.audit.AccessAudit;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a privacy officer needs to review a break-glass: the user's own words are kept in the audit
 * record (sanitised, bounded), never in the answer or a log line; and a break-glass that could not
 * give access is refused, says why, grants nothing, and is audited too.
 */
@ExtendWith(VertxExtension.class)
class BreakGlassReviewTest {

  private final AccessTestBed bed = new AccessTestBed();

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    bed.spine.objected.add(AccessTestBed.OBJECTED);
    bed.start(vertx, 100, 1000).onComplete(test.succeedingThenComplete());
  }

  private static JsonObject body(String reason, String justification) {
    return new JsonObject().put("reasonCode", reason).put("justification", justification);
  }

  @Test
  void theJustificationIsKeptSanitisedInTheAuditRecordOnly(VertxTestContext test) {
    String words = "Unconscious\u0007 patient,\r\n\tno history;\u202E reversed\u200B and \u00e9t\u00e9 brought in";
    bed.breakGlass(bed.persona("ed-doctor"), AccessTestBed.RICH, body("patient-unable-to-consent", words))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(201);
          assertThat(response.bodyAsString()).doesNotContain("Unconscious");
          AccessAudit audit = bed.audit.records.get(0);
          assertThat(audit.outcome()).isEqualTo("allowed");
          assertThat(audit.justification()).isEqualTo("Unconscious patient, no history; reversed and \u00e9t\u00e9 brought in");
          assertThat(audit.toString()).doesNotContain("Unconscious");
          test.completeNow();
        })));
  }

  @Test
  void anOverlongJustificationIsRefusedAndKeptCut(VertxTestContext test) {
    bed.breakGlass(bed.persona("ed-doctor"), AccessTestBed.RICH, body("emergency-treatment", "w".repeat(5_000)))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(422);
          AccessAudit audit = bed.audit.records.get(0);
          assertThat(audit.outcome()).isEqualTo("refused");
          assertThat(audit.justification()).startsWith("w".repeat(2_000)).endsWith("[cut: 3000 more characters]");
          test.completeNow();
        })));
  }

  @Test
  void invisibleCharactersDoNotMakeAJustification(VertxTestContext test) {
    bed.breakGlass(bed.persona("ed-doctor"), AccessTestBed.RICH, body("emergency-treatment", "\u200B".repeat(30) + "x"))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(422);
          test.completeNow();
        })));
  }

  @Test
  void safeguardingForAnObjectingPatientIsRefusedAndGrantsNothing(VertxTestContext test) {
    String socialWorker = bed.persona("social-worker");
    bed.breakGlass(socialWorker, AccessTestBed.OBJECTED, body("safeguarding", "Concern raised by neighbour about neglect"))
        .compose(response -> {
          test.verify(() -> {
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.bodyAsString()).contains("NO_PATIENT_CONSENT").contains("nothing was granted")
                .contains("emergency-treatment");
            AccessAudit audit = bed.audit.records.get(0);
            assertThat(audit.action()).isEqualTo("break-glass");
            assertThat(audit.outcome()).isEqualTo("refused");
            assertThat(audit.refusalCode()).isEqualTo("NO_PATIENT_CONSENT");
            assertThat(audit.breakGlassReason()).isEqualTo("safeguarding");
            assertThat(audit.justification()).isEqualTo("Concern raised by neighbour about neglect");
          });
          // Were a grant there, the record would open as an emergency once the objection is lifted.
          bed.spine.objected.remove(AccessTestBed.OBJECTED);
          return bed.open(socialWorker, AccessTestBed.OBJECTED);
        })
        .onComplete(test.succeeding(after -> test.verify(() -> {
          assertThat(after.getString("purpose")).as(after.encode()).isNotEqualTo("emergency");
          assertThat(after.getString("breakGlassReason")).isNull();
          test.completeNow();
        })));
  }

  @Test
  void withoutTheConsentServiceOnlyEmergencyTreatmentIsGranted(VertxTestContext test) {
    String doctor = bed.persona("ed-doctor");
    bed.spine.consentDown = true;
    bed.breakGlass(doctor, AccessTestBed.RICH, body("urgent-clinical-need", "Patient arrived in ED, no recorded relationship"))
        .compose(urgent -> {
          test.verify(() -> {
            assertThat(urgent.statusCode()).isEqualTo(503);
            assertThat(urgent.bodyAsString()).contains("CONSENT_UNAVAILABLE").contains("nothing was granted");
            assertThat(urgent.getHeader("Retry-After")).isEqualTo("5");
            assertThat(bed.audit.records.get(0).outcome()).isEqualTo("refused");
          });
          return bed.breakGlass(doctor, AccessTestBed.RICH, body("emergency-treatment", "Unconscious patient brought in by ambulance"));
        })
        .compose(emergency -> {
          test.verify(() -> assertThat(emergency.statusCode()).isEqualTo(201));
          return bed.open(doctor, AccessTestBed.RICH);
        })
        .onComplete(test.succeeding(after -> test.verify(() -> {
          assertThat(after.getString("breakGlassReason")).isEqualTo("emergency-treatment");
          test.completeNow();
        })));
  }
}
