package io.shcr.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.AccessPolicy;
import io.shcr.access.RoleViews;
import io.shcr.core.Section;
import io.shcr.simulator.GroundTruth;
import io.shcr.simulator.GroundTruth.Item;
import io.shcr.simulator.Organisation;
import io.shcr.simulator.Population;
import io.shcr.simulator.Sensitive;
import io.shcr.simulator.SyntheticPatient;
import io.shcr.sources.GpConnectAdapter;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceRegistry;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The demo network's own ground truth, as a test. The simulator knows which items it wrote as sensitive,
 * tied to sensitive care or confidential at source ({@link GroundTruth}); it never tells the service. For
 * every demo patient and a sample of synthetic patients carrying each sensitive category, for every persona
 * that can open the record, over both the SSE stream and the JSON document: every item the simulator marks
 * as never to be shown is absent (as a resource and as a reference), and so is the free text only such
 * items carry; every ordinary item of that patient, from every live source, in the sections the role sees,
 * is present. Items are identified by source, type and id. The expectations come from the simulator alone,
 * never from {@code conf/codes} or the filter, so the test fails when the two disagree.
 */
class GroundTruthTest {

  /** Personas that may open a record; the others (privacy officer, not-live council) are refused before any source. */
  private static final List<String> PERSONAS = List.of("ed-doctor", "social-worker", "receptionist");
  private static final int PER_CATEGORY = 2;

