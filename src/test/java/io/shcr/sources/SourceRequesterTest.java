package io.shcr.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.fhir.ResourceIndex;
import io.shcr.nhs.NhsNumber;
import io.shcr.core.Deadline;
import io.shcr.core.Section;
import io.shcr.support.FakeSources;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The requester with the FHIR search adapter against a small paging server: it follows next links up to
 * the page cap, a next link off the source fails the run, and link lookups settle what answered.
 */
@ExtendWith(VertxExtension.class)
class SourceRequesterTest {

  private final Map<String, Integer> hits = new ConcurrentHashMap<>();

  private Future<HttpServer> server(Vertx vertx, String nextHost) {
    return vertx.createHttpServer().requestHandler(req -> answer(req, nextHost)).listen(0, "127.0.0.1");
  }

  private void answer(HttpServerRequest req, String nextHost) {
    String type = req.path().substring(req.path().lastIndexOf('/') + 1);
    hits.merge(type, 1, Integer::sum);
    if (type.equals("Procedure")) {
      req.response().setStatusCode(500).end();
      return;
    }
    int page = req.getParam("page") == null ? 1 : Integer.parseInt(req.getParam("page"));
    JsonArray entries = new JsonArray();
    JsonArray links = new JsonArray();
    if (type.equals("Patient")) {
      entries.add(new JsonObject().put("resource", FakeSources.patient("p1", FakeSources.NHS)));
    } else if (type.equals("Condition") && req.getParam("_id") != null) {
      for (String id : req.getParam("_id").split(",")) {
        entries.add(new JsonObject().put("resource", condition(id)));
      }
    } else if (type.equals("Condition")) {
      entries.add(new JsonObject().put("resource", condition("c" + page)));
      String host = nextHost != null ? nextHost : "127.0.0.1:" + req.authority().port();
      links.add(new JsonObject().put("relation", "next").put("url", "http://" + host + req.path() + "?page=" + (page + 1)));
    }
    req.response().putHeader("content-type", "application/fhir+json").end(new JsonObject().put("resourceType", "Bundle")
        .put("type", "searchset").put("link", links).put("entry", entries).encode());
  }

  private static JsonObject condition(String id) {
    return new JsonObject().put("resourceType", "Condition").put("id", id)
        .put("subject", new JsonObject().put("reference", "Patient/p1"));
  }

  private SourceRequester requester(Vertx vertx, HttpServer server, int pageCap) {
    SourceConfig config = new SourceConfig("T1", "Test", SourceKind.ACUTE, "http://127.0.0.1:" + server.actualPort() + "/T1",
        "fhir-r4", Set.of(Section.PROBLEMS, Section.DEMOGRAPHICS), true, 5_000, 5, 10, 100_000, pageCap,
        SourceConfig.BreakerConfig.DEFAULT);
    return new SourceRequester(new SourceClient(vertx, config), new FhirSearchAdapter(),
        new SourceCall(config, NhsNumber.of(FakeSources.NHS), Set.of(Section.PROBLEMS), new ResourceIndex()),
        Deadline.in(5_000), new CallScope());
  }

  @Test
  void followsNextLinksUpToThePageCap(Vertx vertx, VertxTestContext test) {
    List<JsonObject> problems = new ArrayList<>();
    server(vertx, null).compose(server -> requester(vertx, server, 3).run(batch -> {
      problems.addAll(batch.resources());
      return Future.succeededFuture();
    })).onComplete(test.succeeding(outcome -> test.verify(() -> {
      assertThat(outcome.status()).isEqualTo(SourceStatus.OK);
      assertThat(problems).extracting(r -> r.getString("id")).containsExactly("c1", "c2", "c3");
      assertThat(hits.get("Condition")).isEqualTo(3);
      assertThat(outcome.details()).containsExactly("Condition: more results than shown (page limit)");
      test.completeNow();
    })));
  }

  @Test
  void refusesNextLinksToAnotherHost(Vertx vertx, VertxTestContext test) {
    server(vertx, "attacker.example:80").compose(server -> requester(vertx, server, 5)
        .run(batch -> Future.succeededFuture()))
        .onComplete(test.succeeding(outcome -> test.verify(() -> {
          assertThat(outcome.answered()).isFalse();
          assertThat(outcome.failure().detail()).contains("outside the source");
          test.completeNow();
        })));
  }

  @Test
  void aLookupThatAnswersMarksWhatItLacksLeftOutAndOneThatFailsMarksNothing(Vertx vertx, VertxTestContext test) {
    Set<String> wanted = Set.of("Condition/c7", "Encounter/e1", "Procedure/p1", "Encounter/bad id!");
    server(vertx, null).compose(server -> {
      SourceRequester requester = requester(vertx, server, 1);
      // One round: what is wanted the second time is what the first left unresolved, so it stops there.
      return requester.resolveLinks(() -> requester.index().contains("Condition/c7") ? Set.of() : wanted, () -> true, true)
          .map(v -> requester.index());
    }).onComplete(test.succeeding(index -> test.verify(() -> {
      assertThat(index.resolve("Condition/c7")).isPresent();
      assertThat(index.leftOut("Condition/c7")).as("found, so not left out").isFalse();
      assertThat(index.leftOut("Encounter/e1")).as("asked, answered without it").isTrue();
      assertThat(index.leftOut("Procedure/p1")).as("the lookup failed: never looked up").isFalse();
      assertThat(index.leftOut("Encounter/bad id!")).as("no server could answer it: the source's doing").isTrue();
      test.completeNow();
    })));
  }

  @Test
  void resolvesReferencesById(Vertx vertx, VertxTestContext test) {
    server(vertx, null).compose(server -> {
      SourceRequester requester = requester(vertx, server, 1);
      Set<String> wanted = Set.of("Condition/x1", "http://elsewhere/fhir/Condition/x2", "Condition/../../etc");
      return requester.resolveLinks(() -> requester.index().contains("Condition/x1") ? Set.of() : wanted, () -> true, true)
          .map(v -> requester.index());
    }).onComplete(test.succeeding(index -> test.verify(() -> {
      assertThat(index.all()).extracting(r -> r.getString("id")).containsExactlyInAnyOrder("x1", "x2");
      test.completeNow();
    })));
  }
}
