package io.shcr.privacy;

import static io.shcr.privacy.LinkRulesTest.ASTHMA;
import static io.shcr.privacy.LinkRulesTest.CHLAMYDIA;
import static io.shcr.privacy.LinkRulesTest.medicineFor;
import static io.shcr.privacy.LinkRulesTest.related;
import static io.shcr.privacy.SampleRecord.concept;
import static io.shcr.privacy.SampleRecord.ref;
import static io.shcr.privacy.SensitiveCodeRulesTest.FILTER;
import static io.shcr.privacy.SensitiveCodeRulesTest.SNOMED;
import static io.shcr.privacy.SensitiveCodeRulesTest.observation;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.fhir.ResourceIndex;
import io.shcr.privacy.PrivacyFilter.FilterResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The filter's "could not be judged" count: items held back only because a link was never looked up are
 * told (as a fixed sentence); items withheld as sensitive, confidential, left out by the source, pointing
 * at another server or unreadable are not. Whether an item counts never depends on whether what it meets
 * is sensitive.
 */
class UnjudgedLinksTest {

  private static FilterResult filter(List<JsonObject> batch, ResourceIndex context) {
    return FILTER.filter(batch, context);
  }

  private static ResourceIndex context(List<JsonObject> batch, JsonObject... others) {
    List<JsonObject> all = new ArrayList<>(batch);
    all.addAll(List.of(others));
    return ResourceIndex.of(all);
  }

  @Test
  void anItemWhoseLinkWasNeverLookedUpIsWithheldAndCountedUnjudged() {
    List<JsonObject> batch = List.of(medicineFor("m1", "ast"), observation("r1"));
    FilterResult result = filter(batch, context(batch));
    assertThat(result.released()).extracting(r -> r.getString("id")).containsExactly("r1");
    assertThat(result.withheld()).isEqualTo(1);
    assertThat(result.unjudged()).isEqualTo(1);
  }

  @Test
  void aLinkTheSourceWasAskedForAndAnsweredWithoutIsWithheldWithoutAWord() {
    List<JsonObject> batch = List.of(medicineFor("m1", "ast"));
    ResourceIndex index = context(batch);
    index.markSought(List.of("Condition/ast"));
    FilterResult result = filter(batch, index);
    assertThat(result.released()).isEmpty();
    assertThat(result.withheld()).isEqualTo(1);
    assertThat(result.unjudged()).as("left out by the source: as a confidential item would be").isZero();
  }

  @Test
  void aSoughtLinkThatTheSourceDidSendIsJudgedOnWhatItIs() {
    List<JsonObject> batch = List.of(medicineFor("m1", "ast"), medicineFor("m2", "chl"));
    ResourceIndex index = context(batch, ASTHMA, CHLAMYDIA);
    index.markSought(List.of("Condition/ast", "Condition/chl"));
    FilterResult result = filter(batch, index);
    assertThat(result.released()).extracting(r -> r.getString("id")).containsExactly("m1");
    assertThat(result.unjudged()).as("linked to a sensitive item the source sent: withheld as sensitive").isZero();
  }

  @Test
  void linksToAnotherServerOrThatCannotBeReadAreWithheldWithoutAWord() {
    ResourceIndex index = new ResourceIndex("https://trust.example/fhir");
    JsonObject elsewhere = observation("r1").put("encounter", ref("https://sexual-health.example/fhir/Encounter/e1"));
    JsonObject unreadable = observation("r2").put("hasMember", new JsonArray().add(ref("urn:uuid:5d4b5a1e-0000-0000-0000-000000000000")));
    List<JsonObject> batch = List.of(elsewhere, unreadable);
    index.addAll(batch);
    FilterResult result = filter(batch, index);
    assertThat(result.withheld()).isEqualTo(2);
    assertThat(result.unjudged()).isZero();
  }

  @Test
  void whatIsWithheldBecauseOfAnUnjudgedItemIsUnjudgedToo() {
    JsonObject plan = new JsonObject().put("resourceType", "MedicationRequest").put("id", "plan").put("intent", "plan")
        .put("medicationCodeableConcept", concept(SNOMED, "324357002", "Doxycycline"))
        .put("reasonReference", new JsonArray().add(ref("Condition/unknown")));
    JsonObject statement = new JsonObject().put("resourceType", "MedicationStatement").put("id", "st").put("status", "active")
        .put("basedOn", new JsonArray().add(ref("MedicationRequest/plan")));
    JsonObject problem = ASTHMA.copy().put("extension", new JsonArray().add(related("MedicationStatement/st")));
    List<JsonObject> batch = List.of(statement, problem);
    FilterResult result = filter(batch, context(batch, plan));
    assertThat(result.released()).isEmpty();
    assertThat(result.unjudged()).as("the statement (its plan's reason) and the problem filing it").isEqualTo(2);
  }

