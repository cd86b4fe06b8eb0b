package io.shcr.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.core.Section;
import io.shcr.support.FakeSources;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The GP Connect adapter as pure functions, without a server: the one POST, its sections, its warnings, its lookups. */
class GpConnectAdapterTest extends SourceAdapterContract {

  private final GpConnectAdapter adapter = new GpConnectAdapter();

  @Override
  SourceAdapter adapter() {
    return adapter;
  }

  @Override
  String protocol() {
    return "gp-connect";
  }

  /** GP Connect is asked only on a named user's behalf, of an organisation our register names. */
  static final io.shcr.core.Principal DOCTOR = new io.shcr.core.Principal("555000100001", "Amara Okafor", "555000200001",
      "R8000", "RXN", Set.of(), null, "Amara", "Okafor", "Lancashire Teaching Hospitals NHS Foundation Trust");

  @Override
  SourceCall call() {
    SourceCall bare = super.call();
    return withDoctor(bare);
  }

  private static SourceCall withDoctor(SourceCall bare) {
    return new SourceCall(bare.source(), bare.nhsNumber(), bare.sections(), bare.index(), DOCTOR, bare.gpConnect(), bare.at());
  }

  @Test
  void withNoUserOrNoOrganisationNameThePracticeIsNotAskedAtAll() {
    SourceCall bare = super.call();
    for (io.shcr.core.Principal who : new io.shcr.core.Principal[] {null, DOCTOR.withOrganisationName(null),
        DOCTOR.withOrganisationName(" ")}) {
      SourceCall call = new SourceCall(bare.source(), bare.nhsNumber(), bare.sections(), bare.index(), who, bare.gpConnect(), bare.at());
      SourceOutcome outcome = new SourceRequester(null, adapter, call, io.shcr.core.Deadline.in(1_000), new CallScope())
          .run(batch -> io.vertx.core.Future.succeededFuture()).result();
      assertThat(outcome.failure()).as(String.valueOf(who)).isNotNull();
      assertThat(outcome.failure().status()).isEqualTo(SourceStatus.ERROR);
      assertThat(outcome.failure().detail()).endsWith("so it was not asked");
    }
  }

