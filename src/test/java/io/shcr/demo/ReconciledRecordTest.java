package io.shcr.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.support.DemoNetwork;
import io.shcr.support.SseClient;
import io.shcr.support.SseEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reconciled record on the demo network, as the ED doctor reads 999 000 0018: every released
 * medicine in exactly one group that lists every organisation that sent it, the seeded brand (an AMP)
 * in its VMP's group with the dose disagreement shown, the hospice whose date of birth differs from PDS
 * withheld, the middle name only one hospital records shown as a difference, group events only ever
 * after the section that caused them, with the same ids on the stream and in the document.
 */
class ReconciledRecordTest {

  private static final String RICH = "9990000018";
  private static Vertx vertx;
  private static DemoNetwork demo;
  private static WebClient client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    demo = await(DemoNetwork.startUnhurried(vertx));
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    await(demo.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static JsonObject document() {
    HttpResponse<Buffer> response = await(client.get(demo.service.port(), "127.0.0.1", "/api/v1/patients/" + RICH + "/record")
        .putHeader("Accept", "application/json").putHeader("Authorization", "Bearer " + demo.token("ed-doctor")).send());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static List<JsonObject> list(JsonArray array) {
    return array == null ? List.of() : array.stream().map(JsonObject.class::cast).toList();
  }

  /** The item's dm+d code: its own, or (GP Connect) its contained Medication's, which it must then carry. */
  static String medicineCode(JsonObject item) {
    JsonObject concept = item.getJsonObject("medicationCodeableConcept");
    if (concept == null) {
      assertThat(item.getJsonObject("medicationReference").getString("reference")).startsWith("#");
      concept = list(item.getJsonArray("contained")).stream().filter(c -> "Medication".equals(c.getString("resourceType")))
          .findFirst().orElseThrow().getJsonObject("code");
    }
    return concept.getJsonArray("coding").getJsonObject(0).getString("code");
  }

  @Test
  void everyMedicineIsInExactlyOneGroupListingAllItsSources() {
    JsonObject document = document();
    Map<String, String> groupOf = new HashMap<>();
    Map<String, Set<String>> sourcesOfGroup = new HashMap<>();
    for (JsonObject group : list(document.getJsonObject("reconciled").getJsonArray("medications"))) {
      for (JsonObject member : list(group.getJsonArray("members"))) {
        String item = member.getString("source") + " " + member.getString("ref");
        assertThat(groupOf.put(item, group.getString("group"))).as("%s in two groups", item).isNull();
        sourcesOfGroup.computeIfAbsent(group.getString("group"), g -> new HashSet<>()).add(member.getString("source"));
      }
      Set<String> organisations = new HashSet<>();
      list(group.getJsonArray("organisations")).forEach(o -> organisations.add(o.getString("source")));
      assertThat(organisations).isEqualTo(sourcesOfGroup.get(group.getString("group")));
    }
    // Every released medicine is in a group; and medicines of one VMP are in the same group.
    Map<String, Set<String>> groupsOfCode = new HashMap<>();
    int released = 0;
    for (JsonObject section : list(document.getJsonArray("sections"))) {
      if (!"medications".equals(section.getString("section"))) {
        continue;
      }
      for (JsonObject item : list(section.getJsonArray("resources"))) {
        released++;
        String key = section.getString("source") + " " + item.getString("resourceType") + "/" + item.getString("id");
        assertThat(groupOf).as("%s has a group", key).containsKey(key);
        String code = medicineCode(item);
        String vmp = code.equals("39990001000001101") ? "319283006" : code;
        groupsOfCode.computeIfAbsent(vmp, c -> new HashSet<>()).add(groupOf.get(key));
      }
    }
    assertThat(released).isGreaterThan(10);
    // The practice answers as GP Connect 1.6 does: its medicines name a Medication, which reaches us inside them.
    assertThat(list(document.getJsonArray("sections")).stream()
        .filter(s -> "P81901".equals(s.getString("source")) && "medications".equals(s.getString("section")))
        .flatMap(s -> list(s.getJsonArray("resources")).stream()))
        .isNotEmpty().allSatisfy(item -> assertThat(item.containsKey("medicationReference")).isTrue());
    assertThat(groupOf).hasSize(released);
    groupsOfCode.forEach((code, groups) -> assertThat(groups).as("medicine %s", code).hasSize(1));
    assertThat(groupsOfCode).containsKeys("319283006", "325278007");

    JsonObject amlodipine = list(document.getJsonObject("reconciled").getJsonArray("medications")).stream()
        .filter(g -> "319283006".equals(g.getJsonObject("summary").getString("code"))).findFirst().orElseThrow();
    assertThat(sourcesOfGroup.get(amlodipine.getString("group"))).contains("RXN", "P81901").hasSizeGreaterThan(2);
    assertThat(amlodipine.getJsonObject("summary").getString("display")).isNotBlank();
    JsonObject dose = list(amlodipine.getJsonArray("differences")).stream().filter(d -> "dose".equals(d.getString("field")))
        .findFirst().orElseThrow();
    Map<String, List<Object>> sourcesByDose = new LinkedHashMap<>();
    list(dose.getJsonArray("values")).forEach(v -> sourcesByDose.put(v.getString("value"), v.getJsonArray("sources").getList()));
    assertThat(sourcesByDose.get("Two tablets once a day")).containsExactly("RXN");
    assertThat(sourcesByDose.get("One tablet once a day")).contains("P81901");
  }

  /** Withheld items (the sensitive ones the simulator holds) are in no group: members are exactly what was released. */
  @Test
  void groupsHoldExactlyTheReleasedItems() {
    JsonObject document = document();
    for (String section : List.of("medications", "allergies", "problems", "immunisations")) {
      Set<String> released = new HashSet<>();
      list(document.getJsonArray("sections")).stream().filter(s -> section.equals(s.getString("section")))
          .forEach(s -> list(s.getJsonArray("resources")).forEach(r ->
              released.add(s.getString("source") + " " + r.getString("resourceType") + "/" + r.getString("id"))));
      Set<String> members = new HashSet<>();
      list(document.getJsonObject("reconciled").getJsonArray(section)).forEach(g ->
          list(g.getJsonArray("members")).forEach(m -> assertThat(members.add(m.getString("source") + " " + m.getString("ref"))).isTrue()));
      assertThat(members).as(section).isEqualTo(released);
    }
    assertThat(document.getJsonObject("reconciled").encode()).doesNotContain("86406008", "HIV", "Bictegravir");
  }

  @Test
  void allergiesAreGroupedBySubstanceAndTheTimelineIsNewestFirstAcrossOrganisations() {
    JsonObject document = document();
    List<JsonObject> allergies = list(document.getJsonObject("reconciled").getJsonArray("allergies"));
    assertThat(allergies).isNotEmpty();
    Set<String> codes = new HashSet<>();
    for (JsonObject group : allergies) {
      String code = group.getJsonObject("summary").getString("code");
      if (code != null) {
        assertThat(codes.add(code)).as("allergy %s in one group", code).isTrue();
      }
    }
    assertThat(allergies.stream().anyMatch(g -> g.getJsonArray("organisations").size() > 1)).isTrue();
    // Each substance once, listing exactly the organisations whose released allergies record it.
    Map<String, Set<String>> recordedBy = new HashMap<>();
    list(document.getJsonArray("sections")).stream().filter(s -> "allergies".equals(s.getString("section")))
        .forEach(s -> list(s.getJsonArray("resources")).forEach(a -> recordedBy.computeIfAbsent(
            a.getJsonObject("code").getJsonArray("coding").getJsonObject(0).getString("code"), c -> new HashSet<>()).add(s.getString("source"))));
    assertThat(recordedBy).isNotEmpty();
    recordedBy.forEach((code, sources) -> {
      List<JsonObject> groups = allergies.stream().filter(g -> code.equals(g.getJsonObject("summary").getString("code"))).toList();
      assertThat(groups).as("allergy %s", code).hasSize(1);
      Set<String> organisations = new HashSet<>();
      list(groups.get(0).getJsonArray("organisations")).forEach(o -> organisations.add(o.getString("source")));
      assertThat(organisations).as("allergy %s", code).isEqualTo(sources);
    });

    List<JsonObject> timeline = list(document.getJsonArray("timeline"));
    assertThat(timeline).hasSizeGreaterThan(10);
    Set<String> organisations = new HashSet<>();
    String previous = "9999";
    for (JsonObject entry : timeline) {
      assertThat(entry.getString("kind")).isIn("encounter", "admission", "result", "document", "referral", "care-plan");
      assertThat(entry.getString("ref")).contains("/");
      if (entry.getString("date") != null) {
        assertThat(entry.getString("date")).isLessThanOrEqualTo(previous);
        previous = entry.getString("date");
      }
      organisations.add(entry.getString("organisation"));
    }
    assertThat(organisations).hasSizeGreaterThan(3).doesNotContain("NSC");
    assertThat(timeline.stream().anyMatch(e -> "admission".equals(e.getString("kind")))).isTrue();
  }

  @Test
  void aSourceWhoseDateOfBirthDiffersFromPdsIsWithheldAndASmallerDifferenceIsShown() {
    JsonObject document = document();
    JsonObject hospice = list(document.getJsonArray("sources")).stream().filter(s -> "NSC".equals(s.getString("source")))
        .findFirst().orElseThrow();
    assertThat(hospice.getString("status")).isEqualTo("patient-mismatch");
    assertThat(hospice.getString("detail")).isEqualTo("demographics differ from PDS");
    assertThat(list(document.getJsonArray("sections"))).noneMatch(s -> "NSC".equals(s.getString("source")));
    assertThat(document.encode()).doesNotContain("1968-12-03");

    JsonObject banner = list(document.getJsonObject("reconciled").getJsonArray("demographics")).get(0);
    JsonObject given = list(banner.getJsonArray("differences")).get(0);
    assertThat(given.getString("field")).isEqualTo("given");
    Map<String, List<Object>> said = new HashMap<>();
    list(given.getJsonArray("values")).forEach(v -> said.put(v.getString("value"), v.getJsonArray("sources").getList()));
    assertThat(said).containsEntry("Alex", List.of("PDS")).containsEntry("Alex James", List.of("RXL"));
  }

  @Test
  void groupEventsFollowTheirSectionAndKeepTheirIdsInTheDocument() {
    SseClient.Stream stream = await(new SseClient(vertx).open(demo.service.port(), "/api/v1/patients/" + RICH + "/record",
        Map.of("Authorization", "Bearer " + demo.token("ed-doctor")), e -> { }).compose(s -> s.ended.future()));
    List<SseEvent> events = new ArrayList<>(stream.events);
    Set<String> sectionsSeen = new HashSet<>();
    Map<String, JsonObject> lastVersion = new HashMap<>();
    for (SseEvent event : events) {
      if (event.event().equals("section")) {
        sectionsSeen.add(event.data().getString("source") + " " + event.data().getString("section"));
      } else if (event.event().equals("group")) {
        JsonObject group = event.data();
        for (JsonObject member : list(group.getJsonArray("members"))) {
          assertThat(sectionsSeen).as("group member before its section").contains(member.getString("source") + " " + group.getString("section"));
        }
        lastVersion.put(group.getString("group"), group);
      }
    }
    assertThat(lastVersion).isNotEmpty();
    assertThat(events.get(events.size() - 1).event()).isEqualTo("complete");
    Set<String> documentIds = new HashSet<>();
    document().getJsonObject("reconciled").forEach(e -> list((JsonArray) e.getValue()).forEach(g -> documentIds.add(g.getString("group"))));
    assertThat(documentIds).isEqualTo(lastVersion.keySet());
  }
}