  private static Vertx vertx;
  private static DemoNetwork demo;
  private static GroundTruth truth;
  private static SourceRegistry sources;
  private static AccessPolicy policy;
  private static WebClient client;
  private static SseClient sse;
  private static Set<String> ordinaryTexts;
  /** Break-glass grants made by this test, as persona and NHS number: a grant opens a record without a relationship. */
  private static final Set<String> grants = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    demo = await(DemoNetwork.startUnhurried(vertx));
    truth = demo.simulator.groundTruth();
    sources = SourceRegistry.load(demo.configDir.resolve("sources.yaml"));
    policy = demo.tokens.policy();
    client = WebClient.create(vertx);
    sse = new SseClient(vertx);
    ordinaryTexts = new HashSet<>();
    for (SyntheticPatient patient : sample()) {
      truth.servedAnywhere(patient).stream().filter(i -> !i.disclosure().mustBeWithheld())
          .forEach(i -> texts(i.resource(), ordinaryTexts));
    }
  }

  @AfterAll
  static void stop() {
    await(demo.close());
    await(vertx.close());
  }

  /**
   * The four demo patients, then for each sensitive category the first few synthetic patients carrying it,
   * patients with items confidential at source, a few ordinary patients of the council and of the
   * receptionist's practice (so every persona opens synthetic records too), and any S-flagged one met.
   */
  static List<SyntheticPatient> sample() {
    Population population = truth.network().population();
    Set<SyntheticPatient> sample = new LinkedHashSet<>(population.all().subList(0, 4));
    for (Sensitive category : Sensitive.values()) {
      population.all().stream().skip(4).filter(p -> p.has(category)).limit(PER_CATEGORY).forEach(sample::add);
    }
    population.all().stream().skip(4).filter(SyntheticPatient::confidentialAtSource).limit(PER_CATEGORY).forEach(sample::add);
    population.all().stream().skip(4).filter(p -> p.heldBy("888")).limit(PER_CATEGORY).forEach(sample::add);
    population.all().stream().skip(4).filter(p -> p.heldBy("P81901")).limit(PER_CATEGORY).forEach(sample::add);
    population.all().stream().skip(4).filter(p -> p.heldBy("P81901") && !p.sensitive().isEmpty()).limit(2).forEach(sample::add);
    population.all().stream().skip(4).filter(SyntheticPatient::restricted).limit(1).forEach(sample::add);
    return List.copyOf(sample);
  }

  @Test
  void theSampleCarriesEveryCategoryAndSomethingToWithhold() {
    List<SyntheticPatient> sample = sample();
    for (Sensitive category : Sensitive.values()) {
      assertThat(sample.stream().filter(p -> p.has(category)).count()).as(category.name()).isGreaterThanOrEqualTo(PER_CATEGORY);
    }
    // Without sensitive items in the ground truth the test could not fail: the simulator holds them.
    List<Item> rich = truth.servedAnywhere(truth.network().population().find(Population.RICH).orElseThrow());
    assertThat(rich.stream().filter(i -> i.disclosure().mustBeWithheld()).map(Item::type))
        .contains("Condition", "Encounter", "DocumentReference", "Observation", "DiagnosticReport", "MedicationStatement",
            "ServiceRequest");
    assertThat(rich.stream().filter(i -> i.source().equals("RXN") && i.disclosure().mustBeWithheld()).map(Item::type))
        .as("the sexual health clinic visit at the local trust").contains("Encounter", "DocumentReference");
  }

  @TestFactory
  Stream<DynamicTest> everyPersonaSeesEveryOrdinaryItemAndNoSensitiveOne() {
    List<DynamicTest> tests = new ArrayList<>();
    for (SyntheticPatient patient : sample()) {
      for (String persona : PERSONAS) {
        tests.add(DynamicTest.dynamicTest(persona + " opens " + patient.nhsNumber().value() + describe(patient),
            () -> check(persona, patient)));
      }
    }
    return tests.stream();
  }

  @Test
  void afterBreakGlassTheRecordWithNoSourcesHoldsNothing() {
    SyntheticPatient nobody = truth.network().population().find(Population.NO_RECORDS).orElseThrow();
    if (!grants.contains("ed-doctor " + Population.NO_RECORDS)) {
      assertThat(json("ed-doctor", nobody).status).as("no relationship before the break-glass").isEqualTo(403);
    }
    HttpResponse<Buffer> glass = await(client.post(demo.service.port(), "127.0.0.1",
            "/api/v1/patients/" + Population.NO_RECORDS + "/break-glass")
        .putHeader("Authorization", "Bearer " + demo.token("ed-doctor"))
        .sendJsonObject(new JsonObject().put("reasonCode", "emergency-treatment")
            .put("justification", "Unconscious patient brought in by ambulance, no history available.")));
    assertThat(glass.statusCode()).isEqualTo(201);
    grants.add("ed-doctor " + Population.NO_RECORDS);
    View json = json("ed-doctor", nobody);
    assertThat(json.status).isEqualTo(200);
    assertThat(json.items.values()).allSatisfy(set -> assertThat(set).isEmpty());
    assertThat(truth.servedAnywhere(nobody)).isEmpty();
  }

  private static String describe(SyntheticPatient patient) {
    List<String> marks = new ArrayList<>();
    patient.sensitive().forEach(s -> marks.add(s.name().toLowerCase()));
    if (patient.confidentialAtSource()) {
      marks.add("confidential");
    }
    if (patient.restricted()) {
      marks.add("restricted");
    }
    if (patient.objected()) {
      marks.add("objected");
    }
    return marks.isEmpty() ? "" : " (" + String.join(", ", marks) + ")";
  }

  private static void check(String personaId, SyntheticPatient patient) {
    AccessPolicy.Persona persona = policy.demo().persona(personaId).orElseThrow();
    boolean related = grants.contains(personaId + " " + patient.nhsNumber().value()) || truth.network().organisation(persona.org())
        .map(org -> !truth.servedBy(patient, org).isEmpty()).orElse(false);
    boolean opens = related && !patient.objected();
    // Both views of the same record at once, as two clients would open them.
    Future<View> jsonView = jsonView(personaId, patient);
    Future<View> sseView = sseView(personaId, patient);
    await(Future.all(jsonView, sseView));
    View json = jsonView.result();
    View stream = sseView.result();
    if (!opens) {
      assertThat(json.status).as("JSON: no relationship, or objected").isEqualTo(403);
      assertThat(stream.status).as("SSE: no relationship, or objected").isEqualTo(403);
      return;
    }
    Set<Section> sections = new RoleViews(policy.roleViews()).permitted(persona.roleCode().substring(persona.roleCode().lastIndexOf(':') + 1));
    Expected expected = expected(patient, sections);
    for (View view : List.of(json, stream)) {
      assertThat(view.status).as(view.format + " status").isEqualTo(200);
      expected.check(view);
    }
  }

  /** What the ground truth says this viewer must and must not get. */
  private static Expected expected(SyntheticPatient patient, Set<Section> roleSections) {
    Expected expected = new Expected();
    for (String ods : patient.holders()) {
      SourceConfig source = sources.find(ods).orElse(null);
      Organisation org = truth.network().organisation(ods).orElse(null);
      if (source == null || org == null || GroundTruth.birthDateDiffersFromPds(patient, org)) {
        continue; // a source whose Patient differs from PDS is withheld whole (ReconciledRecordTest)
      }
      List<Item> served = truth.servedBy(patient, org);
      for (Item item : served) {
        if (item.disclosure().mustBeWithheld()) {
          expected.withheld.add(item);
          continue;
        }
        Section section = Section.forResourceType(item.type()).orElse(null);
        boolean asked = section != null && source.live() && roleSections.contains(section) && source.supplies(section)
            && (!"gp-connect".equals(source.adapter()) || GpConnectAdapter.SUPPORTED.contains(section));
        if (asked) {
          expected.shown.add(item);
        }
      }
    }
    Set<String> revealing = new TreeSet<>();
    expected.withheld.forEach(item -> texts(item.resource(), revealing));
    revealing.removeAll(ordinaryTexts);
    expected.revealingTexts.addAll(revealing);
    return expected;
  }

  private static final class Expected {
    final List<Item> shown = new ArrayList<>();
    final List<Item> withheld = new ArrayList<>();
    final Set<String> revealingTexts = new TreeSet<>();

    void check(View view) {
      Set<String> pseudonymous = new HashSet<>();
      view.items.forEach((source, refs) -> {
        if (sources.find(source).isEmpty()) {
          pseudonymous.addAll(refs);
        }
      });
      List<String> leaked = new ArrayList<>();
      for (Item item : withheld) {
        Set<String> fromSource = view.items.getOrDefault(item.source(), Set.of());
        if (fromSource.contains(item.reference()) || pseudonymous.contains(item.reference())
            || view.text.contains(item.reference() + "\"")) {
          leaked.add(item.source() + " " + item.reference() + " (" + item.disclosure() + ")");
        }
      }
      assertThat(leaked).as(view.format + ": items the simulator marks never to be shown").isEmpty();
      // Our own envelope's field names are not a source's text: meta's "restricted" flag is in every view.
      String sent = view.text.replace("\"restricted\":", "");
      List<String> texts = revealingTexts.stream().filter(sent::contains).toList();
      assertThat(texts).as(view.format + ": free text only sensitive items carry").isEmpty();
      List<String> missing = new ArrayList<>();
      for (Item item : shown) {
        boolean present = view.items.getOrDefault(item.source(), Set.of()).contains(item.reference())
            || (!view.items.containsKey(item.source()) && pseudonymous.contains(item.reference()));
        if (!present) {
          missing.add(item.source() + " " + item.reference());
        }
      }
      assertThat(missing).as(view.format + ": ordinary items missing (source statuses " + view.statuses + ")").isEmpty();
      // Nor anything else: what a role does not see, or what the network never served, must not appear.
      Set<String> allowed = new HashSet<>();
      shown.forEach(item -> allowed.add(item.reference()));
      List<String> unexpected = new ArrayList<>();
      view.items.forEach((source, refs) -> refs.stream().filter(ref -> !allowed.contains(ref))
          .forEach(ref -> unexpected.add(source + " " + ref)));
      assertThat(unexpected).as(view.format + ": items outside the role's sections or not served").isEmpty();
    }
  }

  /** One response: items by source, the whole text (attachments decoded), source statuses. */
  private static final class View {
    final String format;
    int status;
    final Map<String, Set<String>> items = new LinkedHashMap<>();
    final Map<String, String> statuses = new LinkedHashMap<>();
    String text = "";

    View(String format) {
      this.format = format;
    }

    void add(JsonObject section) {
      Set<String> refs = items.computeIfAbsent(section.getString("source"), k -> new LinkedHashSet<>());
      for (Object resource : section.getJsonArray("resources", new JsonArray())) {
        JsonObject json = (JsonObject) resource;
        refs.add(json.getString("resourceType") + "/" + json.getString("id"));
      }
    }
  }

  private static View json(String persona, SyntheticPatient patient) {
    return await(jsonView(persona, patient));
  }

  private static Future<View> jsonView(String persona, SyntheticPatient patient) {
    return client.get(demo.service.port(), "127.0.0.1", path(patient))
        .putHeader("Accept", "application/json").putHeader("Authorization", "Bearer " + demo.token(persona)).send()
        .map(GroundTruthTest::jsonView);
  }

  private static View jsonView(HttpResponse<Buffer> response) {
    View view = new View("JSON");
    view.status = response.statusCode();
    if (view.status == 200) {
      JsonObject document = response.bodyAsJsonObject();
      document.getJsonArray("sections").forEach(s -> view.add((JsonObject) s));
      document.getJsonArray("sources").forEach(s -> view.statuses.put(((JsonObject) s).getString("source"), ((JsonObject) s).getString("status")));
      view.text = withAttachments(response.bodyAsString(), document);
    }
    return view;
  }

  private static Future<View> sseView(String persona, SyntheticPatient patient) {
    return sse.open(demo.service.port(), path(patient), Map.of("Authorization", "Bearer " + demo.token(persona)), e -> { })
        .compose(s -> s.ended.future())
        .map(GroundTruthTest::sseView);
  }

  private static View sseView(SseClient.Stream stream) {
    View view = new View("SSE");
    view.status = stream.response.statusCode();
    StringBuilder text = new StringBuilder();
    for (SseEvent event : stream.events) {
      JsonObject data = event.data();
      text.append(withAttachments(data.encode(), data));
      if ("section".equals(event.event())) {
        view.add(data);
      } else if ("source".equals(event.event())) {
        view.statuses.put(data.getString("source"), data.getString("status"));
      }
    }
    view.text = text.toString();
    return view;
  }

  /**
   * The demo patients' views ask every source, as a user's would; a synthetic patient's asks only the
   * organisations that hold them ({@code sources=}), which changes nothing in what is shown (the others
   * answer that they do not know the patient) and keeps the test fast.
   */
  private static String path(SyntheticPatient patient) {
    String path = "/api/v1/patients/" + patient.nhsNumber().value() + "/record";
    if (patient.index() < 4 || patient.holders().isEmpty()) {
      return path;
    }
    return path + "?sources=" + String.join(",", new TreeSet<>(patient.holders()));
  }

  /** The text, followed by every inline attachment decoded (letters travel base64 encoded). */
  private static String withAttachments(String raw, Object tree) {
    StringBuilder out = new StringBuilder(raw);
    decodeAttachments(tree, out);
    return out.toString();
  }

  private static void decodeAttachments(Object node, StringBuilder out) {
    if (node instanceof JsonObject json) {
      if (json.getValue("data") instanceof String data && json.containsKey("contentType")) {
        try {
          out.append('\n').append(new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          out.append('\n').append(data);
        }
      }
      json.forEach(entry -> decodeAttachments(entry.getValue(), out));
    } else if (node instanceof JsonArray array) {
      array.forEach(item -> decodeAttachments(item, out));
    }
  }

  /** Free text an item carries: displays, texts, titles, descriptions, and its attachments decoded. */
  private static void texts(Object node, Set<String> out) {
    if (node instanceof JsonObject json) {
      for (Map.Entry<String, Object> entry : json) {
        if (entry.getValue() instanceof String text && Set.of("display", "text", "title", "description").contains(entry.getKey())) {
          out.add(text);
        }
        texts(entry.getValue(), out);
      }
      if (json.getValue("data") instanceof String data && json.containsKey("contentType")) {
        out.add(new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8));
      }
    } else if (node instanceof JsonArray array) {
      array.forEach(item -> texts(item, out));
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
