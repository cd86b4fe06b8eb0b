package io.shcr.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.core.Deadline;
import io.shcr.core.Section;
import io.shcr.fhir.ResourceIndex;
import io.shcr.nhs.NhsNumber;
import io.shcr.support.FakeSources;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract of one round trip per FHIR source: against a fake that records what we send, a source
 * whose CapabilityStatement declares {@code batch} gets one POST per view (before: one GET per type and
 * the Patient's), each entry read as if asked alone, next pages followed as before; and a source that
 * lies in its batch answer (entries missing, extra, misordered, of another patient, failed) fails
 * closed, never a silent gap.
 */
@ExtendWith(VertxExtension.class)
class FhirBatchTest {

  /** The view's sections: demographics, problems (Condition), medications (two types), allergies. */
  private static final Set<Section> SECTIONS = Set.of(Section.DEMOGRAPHICS, Section.PROBLEMS, Section.MEDICATIONS,
      Section.ALLERGIES);
  private static final int SEARCHES = 1 + 1 + 2 + 1;

  /** What the fake received, as "METHOD path". */
  private final Map<String, Integer> received = new ConcurrentHashMap<>();
  private volatile String capability = "batch";
  private volatile UnaryOperator<JsonObject> lie = UnaryOperator.identity();
  private volatile int conditionPages = 1;
  private volatile String patientNhs = FakeSources.NHS;

  private Future<HttpServer> server(Vertx vertx) {
    return vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> answer(req, body)))
        .listen(0, "127.0.0.1");
  }

  private void answer(HttpServerRequest req, Buffer body) {
    received.merge(req.method().name() + " " + req.path(), 1, Integer::sum);
    String path = req.path().substring("/T1".length());
    if (path.equals("/metadata")) {
      if (capability == null) {
        req.response().setStatusCode(404).end();
        return;
      }
      JsonObject rest = new JsonObject().put("mode", "server")
          .put("interaction", new JsonArray().add(new JsonObject().put("code", capability)));
      fhir(req, new JsonObject().put("resourceType", "CapabilityStatement").put("rest", new JsonArray().add(rest)));
      return;
    }
    if (path.isEmpty() && req.method().name().equals("POST")) {
      JsonArray answers = new JsonArray();
      for (Object entry : new JsonObject(body).getJsonArray("entry")) {
        String url = ((JsonObject) entry).getJsonObject("request").getString("url");
        String type = url.substring(0, url.indexOf('?'));
        answers.add(new JsonObject().put("resource", searchset(req, type, 1))
            .put("response", new JsonObject().put("status", "200 OK")));
      }
      fhir(req, lie.apply(new JsonObject().put("resourceType", "Bundle").put("type", "batch-response").put("entry", answers)));
      return;
    }
    String type = path.substring(1);
    int page = req.getParam("page") == null ? 1 : Integer.parseInt(req.getParam("page"));
    fhir(req, searchset(req, type, page));
  }

  private JsonObject searchset(HttpServerRequest req, String type, int page) {
    JsonArray entries = new JsonArray();
    JsonArray links = new JsonArray();
    if (type.equals("Patient")) {
      entries.add(match(FakeSources.patient("p1", patientNhs)));
    } else {
      entries.add(match(new JsonObject().put("resourceType", type).put("id", type.toLowerCase() + page)
          .put("subject", new JsonObject().put("reference", "Patient/p1"))
          .put("patient", new JsonObject().put("reference", "Patient/p1"))));
      if (type.equals("Condition") && page < conditionPages) {
        links.add(new JsonObject().put("relation", "next")
            .put("url", "http://127.0.0.1:" + req.authority().port() + "/T1/Condition?page=" + (page + 1)));
      }
    }
    return new JsonObject().put("resourceType", "Bundle").put("type", "searchset").put("link", links).put("entry", entries);
  }

  private static JsonObject match(JsonObject resource) {
    return new JsonObject().put("resource", resource).put("search", new JsonObject().put("mode", "match"));
  }

  private static void fhir(HttpServerRequest req, JsonObject body) {
    req.response().putHeader("content-type", "application/fhir+json").end(body.encode());
  }

  private record Run(SourceOutcome outcome, Map<Section, List<String>> sections) {}

  /** One view of the source: its capabilities read first (as a later view would find them), then the run. */
  private Future<Run> view(Vertx vertx, HttpServer server, long maxResponseBytes, int pageCap) {
    SourceConfig config = new SourceConfig("T1", "Test", SourceKind.ACUTE, "http://127.0.0.1:" + server.actualPort() + "/T1",
        "fhir-r4", SECTIONS, true, 5_000, 5, 10, maxResponseBytes, pageCap, SourceConfig.BreakerConfig.DEFAULT);
    SourceClient client = new SourceClient(vertx, config);
    return known(client, "batch".equals(capability), 3).compose(known -> {
      received.clear();
      Map<Section, List<String>> sections = new EnumMap<>(Section.class);
      SourceRequester requester = new SourceRequester(client, new FhirSearchAdapter(),
          new SourceCall(config, NhsNumber.of(FakeSources.NHS), SECTIONS, new ResourceIndex()), Deadline.in(5_000), new CallScope());
      return requester.run(batch -> {
        sections.put(batch.section(), batch.resources().stream().map(r -> r.getString("id")).toList());
        return Future.succeededFuture();
      }).map(outcome -> new Run(outcome, sections));
    });
  }

  /** The statement as read, asked again (a loaded machine may take longer than a fetch may) until it is as served. */
  private static Future<FhirCapabilities> known(SourceClient client, boolean batch, int tries) {
    return client.capabilities().refresh().compose(known -> known.batch() == batch || tries <= 1 ? Future.succeededFuture(known)
        : known(client, batch, tries - 1));
  }

  private Future<Run> view(Vertx vertx) {
    return server(vertx).compose(server -> view(vertx, server, 100_000, 5));
  }

  private int posts() {
    return received.getOrDefault("POST /T1", 0);
  }

  private int gets() {
    return received.entrySet().stream().filter(e -> e.getKey().startsWith("GET ")).mapToInt(Map.Entry::getValue).sum();
  }

  @Test
  void aSourceThatDeclaresNothingIsAskedOneSearchAtATimeAsBefore(Vertx vertx, VertxTestContext test) {
    capability = null;
    view(vertx).onComplete(test.succeeding(run -> test.verify(() -> {
      assertThat(run.outcome().status()).isEqualTo(SourceStatus.OK);
      assertThat(posts()).isZero();
      assertThat(gets()).as("the Patient and one search per type").isEqualTo(SEARCHES);
      assertThat(run.sections().get(Section.MEDICATIONS)).containsExactly("medicationstatement1", "medicationrequest1");
      test.completeNow();
    })));
  }

  @Test
  void aSourceThatDeclaresOnlySearchIsAskedAsBefore(Vertx vertx, VertxTestContext test) {
    capability = "search-type";
    view(vertx).onComplete(test.succeeding(run -> test.verify(() -> {
      assertThat(run.outcome().status()).isEqualTo(SourceStatus.OK);
      assertThat(posts()).isZero();
      assertThat(gets()).isEqualTo(SEARCHES);
      test.completeNow();
    })));
  }

  @Test
  void aSourceThatDeclaresBatchIsAskedOnceAndGivesTheSameSections(Vertx vertx, VertxTestContext test) {
    server(vertx).compose(server -> {
      capability = null;
      return view(vertx, server, 100_000, 5).compose(before -> {
        capability = "batch";
        return view(vertx, server, 100_000, 5).map(after -> List.of(before, after));
      });
    }).onComplete(test.succeeding(runs -> test.verify(() -> {
      Run before = runs.get(0);
      Run after = runs.get(1);
      assertThat(after.outcome().status()).isEqualTo(SourceStatus.OK);
      assertThat(after.outcome().answered()).isTrue();
      assertThat(posts()).as("one round trip").isEqualTo(1);
      assertThat(gets()).isZero();
      assertThat(after.sections()).isEqualTo(before.sections());
      assertThat(after.sections()).containsKeys(Section.DEMOGRAPHICS, Section.PROBLEMS, Section.MEDICATIONS, Section.ALLERGIES);
      test.completeNow();
    })));
  }

  @Test
  void nextPagesOfABatchedSearchAreFollowedUpToThePageCap(Vertx vertx, VertxTestContext test) {
    conditionPages = 10;
    server(vertx).compose(server -> view(vertx, server, 100_000, 3)).onComplete(test.succeeding(run -> test.verify(() -> {
      assertThat(run.outcome().status()).isEqualTo(SourceStatus.OK);
      assertThat(run.sections().get(Section.PROBLEMS)).containsExactly("condition1", "condition2", "condition3");
      assertThat(posts()).isEqualTo(1);
      assertThat(received.get("GET /T1/Condition")).as("pages 2 and 3").isEqualTo(2);
      assertThat(run.outcome().details()).contains("Condition: more results than shown (page limit)");
      test.completeNow();
    })));
  }

  @Test
  void aBatchAnswerLargerThanOneAnswerIsTakenWhenEachEntryIsWithinTheCap(Vertx vertx, VertxTestContext test) {
    int one = searchsetSize();
    // The cap fits any one entry, not the five together.
    server(vertx).compose(server -> view(vertx, server, one + 200, 5)).onComplete(test.succeeding(run -> test.verify(() -> {
      assertThat(run.outcome().status()).isEqualTo(SourceStatus.OK);
      assertThat(posts()).isEqualTo(1);
      test.completeNow();
    })));
  }

  @Test
  void anEntryOverTheCapForOneAnswerFailsAsItWouldAlone(Vertx vertx, VertxTestContext test) {
    lie = bundle -> {
      JsonObject condition = entryOf(bundle, "Condition");
      condition.getJsonArray("entry").getJsonObject(0).getJsonObject("resource").put("note", "x".repeat(4_000));
      return bundle;
    };
    server(vertx).compose(server -> view(vertx, server, 2_000, 5)).onComplete(test.succeeding(run -> test.verify(() -> {
      assertThat(run.outcome().answered()).isFalse();
      assertThat(run.outcome().failure().detail()).contains("larger than the 2000 byte limit");
      assertThat(run.sections()).doesNotContainKeys(Section.PROBLEMS, Section.MEDICATIONS, Section.ALLERGIES);
      test.completeNow();
    })));
  }

  @Test
  void aBatchWithAnEntryMissingFailsClosed(Vertx vertx, VertxTestContext test) {
    lie = bundle -> {
      bundle.getJsonArray("entry").remove(bundle.getJsonArray("entry").size() - 1);
      return bundle;
    };
    failsClosed(vertx, test, "did not match the searches asked");
  }

  @Test
  void aBatchWithAnExtraEntryFailsClosed(Vertx vertx, VertxTestContext test) {
    lie = bundle -> {
      bundle.getJsonArray("entry").add(bundle.getJsonArray("entry").getJsonObject(1).copy());
      return bundle;
    };
    failsClosed(vertx, test, "did not match the searches asked");
  }

  @Test
  void aMisorderedBatchFailsClosed(Vertx vertx, VertxTestContext test) {
    lie = bundle -> {
      JsonArray entries = bundle.getJsonArray("entry");
      Object first = entries.getValue(0);
      entries.set(0, entries.getValue(1));
      entries.set(1, first);
      return bundle;
    };
    failsClosed(vertx, test, "a type not asked for");
  }

  @Test
  void aBatchResponseOfAnotherKindFailsClosed(Vertx vertx, VertxTestContext test) {
    lie = bundle -> bundle.put("type", "searchset");
    failsClosed(vertx, test, "did not match the searches asked");
  }

  @Test
  void anEntryWithoutAStatusFailsClosed(Vertx vertx, VertxTestContext test) {
    lie = bundle -> {
      bundle.getJsonArray("entry").getJsonObject(2).getJsonObject("response").put("status", "OK");
      return bundle;
    };
    failsClosed(vertx, test, "did not match the searches asked");
  }

  @Test
  void aFailedEntryIsThatSearchsFailureNotAGap(Vertx vertx, VertxTestContext test) {
    lie = bundle -> {
      JsonObject entry = bundle.getJsonArray("entry").getJsonObject(indexOf(bundle, "Condition"));
      entry.put("response", new JsonObject().put("status", "500 Internal Server Error"));
      entry.put("resource", new JsonObject().put("resourceType", "OperationOutcome"));
      return bundle;
    };
    failsClosed(vertx, test, "HTTP 500");
  }

  @Test
  void anEntryOfAnotherPatientWithholdsTheWholeSource(Vertx vertx, VertxTestContext test) {
    lie = bundle -> {
      entryOf(bundle, "AllergyIntolerance").getJsonArray("entry").getJsonObject(0).getJsonObject("resource")
          .put("contained", new JsonArray().add(FakeSources.patient("p9", FakeSources.OTHER_NHS)));
      return bundle;
    };
    server(vertx).compose(server -> view(vertx, server, 100_000, 5)).onComplete(test.succeeding(run -> test.verify(() -> {
      assertThat(run.outcome().status()).isEqualTo(SourceStatus.PATIENT_MISMATCH);
      assertThat(run.sections()).isEmpty();
      test.completeNow();
    })));
  }

  @Test
  void aPatientEntryThatIsSomeoneElseWithholdsTheWholeSource(Vertx vertx, VertxTestContext test) {
    patientNhs = FakeSources.OTHER_NHS;
    server(vertx).compose(server -> view(vertx, server, 100_000, 5)).onComplete(test.succeeding(run -> test.verify(() -> {
      assertThat(posts()).isEqualTo(1);
      assertThat(run.outcome().status()).isEqualTo(SourceStatus.PATIENT_MISMATCH);
      assertThat(run.sections()).isEmpty();
      test.completeNow();
    })));
  }

  private void failsClosed(Vertx vertx, VertxTestContext test, String detail) {
    server(vertx).compose(server -> view(vertx, server, 100_000, 5)).onComplete(test.succeeding(run -> test.verify(() -> {
      assertThat(posts()).isEqualTo(1);
      assertThat(run.outcome().answered()).isFalse();
      assertThat(run.outcome().failure().detail()).contains(detail);
      assertThat(run.sections()).as("no clinical section is released").doesNotContainKeys(Section.PROBLEMS,
          Section.MEDICATIONS, Section.ALLERGIES);
      test.completeNow();
    })));
  }

  private static int indexOf(JsonObject bundle, String type) {
    JsonArray entries = bundle.getJsonArray("entry");
    for (int i = 0; i < entries.size(); i++) {
      JsonArray matches = entries.getJsonObject(i).getJsonObject("resource").getJsonArray("entry");
      if (type.equals(matches.getJsonObject(0).getJsonObject("resource").getString("resourceType"))) {
        return i;
      }
    }
    throw new AssertionError(type);
  }

  private static JsonObject entryOf(JsonObject bundle, String type) {
    return bundle.getJsonArray("entry").getJsonObject(indexOf(bundle, type)).getJsonObject("resource");
  }

  /** The encoded size of the largest one-match searchset the fake gives. */
  private static int searchsetSize() {
    JsonObject resource = new JsonObject().put("resourceType", "MedicationStatement").put("id", "medicationstatement1")
        .put("subject", new JsonObject().put("reference", "Patient/p1"))
        .put("patient", new JsonObject().put("reference", "Patient/p1"));
    int clinical = new JsonObject().put("resourceType", "Bundle").put("type", "searchset").put("link", new JsonArray())
        .put("entry", new JsonArray().add(match(resource))).encode().length();
    int patient = new JsonObject().put("resourceType", "Bundle").put("type", "searchset").put("link", new JsonArray())
        .put("entry", new JsonArray().add(match(FakeSources.patient("p1", FakeSources.NHS)))).encode().length();
    return Math.max(clinical, patient);
  }
}
