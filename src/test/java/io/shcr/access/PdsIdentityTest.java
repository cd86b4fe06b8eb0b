package io.shcr.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A PDS answer is believed only when it is the record of the number asked: a PDS (or something in its
 * place) answering with another person's record, or a superseded number's successor, sets neither the
 * restriction, nor the demographics sources are checked against, nor the practice asked.
 */
@ExtendWith(VertxExtension.class)
class PdsIdentityTest {

  private static final NhsNumber ASKED = NhsNumber.of(AccessTestBed.RICH);
  private static final String OTHER = AccessTestBed.OBJECTED;
  private final AccessTestBed bed = new AccessTestBed();

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    bed.start(vertx, 100, 1000).onComplete(test.succeedingThenComplete());
  }

  private static JsonObject patient(Object id, JsonArray identifiers) {
    JsonObject p = new JsonObject().put("resourceType", "Patient");
    if (id != null) {
      p.put("id", id);
    }
    return identifiers == null ? p : p.put("identifier", identifiers);
  }

  private static JsonArray nhs(String system, Object value) {
    return new JsonArray().add(new JsonObject().put("system", system).put("value", value));
  }

  @Test
  void onlyARecordShowingTheNumberAskedIsProven() {
    assertThat(PdsIdentity.of(ASKED, patient(ASKED.value(), null))).isEqualTo(PdsIdentity.PROVEN);
    assertThat(PdsIdentity.of(ASKED, patient(ASKED.value(), nhs(NhsNumber.SYSTEM, ASKED.value())))).isEqualTo(PdsIdentity.PROVEN);
    assertThat(PdsIdentity.of(ASKED, patient(ASKED.value(), nhs(NhsNumber.SYSTEM, "999 000 0018")))).isEqualTo(PdsIdentity.PROVEN);
    // Another number: in the id, or in an NHS-number identifier however its system is written.
    assertThat(PdsIdentity.of(ASKED, patient(OTHER, null))).isEqualTo(PdsIdentity.OTHER_NUMBER);
    assertThat(PdsIdentity.of(ASKED, patient(ASKED.value(), nhs(NhsNumber.SYSTEM, OTHER)))).isEqualTo(PdsIdentity.OTHER_NUMBER);
    assertThat(PdsIdentity.of(ASKED, patient(ASKED.value(), nhs("HTTP://fhir.nhs.uk/Id/nhs-number/", OTHER))))
        .isEqualTo(PdsIdentity.OTHER_NUMBER);
    JsonArray both = nhs(NhsNumber.SYSTEM, ASKED.value()).add(new JsonObject().put("system", "urn:oid:2.16.840.1.113883.2.1.4.1").put("value", OTHER));
    assertThat(PdsIdentity.of(ASKED, patient(ASKED.value(), both))).isEqualTo(PdsIdentity.OTHER_NUMBER);
    // Nothing that shows whose record it is.
    assertThat(PdsIdentity.of(ASKED, patient(null, null))).isEqualTo(PdsIdentity.UNPROVEN);
    assertThat(PdsIdentity.of(ASKED, patient(9990000018L, null))).isEqualTo(PdsIdentity.UNPROVEN);
    assertThat(PdsIdentity.of(ASKED, patient("p1", null))).isEqualTo(PdsIdentity.UNPROVEN);
    assertThat(PdsIdentity.of(ASKED, patient(ASKED.value(), nhs(NhsNumber.SYSTEM, 9990000018L)))).isEqualTo(PdsIdentity.UNPROVEN);
    assertThat(PdsIdentity.of(ASKED, patient(ASKED.value(), nhs(NhsNumber.SYSTEM, "")))).isEqualTo(PdsIdentity.UNPROVEN);
    assertThat(PdsIdentity.of(ASKED, patient(ASKED.value(), null).put("identifier", "x"))).isEqualTo(PdsIdentity.UNPROVEN);
    assertThat(PdsIdentity.of(ASKED, null)).isEqualTo(PdsIdentity.UNPROVEN);
  }

  @Test
  void anotherNumbersRecordFailsClosedAndAsksNoPractice(VertxTestContext test) {
    bed.spine.pdsAnswersAs = OTHER;
    bed.open(bed.persona("ed-doctor"), AccessTestBed.RICH).onComplete(test.succeeding(json -> test.verify(() -> {
      assertThat(json.getBoolean("allowed")).as(json.encode()).isTrue();
      assertThat(json.getBoolean("masked")).as("treated as restricted, as an unanswered PDS is").isTrue();
      assertThat(json.getString("gp")).isEqualTo("superseded");
      assertThat(json.getBoolean("pdsDemographics")).isFalse();
      test.completeNow();
    })));
  }

  @Test
  void theRecordOfTheNumberAskedIsBelieved(VertxTestContext test) {
    bed.spine.pdsAnswersAs = AccessTestBed.RICH;
    bed.open(bed.persona("ed-doctor"), AccessTestBed.RICH).onComplete(test.succeeding(json -> test.verify(() -> {
      assertThat(json.getBoolean("masked")).as(json.encode()).isFalse();
      assertThat(json.getString("gp")).isEqualTo("asked");
      assertThat(json.getBoolean("pdsDemographics")).isTrue();
      test.completeNow();
    })));
  }
}
