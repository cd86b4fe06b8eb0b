package io.shcr.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.AccessDecision;
import io.shcr.access.AccessGate;
import io.shcr.access.Purpose;
import io.shcr.config.ServiceConfig;
import io.shcr.core.Section;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceKind;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.FakeSources;
import io.shcr.support.FakeSources.Behaviour;
import io.shcr.support.SseClient;
import io.shcr.support.TestComponents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overload with the real source client, queue and breaker, and no admission queue ({@code maxWaiting: 0}):
 * with the node's cap at N, N + k views at once
 * are N served and k refused 503 OVERLOADED with Retry-After before any source is called; a storm of
 * immediate retries while the N are open is refused the same way and never reaches a source; the own
 * organisation's source (on which the relationship rests) has a pool of 2 and a configured queue of 1,
 * yet none of the N admitted views is failed by our own queue (its queue is sized from the cap); its
 * breaker stays closed, and once load drops the node serves the next view at once. With an admission
 * queue, the views past the cap wait without asking any source and are then served.
 */
class OverloadTest {

  private static final int CAP = 6;
  private static final int EXCESS = 5;

  @TempDir
  Path configDir;

  private final Vertx vertx = Vertx.vertx();
  private final FakeSources fakes = new FakeSources(vertx).with("OWN", Behaviour.GATED).with("OTHER", Behaviour.NORMAL);
  private ShcrServer server;

  @AfterEach
  void stop() throws Exception {
    fakes.openGate();
    if (server != null) {
      await(server.close());
    }
    await(fakes.close());
    await(vertx.close());
  }

  @Test
  void pastTheCapTheExcessIsRefusedCheaplyAndTheAdmittedAreAllServed() throws Exception {
    Files.writeString(configDir.resolve("service.yaml"), "admission: {maxViews: " + CAP + ", maxViewsPerUser: 100, retryAfterSeconds: 2, queue: {maxWaiting: 0}}\n");
    startServer();

    // Nothing of a view is sent until the own source settles the relationship: its stream opens only then.
    List<Future<SseClient.Stream>> admitted = new ArrayList<>();
    for (int i = 0; i < CAP; i++) {
      admitted.add(new SseClient(vertx).open(server.port(), "/api/v1/patients/" + FakeSources.NHS + "/record",
          Map.of(), e -> { }));
    }
    waitUntil(() -> server.openViews() == CAP && fakes.calls("OTHER") >= CAP);

    WebClient web = WebClient.create(vertx);
    List<Future<HttpResponse<Buffer>>> excess = new ArrayList<>();
    for (int i = 0; i < EXCESS; i++) {
      excess.add(view(web));
    }
    for (Future<HttpResponse<Buffer>> refusal : excess) {
      assertOverloaded(await(refusal), "2");
    }
    // A closed-loop client asking again at once, many times over: each refused the same way.
    for (int i = 0; i < 40; i++) {
      assertOverloaded(await(view(web)), "2");
    }
    assertThat(fakes.calls("OTHER")).as("no refused view reached a source (one call per view)").isEqualTo(CAP);
    assertThat(fakes.calls("OWN")).as("the own source's pool holds 2 calls; the rest wait in our queue").isEqualTo(2);

    fakes.openGate();
    for (Future<SseClient.Stream> opened : admitted) {
      SseClient.Stream stream = await(await(opened).ended.future());
      assertThat(stream.response.statusCode()).isEqualTo(200);
      assertThat(stream.types()).as("every admitted view is served whole").contains("section", "complete");
      stream.ofType("complete").get(0).data().getJsonArray("sources").forEach(source ->
          assertThat(((JsonObject) source).getString("status")).as("every source answered").isEqualTo("ok"));
    }
    assertThat(fakes.calls("OWN")).as("every admitted view's own-source call was made, none failed by our queue").isEqualTo(CAP);

    JsonObject sources = await(web.get(server.port(), "127.0.0.1", "/api/v1/sources").send()).bodyAsJsonObject();
    sources.getJsonArray("sources").forEach(s -> assertThat(((JsonObject) s).getString("breaker")).isEqualTo("closed"));
    waitUntil(() -> server.openViews() == 0);
    SseClient.Stream after = await(new SseClient(vertx).open(server.port(), "/api/v1/patients/" + FakeSources.NHS + "/record",
        Map.of(), e -> { }).compose(s -> s.ended.future()));
    assertThat(after.response.statusCode()).as("the node serves again at once").isEqualTo(200);
    assertThat(after.types()).contains("complete");
  }