  @Test
  void aProblemFilingAnItemNeverLookedUpIsWithheldUnjudgedAndItsOtherItemsStay() {
    JsonObject problem = ASTHMA.copy().put("extension", new JsonArray().add(related("Encounter/e9")).add(related("Observation/r1")));
    List<JsonObject> batch = List.of(problem, observation("r1"));
    FilterResult result = filter(batch, context(batch));
    assertThat(result.released()).extracting(r -> r.getString("id")).containsExactly("r1");
    assertThat(result.unjudged()).isEqualTo(1);
  }

  @Test
  void anItemWithALinkNeverLookedUpCountsEvenWhenItIsAlsoSensitiveSoTheCountDoesNotTell() {
    // Two records alike in their links: in one the medicine's reason is asthma, in the other chlamydia.
    // Each medicine also names a consultation that was never looked up.
    for (JsonObject reason : List.of(ASTHMA, CHLAMYDIA)) {
      JsonObject medicine = medicineFor("m1", reason.getString("id")).put("encounter", ref("Encounter/e9"));
      List<JsonObject> batch = List.of(medicine);
      FilterResult result = filter(batch, context(batch, reason));
      assertThat(result.released()).isEmpty();
      assertThat(result.unjudged()).as(reason.getString("id")).isEqualTo(1);
    }
    // And a sensitive item itself with such a link counts as an ordinary one would.
    for (JsonObject problem : List.of(ASTHMA, CHLAMYDIA)) {
      JsonObject withLink = problem.copy().put("evidence", new JsonArray().add(new JsonObject()
          .put("detail", new JsonArray().add(ref("Observation/never-fetched")))));
      FilterResult result = filter(List.of(withLink), context(List.of(withLink)));
      assertThat(result.unjudged()).as(problem.getString("id")).isEqualTo(1);
    }
  }

  @Test
  void theLinksOfASensitiveItemAreAskedForLikeAnyOther() {
    JsonObject problem = CHLAMYDIA.copy().put("encounter", ref("Encounter/e1"));
    JsonObject ordinary = ASTHMA.copy().put("encounter", ref("Encounter/e2"));
    assertThat(FILTER.referencesToResolve(List.of(problem, ordinary), new ResourceIndex()))
        .containsExactlyInAnyOrder("Encounter/e1", "Encounter/e2");
  }

  @Test
  void aClinicalAreaListIsNeverCountedUnjudgedForItIsNeverReleased() {
    JsonObject list = new JsonObject().put("resourceType", "List").put("id", "l1").put("status", "current").put("mode", "snapshot")
        .put("entry", new JsonArray().add(new JsonObject().put("item", ref("Condition/missing"))));
    FilterResult result = filter(List.of(list), context(List.of(list)));
    assertThat(result.released()).isEmpty();
    assertThat(result.withheld()).isEqualTo(1);
    assertThat(result.unjudged()).isZero();
  }

  @Test
  void whatGroupsAnItemIsJudgedOnlyForTaintSoItsOtherMembersAreNotNeeded() {
    // The consultation list groups e1 and e2; e2's referral was never fetched. Judging e1 needs only
    // whether the list is tainted, so e2's link is neither asked for nor held against e1.
    JsonObject e1 = new JsonObject().put("resourceType", "Encounter").put("id", "e1").put("status", "finished");
    JsonObject e2 = new JsonObject().put("resourceType", "Encounter").put("id", "e2").put("status", "finished")
        .put("basedOn", new JsonArray().add(ref("ServiceRequest/r1")));
    JsonObject consultations = new JsonObject().put("resourceType", "List").put("id", "consultations").put("status", "current")
        .put("mode", "snapshot").put("entry", new JsonArray()
            .add(new JsonObject().put("item", ref("Encounter/e1"))).add(new JsonObject().put("item", ref("Encounter/e2"))));
    ResourceIndex index = context(List.of(e1), e2, consultations);
    assertThat(FILTER.referencesToResolve(List.of(e1), index)).isEmpty();
    FilterResult result = filter(List.of(e1), index);
    assertThat(result.released()).extracting(r -> r.getString("id")).containsExactly("e1");
    assertThat(result.unjudged()).isZero();
  }
}
