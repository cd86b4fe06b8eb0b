package io.shcr.api.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One page of a searchset Bundle from one view: fullUrls, references, paging, Provenance and outcomes. */
class SearchBundleTest {

  private static final SearchBundle.Source ACUTE = new SearchBundle.Source("RXN", "Lancashire Teaching Hospitals",
      "http://sources/RXN", true);
  private static final SearchBundle.Source HIDDEN = new SearchBundle.Source("withheld-3f9c1a", "An organisation not named",
      "http://us/fhir/withheld-3f9c1a", false);

  private static JsonObject condition(String id, String subject, String asserter) {
    JsonObject c = new JsonObject().put("resourceType", "Condition").put("id", id)
        .put("subject", new JsonObject().put("reference", subject));
    return asserter == null ? c : c.put("asserter", new JsonObject().put("reference", asserter));
  }

  private static SearchBundle.Result build(SearchBundle.Page page, JsonArray statuses) {
    Map<String, JsonArray> released = new LinkedHashMap<>();
    released.put("RXN", new JsonArray()
        .add(condition("c2", "Patient/p1", "Practitioner/dr1"))
        .add(condition("c1", "Patient/p1", null))
        .add(new JsonObject().put("resourceType", "Patient").put("id", "p1"))
        .add(new JsonObject().put("resourceType", "Observation").put("id", "o1")));
    released.put("withheld-3f9c1a", new JsonArray()
        .add(condition("g1", "Patient/gp1", "Practitioner/gp-dr")));
    return SearchBundle.build(List.of(ACUTE, HIDDEN), released, statuses, "Not everything is shown.", page);
  }

  private static SearchBundle.Page page(String type, int offset, int count) {
    return new SearchBundle.Page(type, offset, count, false, o -> "http://us/fhir/Condition?_offset=" + o);
  }

  private static List<JsonObject> entries(JsonObject bundle, String mode) {
    return bundle.getJsonArray("entry").stream().map(JsonObject.class::cast)
        .filter(e -> mode.equals(e.getJsonObject("search").getString("mode"))).toList();
  }

  @Test
  void matchesAreOrderedBySourceThenIdWithAbsoluteFullUrlsAndReferencesThatResolveOrNameTheirSource() {
    SearchBundle.Result result = build(page("Condition", 0, 10), new JsonArray());
    List<JsonObject> matches = entries(result.bundle(), "match");
    assertThat(matches).extracting(e -> e.getString("fullUrl"))
        .containsExactly("http://sources/RXN/Condition/c1", "http://sources/RXN/Condition/c2", "http://us/fhir/withheld-3f9c1a/Condition/g1");
    assertThat(result.bundle().getInteger("total")).isEqualTo(3);
    JsonObject c2 = matches.get(1).getJsonObject("resource");
    assertThat(c2.getJsonObject("subject").getString("reference")).as("in the Bundle: kept relative").isEqualTo("Patient/p1");
    assertThat(c2.getJsonObject("asserter").getString("reference")).as("not in the Bundle: the source's URL")
        .isEqualTo("http://sources/RXN/Practitioner/dr1");
    JsonObject hidden = matches.get(2).getJsonObject("resource");
    assertThat(hidden.getJsonObject("asserter")).as("an unnamed source's dangling reference")
        .isEqualTo(new JsonObject().put("display", "Withheld"));
    // The included Patient resolves the acute trust's subjects; another section's Observation is not part of this search.
    assertThat(entries(result.bundle(), "include")).extracting(e -> e.getJsonObject("resource").getString("resourceType"))
        .containsExactlyInAnyOrder("Patient", "Provenance", "Provenance");
    assertThat(result.bundle().encode()).doesNotContain("Observation");
    assertThat(result.delivered()).isEqualTo(4);
  }