  private static JsonObject problemList(String... warnings) {
    JsonArray extensions = new JsonArray();
    for (String warning : warnings) {
      extensions.add(new JsonObject().put("url", "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1")
          .put("valueCode", warning));
    }
    return new JsonObject().put("resourceType", "List").put("id", "l1").put("extension", extensions)
        .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("system", "http://snomed.info/sct")
            .put("code", "717711000000103"))));
  }

  @Test
  void asksOneStructuredRecordForTheAreasShownAndThoseNeededToJudgeThem() {
    List<SourceQuery> plan = adapter.plan(call());
    assertThat(plan).singleElement().satisfies(query -> {
      assertThat(query.request().url()).isEqualTo(BASE + GpConnectAdapter.OPERATION);
      assertThat(query.request().body().toString()).contains("includeProblems").contains(FakeSources.NHS);
      assertThat(query.fills()).containsExactlyInAnyOrder(Section.DEMOGRAPHICS, Section.PROBLEMS);
      assertThat(query.keys()).contains("gpconnect:PROBLEMS");
    });
  }

  @Test
  void fillsOnlyTheSectionsAskedAndReportsIncompleteAreas() {
    SourceCall call = call();
    SourceQuery post = adapter.plan(call).get(0);
    JsonObject medication = new JsonObject().put("resourceType", "MedicationStatement").put("id", "m1")
        .put("subject", new JsonObject().put("reference", "Patient/p1"));
    ResponseRead read = adapter.read(call, post, fhir(200, bundle(FakeSources.patient("p1", FakeSources.NHS),
        condition("c1"), medication, problemList("data-in-transit")).put("type", "collection")));
    assertThat(read.failure()).isNull();
    assertThat(read.patient()).isEqualTo(ResponseRead.PatientWord.KNOWN);
    assertThat(read.sections().get(Section.PROBLEMS)).extracting(r -> r.getString("id")).containsExactly("c1");
    assertThat(read.sections().get(Section.DEMOGRAPHICS)).extracting(r -> r.getString("id")).containsExactly("p1");
    assertThat(read.sections()).doesNotContainKey(Section.MEDICATIONS);
    assertThat(read.received()).as("what was fetched to judge goes to the index").hasSize(4);
    assertThat(read.details()).containsExactly("problems: data-in-transit");
  }

  @Test
  void aLinkIntoAnAreaNotAskedAsksItToJudgeAndSettlesWhenItCameBackWhole() {
    SourceCall call = call();
    SourceQuery post = adapter.plan(call).get(0);
    adapter.read(call, post, fhir(200, bundle(FakeSources.patient("p1", FakeSources.NHS), condition("c1"), problemList())));
    // Problems came back whole: what it lacks, the practice left out.
    LinkLookup asked = adapter.lookups(call, Set.of("Condition/c2"));
    assertThat(asked.queries()).isEmpty();
    adapter.settle(call, Set.of("Condition/c2"), Map.of());
    assertThat(call.index().leftOut("Condition/c2")).isTrue();
    // An area not asked yet is asked now, into the index only.
    LinkLookup judge = adapter.lookups(call, Set.of("Immunization/i1"));
    assertThat(judge.queries()).singleElement().satisfies(q -> {
      assertThat(q.fills()).isEmpty();
      assertThat(q.request().body().toString()).contains("includeImmunisations");
    });
    assertThat(judge.awaiting()).contains("gpconnect:IMMUNISATIONS");
    // Its request failed: the link stays unlooked, and what needed it is reported as not checked.
    assertThat(adapter.settle(call, Set.of("Immunization/i1"), Map.of())).isEmpty();
    assertThat(call.index().leftOut("Immunization/i1")).isFalse();
    // Asked once per request, however many sections need it.
    assertThat(adapter.lookups(call, Set.of("Immunization/i2")).queries()).isEmpty();
  }

  @Test
  void anItemWhoseConversionToR4WouldLoseACodeIsWithheldItsAreaIsNotWholeAndTheDetailSaysSo() {
    SourceConfig config = new SourceConfig("SRC", "Source", SourceKind.GP, BASE, protocol(),
        Set.of(Section.DEMOGRAPHICS, Section.REFERRALS), true, 5_000, 5, 10, 100_000, 3, SourceConfig.BreakerConfig.DEFAULT);
    SourceCall call = withDoctor(new SourceCall(config, io.shcr.nhs.NhsNumber.of(FakeSources.NHS), Set.of(Section.DEMOGRAPHICS,
        Section.REFERRALS), new io.shcr.fhir.ResourceIndex(BASE)));
    SourceQuery post = adapter.plan(call).get(0);
    JsonObject whole = referral("r3", null);
    // The specialty has no place in what R4 makes of a referral: its code would be lost, so the item is not shown.
    JsonObject lossy = referral("r2", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
        .put("system", "http://snomed.info/sct").put("code", "394589003"))));
    JsonObject referralList = new JsonObject().put("resourceType", "List").put("id", "l-referrals").put("status", "current")
        .put("mode", "snapshot").put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
            .put("system", "http://snomed.info/sct").put("code", "792931000000107"))));
    ResponseRead read = adapter.read(call, post, fhir(200, bundle(FakeSources.patient("p1", FakeSources.NHS), whole, lossy,
        referralList).put("type", "collection")));
    assertThat(read.failure()).isNull();
    assertThat(read.sections().get(Section.REFERRALS)).extracting(r -> r.getString("id")).containsExactly("r3");
    assertThat(read.received()).extracting(r -> r.getString("id")).doesNotContain("r2");
    assertThat(read.details()).contains(GpConnectAdapter.LOSSY_DETAIL);
    // The referrals area did not come back whole: a link to the withheld item is not reported as left out by the practice.
    adapter.settle(call, Set.of("ServiceRequest/r2"), Map.of());
    assertThat(call.index().leftOut("ServiceRequest/r2")).isFalse();
  }

  private static JsonObject referral(String id, JsonObject specialty) {
    JsonObject referral = new JsonObject().put("resourceType", "ReferralRequest").put("id", id).put("status", "active")
        .put("intent", "order").put("subject", new JsonObject().put("reference", "Patient/p1"))
        .put("serviceRequested", new JsonArray().add(new JsonObject().put("coding", new JsonArray().add(new JsonObject()
            .put("system", "http://snomed.info/sct").put("code", "183516009")))));
    return specialty == null ? referral : referral.put("specialty", specialty);
  }
}
