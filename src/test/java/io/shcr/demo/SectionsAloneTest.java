package io.shcr.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.AccessPolicy;
import io.shcr.access.DemoTokens;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.core.Section;
import io.shcr.simulator.Population;
import io.shcr.simulator.Sensitive;
import io.shcr.simulator.SyntheticPatient;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.DemoNetwork;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Nothing ordinary is lost because a section was asked alone: over the quiet demo network, for the rich
 * demo patient and a patient with sensitive history at every GP practice, each section asked on
 * its own carries exactly the resources it carries when every section is asked (from the practice; and,
 * for the rich demo patient and a patient of each sensitive category, from every source), and no source
 * has to say that items could not be checked. The receptionist, whose practice's answer is
 * judged against more than they may see, still receives demographics only.
 */
class SectionsAloneTest {

  private static Vertx vertx;
  private static DemoNetwork demo;
  private static WebClient client;
  private static SourceRegistry registry;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    demo = await(DemoNetwork.start(vertx, true));
    client = WebClient.create(vertx);
    registry = SourceRegistry.load(demo.configDir.resolve("sources.yaml"));
  }

  @AfterAll
  static void stop() {
    await(demo.close());
    await(vertx.close());
  }

  @Test
  void everyGpSectionAskedAloneCarriesWhatItCarriesAmongAllSections() {
    int compared = 0;
    int nonEmpty = 0;
    for (SourceConfig practice : gpPractices()) {
      for (SyntheticPatient patient : patientsOf(practice.id())) {
        String nhs = patient.nhsNumber().value();
        String token = edDoctorWithPatientContext(nhs);
        // One patient's views at once: every section together, and each on its own.
        Future<JsonObject> together = send(token, nhs, practice.id(), null);
        Map<Section, Future<JsonObject>> alone = new LinkedHashMap<>();
        practice.sections().forEach(section -> alone.put(section, send(token, nhs, practice.id(), section)));
        JsonObject all = await(together);
        assertThat(statusOf(all, practice.id())).as("%s for %s", practice.id(), patient.index()).isEqualTo("ok");
        assertThat(detailOf(all, practice.id())).doesNotContain(PrivacyFilter.UNJUDGED_DETAIL);
        for (Map.Entry<Section, Future<JsonObject>> view : alone.entrySet()) {
          Section section = view.getKey();
          JsonObject one = await(view.getValue());
          String what = practice.id() + " " + section.wireName() + " for patient " + patient.index();
          assertThat(resources(one, practice.id(), section)).as(what)
              .containsExactlyInAnyOrderElementsOf(resources(all, practice.id(), section));
          assertThat(statusOf(one, practice.id())).as(what).isEqualTo("ok");
          assertThat(detailOf(one, practice.id())).as(what).doesNotContain(PrivacyFilter.UNJUDGED_DETAIL);
          compared++;
          nonEmpty += resources(one, practice.id(), section).isEmpty() ? 0 : 1;
        }
      }
    }
    assertThat(compared).isGreaterThan(80);
    assertThat(nonEmpty).as("the comparison is not between empty sections").isGreaterThan(compared / 2);
  }

  @Test
  void patientsWithSensitiveHistoryLoseNothingOrdinaryFromAnySourceWhenASectionIsAskedAlone() {
    Population population = demo.simulator.network().population();
    List<SyntheticPatient> patients = new ArrayList<>(List.of(population.find(Population.RICH).orElseThrow()));
    for (Sensitive category : Sensitive.values()) {
      population.all().stream()
          .filter(p -> p.has(category) && !p.restricted() && !p.objected() && p.heldBy(p.area().acute()))
          .findFirst().ifPresent(patients::add);
    }
    assertThat(patients).hasSize(1 + Sensitive.values().length);
    for (SyntheticPatient patient : patients) {
      String nhs = patient.nhsNumber().value();
      String token = edDoctorWithPatientContext(nhs);
      // Every source that holds the patient, one view at a time (a loaded machine must not time them out).
      // (less any whose Patient differs from PDS: withheld whole, see ReconciledRecordTest).
      List<SourceConfig> holders = registry.all().stream().filter(s -> s.live() && patient.heldBy(s.id()))
          .filter(s -> demo.simulator.network().organisation(s.id())
              .map(org -> !io.shcr.simulator.GroundTruth.birthDateDiffersFromPds(patient, org))
              .orElse(true))
          .toList();
      String sources = String.join(",", holders.stream().map(SourceConfig::id).toList());
      JsonObject all = record(token, nhs, sources, null);
      for (Section section : Section.values()) {
        JsonObject alone = record(token, nhs, sources, section);
        for (SourceConfig source : holders) {
          if (source.sections().contains(section)) {
            String what = nhs + " " + source.id() + " " + section.wireName();
            assertThat(statusOf(alone, source.id())).as(what).isEqualTo(statusOf(all, source.id())).isIn("ok", "not-found");
            assertThat(resources(alone, source.id(), section)).as(what)
                .containsExactlyInAnyOrderElementsOf(resources(all, source.id(), section));
          }
        }
        assertThat(alone.encode()).as(nhs + " " + section.wireName()).doesNotContain(PrivacyFilter.UNJUDGED_DETAIL);
      }
    }
  }

  @Test
  void theReceptionistStillReceivesOnlyDemographicsFromTheirPractice() {
    JsonObject document = record(demo.token("receptionist"), Population.RICH, null, null);
    Set<String> sections = sections(document).stream().map(s -> s.getString("section")).collect(Collectors.toSet());
    assertThat(sections).isSubsetOf("demographics", "alerts");
    Set<String> types = sections(document).stream().flatMap(s -> s.getJsonArray("resources").stream())
        .map(r -> ((JsonObject) r).getString("resourceType")).collect(Collectors.toSet());
    assertThat(types).isSubsetOf("Patient", "Flag").contains("Patient");
    assertThat(statusOf(document, "P81901")).isEqualTo("ok");
  }

  /**
   * The demo patient of a practice and its first patient with sensitive history and long-term conditions
   * (their medicines, consultations and referrals link to their problems, sensitive and ordinary).
   */
  private static List<SyntheticPatient> patientsOf(String practice) {
    Population population = demo.simulator.network().population();
    List<SyntheticPatient> chosen = new ArrayList<>();
    population.find(Population.RICH).filter(p -> p.heldBy(practice)).ifPresent(chosen::add);
    population.all().stream().filter(p -> eligible(p, practice) && !p.sensitive().isEmpty() && !p.chronic().isEmpty())
        .findFirst().ifPresent(chosen::add);
    return chosen;
  }

  private static boolean eligible(SyntheticPatient p, String practice) {
    return practice.equals(p.practice()) && p.heldBy(practice) && !p.restricted() && !p.objected()
        && !p.nhsNumber().value().equals(Population.RICH);
  }

  private static List<SourceConfig> gpPractices() {
    return registry.all().stream().filter(s -> s.live() && "gp-connect".equals(s.adapter())).toList();
  }

  private static String edDoctorWithPatientContext(String nhs) {
    DemoTokens tokens = demo.tokens;
    AccessPolicy.Persona doctor = tokens.policy().demo().persona("ed-doctor").orElseThrow();
    DemoTokens.Spec base = DemoTokens.Spec.of(doctor, Duration.ofMinutes(10));
    return tokens.mint(new DemoTokens.Spec(base.user(), base.name(), base.roleProfileId(), base.roleCode(), base.org(),
        base.activityCodes(), nhs, base.lifetime()));
  }

  private static JsonObject record(String token, String nhs, String source, Section section) {
    return await(send(token, nhs, source, section));
  }

  private static Future<JsonObject> send(String token, String nhs, String source, Section section) {
    var request = client.get(demo.service.port(), "127.0.0.1", "/api/v1/patients/" + nhs + "/record")
        .putHeader("Accept", "application/json").putHeader("Authorization", "Bearer " + token);
    if (source != null) {
      request.addQueryParam("sources", source);
    }
    if (section != null) {
      request.addQueryParam("sections", section.wireName());
    }
    return request.send().map(response -> {
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      return response.bodyAsJsonObject();
    });
  }

  private static List<JsonObject> sections(JsonObject document) {
    return document.getJsonArray("sections").stream().map(JsonObject.class::cast).toList();
  }

  /** The resources one source sent in one section, as canonical JSON (keys sorted) so they compare exactly. */
  private static List<String> resources(JsonObject document, String source, Section section) {
    return sections(document).stream()
        .filter(s -> source.equals(s.getString("source")) && section.wireName().equals(s.getString("section")))
        .flatMap(s -> s.getJsonArray("resources").stream())
        .map(SectionsAloneTest::canonical).toList();
  }

  private static String canonical(Object value) {
    return String.valueOf(sorted(value));
  }

  private static Object sorted(Object value) {
    if (value instanceof JsonObject object) {
      Map<String, Object> map = new TreeMap<>();
      object.forEach(e -> map.put(e.getKey(), sorted(e.getValue())));
      return new LinkedHashMap<>(map);
    }
    if (value instanceof JsonArray array) {
      return array.stream().map(SectionsAloneTest::sorted).toList();
    }
    return value;
  }

  private static String statusOf(JsonObject document, String source) {
    return sourceEntry(document, source).getString("status");
  }

  private static String detailOf(JsonObject document, String source) {
    return sourceEntry(document, source).getString("detail", "");
  }

  private static JsonObject sourceEntry(JsonObject document, String source) {
    return document.getJsonArray("sources").stream().map(JsonObject.class::cast)
        .filter(s -> source.equals(s.getString("source"))).findFirst()
        .orElseThrow(() -> new AssertionError("no status for " + source + " in " + document.getJsonArray("sources")));
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