  @Test
  void aProvenancePerSourceOnThePageNamesTheOrganisationOnlyWhenTheViewDoes() {
    List<JsonObject> provenances = entries(build(page("Condition", 0, 10), new JsonArray()).bundle(), "include").stream()
        .map(e -> e.getJsonObject("resource")).filter(r -> "Provenance".equals(r.getString("resourceType"))).toList();
    JsonObject named = provenances.get(0).getJsonArray("agent").getJsonObject(0).getJsonObject("who");
    assertThat(named.getJsonObject("identifier").getString("value")).isEqualTo("RXN");
    assertThat(named.getString("display")).isEqualTo("Lancashire Teaching Hospitals");
    assertThat(provenances.get(0).getJsonArray("target")).hasSize(3);
    JsonObject unnamed = provenances.get(1).getJsonArray("agent").getJsonObject(0).getJsonObject("who");
    assertThat(unnamed.containsKey("identifier")).isFalse();
  }

  @Test
  void pagesSliceTheSameOrderAndLinkOnwards() {
    JsonObject first = build(page("Condition", 0, 2), new JsonArray()).bundle();
    JsonObject second = build(page("Condition", 2, 2), new JsonArray()).bundle();
    assertThat(entries(first, "match")).extracting(e -> e.getString("fullUrl"))
        .containsExactly("http://sources/RXN/Condition/c1", "http://sources/RXN/Condition/c2");
    assertThat(entries(second, "match")).extracting(e -> e.getString("fullUrl")).containsExactly("http://us/fhir/withheld-3f9c1a/Condition/g1");
    assertThat(first.getJsonArray("link").encode()).contains("\"next\"").contains("_offset=2");
    assertThat(second.getJsonArray("link").encode()).doesNotContain("\"next\"").contains("\"previous\"");
    JsonObject c1OnSecondPage = entries(first, "match").get(0).getJsonObject("resource");
    assertThat(c1OnSecondPage.getJsonObject("subject").getString("reference")).isEqualTo("Patient/p1");
  }

  @Test
  void everySourceThatDidNotAnswerInFullIsAnOutcomeAndTheStandingStatementIsAlwaysThere() {
    JsonArray statuses = new JsonArray()
        .add(new JsonObject().put("source", "RXN").put("status", "ok"))
        .add(new JsonObject().put("source", "RXR").put("status", "not-found"))
        .add(new JsonObject().put("source", "RW5").put("status", "timeout").put("detail", "no answer before the request's deadline"))
        .add(new JsonObject().put("source", "Q60").put("status", "not-live"));
    List<JsonObject> outcomes = entries(build(page(null, 0, 10), statuses).bundle(), "outcome").stream()
        .filter(e -> e.getJsonObject("resource").getJsonArray("issue").getJsonObject(0).containsKey("details")).toList();
    assertThat(outcomes).extracting(e -> e.getJsonObject("resource").getJsonArray("issue").getJsonObject(0)
        .getJsonObject("details").getJsonArray("coding").getJsonObject(0).getString("code"))
        .containsExactly("timeout", "not-live");
    assertThat(outcomes.get(0).getJsonObject("resource").getJsonArray("issue").getJsonObject(0).getString("code")).isEqualTo("timeout");
    assertThat(entries(build(page(null, 0, 10), statuses).bundle(), "outcome")).as("and the standing statement").hasSize(3)
        .anySatisfy(e -> assertThat(e.encode()).contains("Not everything is shown.").contains("information"));
  }

  @Test
  void countOnlyCarriesTheTotalOfReleasedMatchesAndNoResource() {
    SearchBundle.Result result = build(new SearchBundle.Page("Condition", 0, 10, true, o -> "http://us/fhir/Condition"),
        new JsonArray());
    assertThat(result.bundle().getInteger("total")).isEqualTo(3);
    assertThat(result.delivered()).isZero();
    assertThat(entries(result.bundle(), "match")).isEmpty();
    assertThat(entries(result.bundle(), "outcome")).hasSize(1);
  }

  @Test
  void everythingMatchesEveryReleasedResource() {
    SearchBundle.Result result = build(page(null, 0, 10), new JsonArray());
    assertThat(result.bundle().getInteger("total")).isEqualTo(5);
    assertThat(entries(result.bundle(), "include")).extracting(e -> e.getJsonObject("resource").getString("resourceType"))
        .containsOnly("Provenance");
  }
}
