package io.shcr.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Objections (and only emergency break-glass overriding them), fail-closed Spine lookups, and S-flag masking. */
@ExtendWith(VertxExtension.class)
class ConsentAndRestrictionTest {

  private static final String JUSTIFICATION = "Anaphylaxis in ED, patient unresponsive, need allergy history";
  private final AccessTestBed bed = new AccessTestBed();

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    bed.spine.objected.add(AccessTestBed.OBJECTED);
    bed.spine.restricted.add(AccessTestBed.RESTRICTED);
    bed.spine.unknownToPds.add("9990000042");
    bed.start(vertx, 100, 1000).onComplete(test.succeedingThenComplete());
  }

  @Test
  void anObjectionRefuses(VertxTestContext test) {
    bed.open(bed.persona("ed-doctor"), AccessTestBed.OBJECTED).onComplete(test.succeeding(json -> test.verify(() -> {
      assertThat(json.getInteger("status")).isEqualTo(403);
      assertThat(json.getString("code")).isEqualTo("NO_PATIENT_CONSENT");
      test.completeNow();
    })));
  }

  @Test
  void emergencyTreatmentBreakGlassOverridesAnObjectionButSafeguardingDoesNot(VertxTestContext test) {
    String doctor = bed.persona("ed-doctor");
    String socialWorker = bed.persona("social-worker");
    bed.breakGlass(doctor, AccessTestBed.OBJECTED, new JsonObject().put("reasonCode", "emergency-treatment").put("justification", JUSTIFICATION))
        .compose(r -> bed.breakGlass(socialWorker, AccessTestBed.OBJECTED,
            new JsonObject().put("reasonCode", "safeguarding").put("justification", "Concern raised by neighbour about neglect")))
        .compose(r -> bed.open(doctor, AccessTestBed.OBJECTED))
        .compose(allowed -> {
          test.verify(() -> {
            assertThat(allowed.getBoolean("allowed")).as(allowed.encode()).isTrue();
            assertThat(allowed.getString("purpose")).isEqualTo("emergency");
          });
          return bed.open(socialWorker, AccessTestBed.OBJECTED);
        })
        .onComplete(test.succeeding(refused -> test.verify(() -> {
          assertThat(refused.getString("code")).isEqualTo("NO_PATIENT_CONSENT");
          test.completeNow();
        })));
  }

  @Test
  void anUnreachableConsentServiceFailsClosed(VertxTestContext test) {
    bed.spine.consentDown = true;
    bed.open(bed.persona("ed-doctor"), AccessTestBed.RICH).onComplete(test.succeeding(json -> test.verify(() -> {
      assertThat(json.getInteger("status")).isEqualTo(503);
      assertThat(json.getString("code")).isEqualTo("CONSENT_UNAVAILABLE");
      assertThat(Long.parseLong(json.getJsonObject("headers").getString("Retry-After"))).isPositive();
      test.completeNow();
    })));
  }

  @Test
  void aSilentConsentServiceFailsClosedAtItsDeadline(VertxTestContext test) {
    bed.spine.consentHangs = true;
    bed.open(bed.persona("ed-doctor"), AccessTestBed.RICH).onComplete(test.succeeding(json -> test.verify(() -> {
      assertThat(json.getString("code")).isEqualTo("CONSENT_UNAVAILABLE");
      test.completeNow();
    })));
  }

  @Test
  void emergencyBreakGlassProceedsWithoutTheConsentService(VertxTestContext test) {
    bed.spine.consentDown = true;
    String doctor = bed.persona("ed-doctor");
    bed.breakGlass(doctor, AccessTestBed.RICH, new JsonObject().put("reasonCode", "emergency-treatment").put("justification", JUSTIFICATION))
        .compose(r -> bed.open(doctor, AccessTestBed.RICH))
        .onComplete(test.succeeding(json -> test.verify(() -> {
          assertThat(json.getBoolean("allowed")).isTrue();
          test.completeNow();
        })));
  }

  @Test
  void aRestrictedPatientIsMasked(VertxTestContext test) {
    bed.open(bed.persona("ed-doctor"), AccessTestBed.RESTRICTED).onComplete(test.succeeding(json -> test.verify(() -> {
      assertThat(json.getBoolean("allowed")).isTrue();
      assertThat(json.getBoolean("masked")).isTrue();
      test.completeNow();
    })));
  }

  @Test
  void anUnreachablePdsMasks(VertxTestContext test) {
    bed.spine.pdsDown = true;
    bed.open(bed.persona("ed-doctor"), AccessTestBed.RICH).onComplete(test.succeeding(json -> test.verify(() -> {
      assertThat(json.getBoolean("masked")).isTrue();
      test.completeNow();
    })));
  }

  @Test
  void aPatientUnknownToPdsOrUnflaggedIsNotMasked(VertxTestContext test) {
    bed.open(bed.persona("ed-doctor"), "9990000042")
        .compose(unknown -> {
          test.verify(() -> assertThat(unknown.getBoolean("masked")).isFalse());
          return bed.open(bed.persona("ed-doctor"), AccessTestBed.RICH);
        })
        .onComplete(test.succeeding(plain -> test.verify(() -> {
          assertThat(plain.getBoolean("masked")).isFalse();
          test.completeNow();
        })));
  }
}
