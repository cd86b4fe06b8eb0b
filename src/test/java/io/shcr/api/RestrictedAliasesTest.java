package io.shcr.api;

import static io.shcr.support.LyingSources.HYPERTENSION;
import static io.shcr.support.LyingSources.NHS;
import static io.shcr.support.LyingSources.condition;
import static io.shcr.support.LyingSources.fhir;
import static io.shcr.support.LyingSources.honest;
import static io.shcr.support.LyingSources.patient;
import static io.shcr.support.LyingSources.ref;
import static io.shcr.support.LyingSources.searchset;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.ResourceTransform;
import io.shcr.core.Section;
import io.shcr.sources.SourceKind;
import io.shcr.support.LyingSources;
import io.shcr.support.SseClient;
import io.shcr.support.SseEvent;
import io.shcr.support.TrustBed;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A restricted (S-flagged) patient's view does not say which practice, care home or hospice holds
 * them: aliases drawn at random for each request, no kind, no position from {@code sources.yaml}, the
 * same sections and the same kind of wording from every hidden source, whatever its protocol.
 */
@ExtendWith(VertxExtension.class)
class RestrictedAliasesTest {

  private static final ResourceTransform RESTRICTED = new ResourceTransform() {
    @Override
    public JsonObject apply(JsonObject resource) {
      return resource;
    }

    @Override
    public boolean hidesWhereThePatientIs() {
      return true;
    }
  };

  private TrustBed bed;

