package io.shcr.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.core.Section;
import io.shcr.fhir.ResourceIndex;
import io.shcr.support.FakeSources;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The FHIR search adapter as pure functions, without a server: its searches, pages, next links and lookups. */
class FhirSearchAdapterTest extends SourceAdapterContract {

  private final FhirSearchAdapter adapter = new FhirSearchAdapter();

  @Override
  SourceAdapter adapter() {
    return adapter;
  }

  @Override
  String protocol() {
    return "fhir-r4";
  }

  private static JsonObject withNext(JsonObject bundle, String url) {
    return bundle.put("link", new JsonArray().add(new JsonObject().put("relation", "next").put("url", url)));
  }

  @Test
  void plansThePatientSearchThatEverySectionWaitsForThenOneSearchPerType() {
    List<SourceQuery> plan = adapter.plan(call());
    assertThat(plan.get(0).request().url()).isEqualTo(BASE + "/Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C"
        + FakeSources.NHS);
    assertThat(plan.get(0).fills()).containsExactlyInAnyOrder(Section.DEMOGRAPHICS, Section.PROBLEMS);
    // The asked section's types, then the source's other sections for judging only (what groups a
    // problem may be written on them); the problems section waits for all of them.
    assertThat(plan.subList(1, plan.size())).extracting(SourceQuery::label)
        .containsExactly("Condition", "MedicationStatement", "MedicationRequest");
    assertThat(plan.subList(1, plan.size())).allSatisfy(query -> {
      assertThat(query.fills()).containsExactly(Section.PROBLEMS);
      assertThat(query.request().url()).contains("patient.identifier=").contains("&_count=" + FhirSearchAdapter.PAGE_SIZE);
    });
  }

  @Test
  void aSearchForJudgingOnlyFillsNoSectionButIndexesWhatItReads() {
    SourceCall call = call();
    SourceQuery medicines = adapter.plan(call).get(2);
    JsonObject statement = new JsonObject().put("resourceType", "MedicationStatement").put("id", "ms1");
    ResponseRead read = adapter.read(call, medicines, fhir(200, bundle(statement)));
    assertThat(read.sections()).isEmpty();
    assertThat(read.received()).extracting(r -> r.getString("id")).containsExactly("ms1");
  }

  @Test
  void aPageWithANextLinkOnTheSourceAsksForTheNextPage() {
    SourceCall call = call();
    SourceQuery problems = adapter.plan(call).get(1);
    ResponseRead read = adapter.read(call, problems, fhir(200, withNext(bundle(condition("c1")), BASE + "/Condition?page=2")));
    assertThat(read.failure()).isNull();
    assertThat(read.sections().get(Section.PROBLEMS)).extracting(r -> r.getString("id")).containsExactly("c1");
    assertThat(read.patient()).isEqualTo(ResponseRead.PatientWord.KNOWN);
    assertThat(read.next().request().url()).isEqualTo(BASE + "/Condition?page=2");
    assertThat(read.next().page()).isEqualTo(2);
    assertThat(read.next().fills()).isEqualTo(problems.fills());
  }

  @Test
  void refusesNextLinksToAnotherHost() {
    SourceCall call = call();
    ResponseRead read = adapter.read(call, adapter.plan(call).get(1),
        fhir(200, withNext(bundle(condition("c1")), "http://attacker.example:80/SRC/Condition?page=2")));
    assertThat(read.failure().detail()).contains("outside the source");
  }

  @Test
  void pagesThatDoNotEndFailTheSource() {
    SourceCall call = call();
    SourceQuery first = adapter.plan(call).get(1);
    ResponseRead one = adapter.read(call, first, fhir(200, withNext(bundle(condition("c1")), BASE + "/Condition?page=2")));
    // The same page again: nothing new.
    ResponseRead again = adapter.read(call, one.next(), fhir(200, withNext(bundle(condition("c1")), BASE + "/Condition?page=3")));
    assertThat(again.failure().detail()).isEqualTo("the source's search pages did not end");
    // What it sent before the problem was seen still goes into the index, as before.
    assertThat(again.received()).isNotEmpty();
  }

  @Test
  void nextLinksMustStayUnderTheSourcesBasePath() {
    String base = "http://127.0.0.1:8090/RXN";
    assertThat(FhirSearchAdapter.withinSource(base, base + "/Condition?page=2")).isTrue();
    assertThat(FhirSearchAdapter.withinSource(base, base + "?_getpages=abc")).isTrue();
    assertThat(FhirSearchAdapter.withinSource(base, "http://127.0.0.1:8090/RW5/Condition?page=2")).isFalse();
    assertThat(FhirSearchAdapter.withinSource(base, base + "/../RW5/Condition")).isFalse();
    assertThat(FhirSearchAdapter.withinSource(base, base + "/%2e%2e/RW5/Condition")).isFalse();
    assertThat(FhirSearchAdapter.withinSource(base, "http://user@127.0.0.1:8090/RXN/Condition")).isFalse();
    assertThat(FhirSearchAdapter.withinSource(base, "https://127.0.0.1:8090/RXN/Condition")).isFalse();
  }

  @Test
  void foreignAbsoluteReferencesNeverResolveAgainstThisSource() {
    ResourceIndex index = new ResourceIndex("http://127.0.0.1:8090/RXN");
    index.add(condition("e1"));
    assertThat(index.resolve("Condition/e1")).isPresent();
    assertThat(index.resolve("http://127.0.0.1:8090/RXN/Condition/e1")).isPresent();
    assertThat(index.resolve("https://elsewhere.example/fhir/Condition/e1")).isEmpty();
    assertThat(index.isForeign("http://127.0.0.1:8090/RW5/Condition/e1")).isTrue();
  }

  @Test
  void looksLinksUpByIdOncePerTypeAndSettlesWhatAnswered() {
    SourceCall call = call();
    LinkLookup lookup = adapter.lookups(call, Set.of("Condition/c7", "Encounter/e1", "Encounter/bad id!",
        "https://elsewhere.example/fhir/Condition/x"));
    assertThat(lookup.awaiting()).isEmpty();
    assertThat(lookup.queries()).extracting(q -> q.request().url())
        .containsExactly(BASE + "/Condition?_id=c7", BASE + "/Encounter?_id=e1");
    assertThat(call.index().leftOut("Encounter/bad id!")).as("no server could answer it: the source's doing").isTrue();
    SourceQuery conditions = lookup.queries().get(0);
    ResponseRead read = adapter.read(call, conditions, fhir(200, bundle(condition("c7"))));
    assertThat(read.matches()).extracting(r -> r.getString("id")).containsExactly("c7");
    // Only the Condition lookup answered; the Encounter one failed.
    List<JsonObject> found = adapter.settle(call, Set.of("Condition/c7", "Condition/c8", "Encounter/e1"),
        Map.of(conditions, read.matches()));
    assertThat(found).extracting(r -> r.getString("id")).containsExactly("c7");
    assertThat(call.index().leftOut("Encounter/e1")).as("the lookup failed: never looked up").isFalse();
  }

  @Test
  void theSearchTokenIsTheEncodedSystemAndNumberWithoutRunningTheEncoderEachTime() {
    for (String number : List.of("9990000018", "9434765919", "9990000026")) {
      io.shcr.nhs.NhsNumber nhs = io.shcr.nhs.NhsNumber.of(number);
      assertThat(FhirSearchAdapter.searchToken(nhs)).isEqualTo(FhirSearchAdapter.encode(nhs.searchToken()));
    }
  }
}
