package io.shcr.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Reading the registered practice from a PDS Patient: one current ODS reference, or no practice asked. */
class GpRegistrationTest {

  private static final LocalDate TODAY = LocalDate.of(2026, 12, 3);

  private static JsonObject gp(String system, String value, JsonObject period) {
    JsonObject identifier = new JsonObject().put("system", system).put("value", value);
    if (period != null) {
      identifier.put("period", period);
    }
    return new JsonObject().put("id", "254406A3").put("type", "Organization").put("identifier", identifier);
  }

  private static GpRegistration read(JsonObject... references) {
    return GpRegistration.of(new JsonObject().put("resourceType", "Patient").put("generalPractitioner", new JsonArray(java.util.List.of(references))), TODAY);
  }

  @Test
  void oneCurrentPracticeIsTheRegisteredOne() {
    assertThat(read(gp(GpRegistration.ODS_SYSTEM, "Y12345", new JsonObject().put("start", "2020-03-31"))))
        .isEqualTo(GpRegistration.at("Y12345"));
    assertThat(read(gp(GpRegistration.ODS_SYSTEM, " y12345 ", null))).isEqualTo(GpRegistration.at("Y12345"));
    // The same practice twice is still one practice; an ended registration does not count.
    assertThat(read(gp(GpRegistration.ODS_SYSTEM, "Y12345", null), gp(GpRegistration.ODS_SYSTEM, "Y12345", null),
        gp(GpRegistration.ODS_SYSTEM, "B82617", new JsonObject().put("end", "2021-01-01")))).isEqualTo(GpRegistration.at("Y12345"));
    assertThat(read(gp(GpRegistration.ODS_SYSTEM, "Y12345", new JsonObject().put("end", "2026-12-03")))).isEqualTo(GpRegistration.at("Y12345"));
  }

  @Test
  void anythingElseAsksNoPractice() {
    assertThat(GpRegistration.of(new JsonObject().put("resourceType", "Patient"), TODAY)).isEqualTo(GpRegistration.NONE);
    assertThat(GpRegistration.of(null, TODAY)).isEqualTo(GpRegistration.NONE);
    assertThat(read(gp("https://example.org/other-codes", "Y12345", null))).isEqualTo(GpRegistration.NONE);
    assertThat(read(gp(GpRegistration.ODS_SYSTEM, "Y12345", new JsonObject().put("end", "2026-12-02")))).isEqualTo(GpRegistration.NONE);
    assertThat(read(gp(GpRegistration.ODS_SYSTEM, "Y12345", new JsonObject().put("end", "soon")))).isEqualTo(GpRegistration.NONE);
    // A registration that begins tomorrow is not today's practice; nor is one whose start cannot be read.
    assertThat(read(gp(GpRegistration.ODS_SYSTEM, "Y12345", new JsonObject().put("start", "2026-12-04")))).isEqualTo(GpRegistration.NONE);
    assertThat(read(gp(GpRegistration.ODS_SYSTEM, "Y12345", new JsonObject().put("start", "someday")))).isEqualTo(GpRegistration.NONE);
    assertThat(read(gp(GpRegistration.ODS_SYSTEM, "Y12345", new JsonObject().put("start", 2020)))).isEqualTo(GpRegistration.NONE);
    // Moving practice: the old one until the move, the new one from the day it starts.
    assertThat(read(gp(GpRegistration.ODS_SYSTEM, "B82617", new JsonObject().put("end", "2027-01-10")),
        gp(GpRegistration.ODS_SYSTEM, "Y12345", new JsonObject().put("start", "2027-01-11")))).isEqualTo(GpRegistration.at("B82617"));
    assertThat(read(gp(GpRegistration.ODS_SYSTEM, "Y12345", new JsonObject().put("start", "2026-12-03T09:00:00Z"))))
        .isEqualTo(GpRegistration.at("Y12345"));
    assertThat(read(gp(GpRegistration.ODS_SYSTEM, "Y12345", null), gp(GpRegistration.ODS_SYSTEM, "B82617", null)))
        .isEqualTo(GpRegistration.AMBIGUOUS);
    assertThat(read(gp(GpRegistration.ODS_SYSTEM, "Y12345/../../admin", null))).isEqualTo(GpRegistration.AMBIGUOUS);
    assertThat(GpRegistration.of(new JsonObject().put("resourceType", "Patient").put("generalPractitioner", "Y12345"), TODAY))
        .isEqualTo(GpRegistration.NONE);
  }

  @Test
  void onlyTheRegisteredPracticeIsPermitted() {
    assertThat(GpRegistration.at("Y12345").permits("Y12345")).isTrue();
    assertThat(GpRegistration.at("Y12345").permits("B82617")).isFalse();
    for (GpRegistration none : new GpRegistration[] {GpRegistration.NONE, GpRegistration.AMBIGUOUS, GpRegistration.WITHHELD,
        GpRegistration.UNKNOWN, GpRegistration.SUPERSEDED}) {
      assertThat(none.permits("Y12345")).as(none.kind().name()).isFalse();
      assertThat(none.notAskedDetail()).as(none.kind().name()).isNotBlank().doesNotContain("Y12345");
    }
  }
}