  @BeforeEach
  void start(Vertx vertx) {
    bed = new TrustBed(vertx);
    bed.sources
        .with("RXN", honest("RXN", condition("rxn-c1", "Patient/RXN-patient", HYPERTENSION)))
        .with("GP1", RestrictedAliasesTest::practice)
        .with("CH1", RestrictedAliasesTest::careHomeWithManyPages)
        .with("HOS", honest("HOS", condition("hos-c1", "Patient/HOS-patient", HYPERTENSION)));
    bed.startSources();
    bed.startService(List.of(
        bed.fhir("RXN", 3_000, 50),
        bed.gpConnect("GP1", 3_000, 50),
        TrustBed.withKind(bed.fhir("CH1", 3_000, 50), SourceKind.CARE_HOME, Set.of(Section.DEMOGRAPHICS, Section.PROBLEMS,
            Section.CARE_PLANS)),
        TrustBed.withKind(bed.fhir("HOS", 3_000, 50), SourceKind.HOSPICE, Set.of(Section.DEMOGRAPHICS, Section.PROBLEMS))),
        TrustBed.allowAll(null, RESTRICTED), 10_000);
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  /** GP Connect: a structured record with a problem and a data-in-transit warning. */
  private static void practice(io.vertx.core.http.HttpServerRequest request, String type) {
    JsonObject list = new JsonObject().put("resourceType", "List").put("id", "l1").put("subject", ref("Patient/gp"))
        .put("extension", new JsonArray().add(new JsonObject()
            .put("url", "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1")
            .put("valueCode", "data-in-transit")))
        .put("entry", new JsonArray().add(new JsonObject().put("item", ref("Condition/gp-c1"))));
    JsonArray entries = new JsonArray().add(new JsonObject().put("resource", patient("gp", NHS)))
        .add(new JsonObject().put("resource", list))
        .add(new JsonObject().put("resource", condition("gp-c1", "Patient/gp", HYPERTENSION)));
    fhir(request, 200, new JsonObject().put("resourceType", "Bundle").put("type", "collection").put("entry", entries));
  }

  /** FHIR search whose problems run past the page cap. */
  private static void careHomeWithManyPages(io.vertx.core.http.HttpServerRequest request, String type) {
    if (!type.equals("Condition")) {
      fhir(request, 200, searchset(LyingSources.matching("CH1", request, type, List.of())));
      return;
    }
    int page = request.getParam("page") == null ? 1 : Integer.parseInt(request.getParam("page"));
    JsonObject bundle = searchset(condition("ch-c" + page, "Patient/CH1-patient", HYPERTENSION));
    bundle.remove("total");
    bundle.put("link", new JsonArray().add(new JsonObject().put("relation", "next")
        .put("url", "http://" + request.authority() + request.path() + "?page=" + (page + 1))));
    fhir(request, 200, bundle);
  }

  /** Which real source an alias stands for, read from the resources it sent (ids are made up per source). */
  private static Map<String, String> realSources(SseClient.Stream stream) {
    Map<String, String> real = new HashMap<>();
    for (SseEvent section : stream.ofType("section")) {
      for (Object resource : section.data().getJsonArray("resources")) {
        String id = ((JsonObject) resource).getString("id");
        String owner = id.startsWith("gp") ? "GP1" : id.startsWith("ch") ? "CH1" : id.startsWith("hos") ? "HOS" : null;
        if (owner != null) {
          real.put(section.data().getString("source"), owner);
        }
      }
    }
    return real;
  }

  @Test
  void hiddenSourcesGetRandomAliasesNoKindAndNoPlaceFromTheRegistry() {
    Set<String> aliasesSeen = new HashSet<>();
    Set<List<String>> ordersSeen = new HashSet<>();
    for (int view = 0; view < 12; view++) {
      SseClient.Stream stream = bed.sse("");
      assertThat(stream.events.get(0).event()).as("the first event, on view %d: %s", view, stream.events.get(0).data())
          .isEqualTo("meta");
      JsonArray metaSources = stream.events.get(0).data().getJsonArray("sources");
      List<JsonObject> listed = metaSources.stream().map(JsonObject.class::cast).toList();
      assertThat(listed.get(0).getString("id")).isEqualTo("RXN");
      assertThat(listed.get(0).getString("kind")).isEqualTo("acute");
      List<JsonObject> hidden = listed.subList(1, listed.size());
      assertThat(hidden).hasSize(3).allSatisfy(source -> {
        assertThat(source.getString("id")).matches("withheld-[0-9a-f]{6}");
        assertThat(source.containsKey("kind")).isFalse();
        assertThat(source.getString("name")).isEqualTo("An organisation not named for this patient (restricted record)");
      });
      hidden.forEach(source -> aliasesSeen.add(source.getString("id")));
      // complete lists the sources in the same order as meta.
      List<String> completeOrder = stream.ofType("complete").get(0).data().getJsonArray("sources").stream()
          .map(s -> ((JsonObject) s).getString("source")).toList();
      assertThat(completeOrder).isEqualTo(listed.stream().map(s -> s.getString("id")).toList());
      Map<String, String> real = realSources(stream);
      ordersSeen.add(hidden.stream().map(s -> real.getOrDefault(s.getString("id"), "?")).toList());
    }
    assertThat(aliasesSeen).hasSize(36);
    assertThat(ordersSeen).hasSizeGreaterThan(1);
  }

  @Test
  void aPracticeAndACareHomeLookTheSameApartFromTheirRecords() {
    SseClient.Stream stream = bed.sse("");
    Set<String> hidden = stream.events.get(0).data().getJsonArray("sources").stream().map(JsonObject.class::cast)
        .map(s -> s.getString("id")).filter(id -> id.startsWith("withheld-")).collect(Collectors.toSet());
    Map<String, Set<String>> sectionsBySource = new HashMap<>();
    for (SseEvent section : stream.ofType("section")) {
      sectionsBySource.computeIfAbsent(section.data().getString("source"), k -> new TreeSet<>())
          .add(section.data().getString("section"));
    }
    Set<String> union = Set.of("demographics", "problems", "medications", "encounters", "care-plans");
    hidden.forEach(alias -> assertThat(sectionsBySource.get(alias)).as(alias).isEqualTo(union));
    List<JsonObject> statuses = stream.ofType("source").stream().map(SseEvent::data)
        .filter(d -> hidden.contains(d.getString("source"))).toList();
    assertThat(statuses).hasSize(3).allSatisfy(status -> assertThat(status.getString("status")).isEqualTo("ok"));
    String details = statuses.stream().map(s -> s.getString("detail", "")).collect(Collectors.joining("|"));
    assertThat(details).doesNotContain("data-in-transit").doesNotContain("page limit").doesNotContain("Condition")
        .contains("some items are not available from this organisation at present").contains("more results than shown (limit)");
    // Nothing the service itself writes (meta, statuses, complete) names or types them; the records are the sources' own.
    String ours = stream.events.stream().filter(e -> !e.event().equals("section")).map(e -> e.data().encode())
        .collect(Collectors.joining());
    assertThat(ours).doesNotContain("GP1").doesNotContain("CH1").doesNotContain("HOS").doesNotContain("care-home")
        .doesNotContain("\"gp\"").doesNotContain("hospice");
  }
}