  /** The server over the two fake sources, the own one with 2 connections and a configured queue of 1. */
  private void startServer() throws Exception {
    await(fakes.start());
    // The own organisation's source: 2 connections and a configured queue of 1, far below the cap.
    SourceConfig own = new SourceConfig("OWN", "Own trust", SourceKind.ACUTE, fakes.baseUrl("OWN"), "fhir-r4",
        Set.of(Section.DEMOGRAPHICS), true, 20_000, 2, 1, 100_000, 3, new SourceConfig.BreakerConfig(3, 30_000));
    SourceConfig other = new SourceConfig("OTHER", "Other trust", SourceKind.ACUTE, fakes.baseUrl("OTHER"), "fhir-r4",
        Set.of(Section.DEMOGRAPHICS), true, 20_000, 5, 20, 100_000, 3, new SourceConfig.BreakerConfig(3, 30_000));
    AccessGate viaOwn = (ctx, request) -> Future.succeededFuture(new AccessDecision(TestComponents.DOCTOR, null, request.sections(),
        Purpose.DIRECT_CARE, null, "OWN", resource -> resource));
    server = await(ShcrServer.start(vertx, new ServiceConfig(configDir, "127.0.0.1", 0, 2, 30_000, 60_000),
        TestComponents.components(new SourceRegistry(List.of(own, other)), viaOwn,
            new TestComponents.MemoryAudit())));
  }

  /**
   * With an admission queue of Q, the same overload: N admitted, Q wait (asking nothing), k refused before any
   * source call; once the own source answers, the N and then the Q are all served whole, each view's calls
   * made once, and no place is left taken.
   */
  @Test
  void withAQueueTheWaitersAreServedAsPlacesFreeAndOnlyTheExcessIsRefused() throws Exception {
    int queue = 4;
    Files.writeString(configDir.resolve("service.yaml"), "admission: {maxViews: " + CAP + ", maxViewsPerUser: 100, "
        + "retryAfterSeconds: 2, queue: {maxWaiting: " + queue + ", maxWaitMs: 60000}}\n");
    startServer();
    List<Future<SseClient.Stream>> views = new ArrayList<>();
    for (int i = 0; i < CAP; i++) {
      views.add(new SseClient(vertx).open(server.port(), "/api/v1/patients/" + FakeSources.NHS + "/record", Map.of(), e -> { }));
    }
    waitUntil(() -> server.openViews() == CAP && fakes.calls("OTHER") >= CAP);
    for (int i = 0; i < queue; i++) {
      views.add(new SseClient(vertx).open(server.port(), "/api/v1/patients/" + FakeSources.NHS + "/record", Map.of(), e -> { }));
    }
    waitUntil(() -> server.waitingViews() == queue);

    WebClient web = WebClient.create(vertx);
    for (int i = 0; i < EXCESS; i++) {
      // A full queue turns over within one wait: Retry-After is maxWaitMs (60 s), not retryAfterSeconds.
      assertOverloaded(await(view(web)), "60");
    }
    assertThat(fakes.calls("OTHER")).as("neither a waiter nor a refused view reached a source").isEqualTo(CAP);

    fakes.openGate();
    for (Future<SseClient.Stream> opened : views) {
      SseClient.Stream stream = await(await(opened).ended.future());
      assertThat(stream.response.statusCode()).isEqualTo(200);
      assertThat(stream.types()).as("every admitted and every waiting view is served whole").contains("section", "complete");
    }
    assertThat(fakes.calls("OTHER")).as("one call per view served").isEqualTo(CAP + queue);
    assertThat(fakes.calls("OWN")).isEqualTo(CAP + queue);
    waitUntil(() -> server.openViews() == 0);
    assertThat(server.waitingViews()).isZero();
  }

  private Future<HttpResponse<Buffer>> view(WebClient web) {
    return web.get(server.port(), "127.0.0.1", "/api/v1/patients/" + FakeSources.NHS + "/record")
        .putHeader("Accept", "text/event-stream").send();
  }

  private static void assertOverloaded(HttpResponse<Buffer> response, String retryAfter) {
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.getHeader("Retry-After")).isEqualTo(retryAfter);
    assertThat(response.bodyAsJsonObject().getJsonArray("issue").getJsonObject(0).getJsonObject("details")
        .getJsonArray("coding").getJsonObject(0).getString("code")).isEqualTo("OVERLOADED");
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited too long").isLessThan(end);
      Thread.sleep(10);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
