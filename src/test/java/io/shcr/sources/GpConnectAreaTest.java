package io.shcr.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.core.Section;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** GP Connect's clinical areas: which List is whose, which issue names which area, what judges what. */
class GpConnectAreaTest {

  private static JsonObject list(String code, String... items) {
    JsonObject list = new JsonObject().put("resourceType", "List");
    if (code != null) {
      list.put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
          .put("system", "http://snomed.info/sct").put("code", code))));
    }
    JsonArray entries = new JsonArray();
    for (String item : items) {
      entries.add(new JsonObject().put("item", new JsonObject().put("reference", item)));
    }
    return list.put("entry", entries);
  }

  @Test
  void aPrimaryListIsKnownByItsCodeASecondaryOneIsNoAreas() {
    assertThat(GpConnectArea.listedBy(list("933361000000108", "Condition/c1"))).contains(GpConnectArea.MEDICATION);
    assertThat(GpConnectArea.listedBy(list("1149501000000101"))).contains(GpConnectArea.CONSULTATIONS);
    assertThat(GpConnectArea.listedBy(list("999999999999", "Condition/c1"))).isEmpty();
  }

  @Test
  void aListWithoutACodeIsKnownByItsEntriesWhenTheyAllBelongToOneArea() {
    assertThat(GpConnectArea.listedBy(list(null, "DiagnosticReport/d1", "Observation/o1"))).contains(GpConnectArea.INVESTIGATIONS);
    assertThat(GpConnectArea.listedBy(list(null, "Condition/c1", "Encounter/e1"))).isEmpty();
    assertThat(GpConnectArea.listedBy(list(null, "Location/l1"))).isEmpty();
    assertThat(GpConnectArea.listedBy(list(null))).isEmpty();
  }

  @Test
  void anIssueNamesAnAreaOnlyByOneOfOurParameters() {
    JsonObject disabled = new JsonObject().put("diagnostics", "includeProblems")
        .put("details", new JsonObject().put("text", "includeProblems has been disabled"));
    assertThat(GpConnectArea.namedBy(disabled)).contains(GpConnectArea.PROBLEMS);
    assertThat(GpConnectArea.namedBy(new JsonObject().put("diagnostics", "Consultations not enabled"))).isEmpty();
    assertThat(GpConnectArea.namedBy(new JsonObject().put("diagnostics", "includeProblems and includeReferrals"))).isEmpty();
  }

  @Test
  void everyClinicalAreaIsJudgedWithTheProblemAndConsultationHubs() {
    for (GpConnectArea area : GpConnectArea.values()) {
      assertThat(area.judgedWith()).doesNotContain(area)
          .containsAll(Arrays.stream(new GpConnectArea[] {GpConnectArea.PROBLEMS, GpConnectArea.CONSULTATIONS})
              .filter(hub -> hub != area).toList());
    }
    assertThat(GpConnectArea.PROBLEMS.judgedWith()).containsExactly(GpConnectArea.CONSULTATIONS);
    assertThat(GpConnectArea.CONSULTATIONS.judgedWith()).containsExactly(GpConnectArea.PROBLEMS);
  }

  @Test
  void everyAreaFillsOneSectionAndHoldsItsTypes() {
    assertThat(GpConnectArea.filling(Section.MEDICATIONS)).contains(GpConnectArea.MEDICATION);
    assertThat(GpConnectArea.filling(Section.ALERTS)).isEmpty();
    assertThat(GpConnectArea.holding("MedicationRequest")).contains(GpConnectArea.MEDICATION);
    assertThat(GpConnectArea.holding("ReferralRequest")).contains(GpConnectArea.REFERRALS);
    assertThat(GpConnectArea.holding("Location")).isEmpty();
    for (GpConnectArea area : GpConnectArea.values()) {
      for (String type : area.section().resourceTypes()) {
        assertThat(GpConnectArea.holding(type)).as(type).contains(area);
      }
    }
  }
}
