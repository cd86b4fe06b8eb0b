package io.shcr.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.AccessDecision;
import io.shcr.access.AccessGate;
import io.shcr.config.ServiceConfig;
import io.shcr.core.ErrorCode;
import io.shcr.core.Principal;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.TestComponents;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission control with no queue ({@code maxWaiting: 0}, today's behaviour before the queue; the queue is
 * {@link AdmissionQueueTest}'s): with the node's cap at 2, a third concurrent view is refused 503 OVERLOADED with
 * Retry-After before the access gate (and so Spine and every source) is asked, the refusal is audited as
 * every refusal is, and once the open views end the node serves again. The user's cap works the same way
 * for one user while another user is still admitted. A view whose client goes away gives its place back.
 */
class AdmissionControlTest {

  @TempDir
  Path configDir;

  private final Vertx vertx = Vertx.vertx();
  /** Decisions the gate has been asked for and not yet made: each is an admitted view, held open. */
  private final Queue<Promise<AccessDecision>> pending = new ConcurrentLinkedQueue<>();
  private final java.util.concurrent.Semaphore asked = new java.util.concurrent.Semaphore(0);
  private final TestComponents.MemoryAudit audit = new TestComponents.MemoryAudit();
  private ShcrServer server;
  private HttpClient client;

  @AfterEach
  void stop() throws Exception {
    pending.forEach(p -> p.tryComplete(refusal(TestComponents.DOCTOR)));
    if (server != null) {
      await(server.close());
    }
    await(vertx.close());
  }

  @Test
  void pastTheNodesCapAViewIsRefusedBeforeAnyUpstreamWorkAndTheNodeServesAgainWhenLoadDrops() throws Exception {
    start("admission: {maxViews: 2, maxViewsPerUser: 100, retryAfterSeconds: 3, queue: {maxWaiting: 0}}");
    Future<HttpClientResponse> first = open("user-a");
    Future<HttpClientResponse> second = open("user-b");
    awaitAsked(2);

    HttpClientResponse third = await(open("user-c"));
    assertThat(third.statusCode()).isEqualTo(503);
    assertThat(third.getHeader("Retry-After")).isEqualTo("3");
    assertThat(code(third)).isEqualTo(ErrorCode.OVERLOADED.name());
    assertThat(pending).as("the gate (Spine, sources) was never asked for the third").hasSize(2);
    assertThat(audit.accesses).singleElement().satisfies(a -> {
      assertThat(a.outcome()).isEqualTo("refused");
      assertThat(a.refusalCode()).isEqualTo("OVERLOADED");
      assertThat(a.principal().userId()).as("attributed to who asked").isEqualTo("user-c");
    });

    // Load drops: the open views end, and the node takes views again.
    pending.poll().complete(refusal(TestComponents.DOCTOR));
    pending.poll().complete(refusal(TestComponents.DOCTOR));
    assertThat(await(first).statusCode()).isEqualTo(403);
    assertThat(await(second).statusCode()).isEqualTo(403);
    Future<HttpClientResponse> again = open("user-c");
    awaitAsked(1);
    pending.poll().complete(refusal(TestComponents.DOCTOR));
    assertThat(await(again).statusCode()).isEqualTo(403);
  }

  @Test
  void oneUserPastTheirCapIsRefusedWhileAnotherIsAdmitted() throws Exception {
    start("admission: {maxViews: 10, maxViewsPerUser: 1}");
    open("user-a");
    awaitAsked(1);
    HttpClientResponse again = await(open("user-a"));
    assertThat(again.statusCode()).isEqualTo(503);
    assertThat(code(again)).isEqualTo("OVERLOADED");
    assertThat(again.getHeader("Retry-After")).isEqualTo("1");
    open("user-b");
    awaitAsked(1);
  }

  @Test
  void aClientThatGoesAwayGivesItsPlaceBack() throws Exception {
    start("admission: {maxViews: 1, maxViewsPerUser: 100, queue: {maxWaiting: 0}}");
    HttpClient leaving = vertx.createHttpClient();
    leaving.request(options("user-a")).compose(req -> {
      req.send();
      return Future.succeededFuture(req);
    });
    awaitAsked(1);
    await(leaving.close());
    // The gate answers after the client left; the place is free again for the next view.
    pending.poll().complete(refusal(TestComponents.DOCTOR));
    Future<HttpClientResponse> next = open("user-b");
    awaitAsked(1);
    pending.poll().complete(refusal(TestComponents.DOCTOR));
    assertThat(await(next).statusCode()).isEqualTo(403);
  }

  private void start(String admission) throws Exception {
    Files.writeString(configDir.resolve("service.yaml"), admission + "\n");
    AccessGate gate = (authenticated, request) -> {
      Promise<AccessDecision> decision = Promise.promise();
      pending.add(decision);
      asked.release();
      return decision.future();
    };
    Components components = new Components(new SourceRegistry(List.of()), TestComponents.passThrough(), gate,
        headers -> Future.succeededFuture(user(headers.get(0).substring("Bearer ".length()))),
        audit, List.of(), Future::succeededFuture);
    // Two event loops, as a node has: the caps are the node's, whichever loop a connection lands on.
    server = await(ShcrServer.start(vertx, new ServiceConfig(configDir, "127.0.0.1", 0, 2, 5_000, 60_000), components));
    client = vertx.createHttpClient();
  }

  private RequestOptions options(String user) {
    return new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(server.port())
        .setURI("/api/v1/patients/9990000018/record").addHeader("Accept", "application/json")
        .addHeader("Authorization", "Bearer " + user);
  }

  private Future<HttpClientResponse> open(String user) {
    return client.request(options(user)).compose(req -> req.send()).compose(r -> r.body().map(b -> {
      bodies.put(r, b.toString());
      return r;
    }));
  }

  private final java.util.Map<HttpClientResponse, String> bodies = new java.util.concurrent.ConcurrentHashMap<>();

  private String code(HttpClientResponse response) {
    return new JsonObject(bodies.get(response)).getJsonArray("issue").getJsonObject(0).getJsonObject("details")
        .getJsonArray("coding").getJsonObject(0).getString("code");
  }

  /** Waits until the gate has been asked {@code count} more times. */
  private void awaitAsked(int count) throws InterruptedException {
    assertThat(asked.tryAcquire(count, 30, TimeUnit.SECONDS)).as("the gate was asked").isTrue();
  }

  private static Principal user(String id) {
    Principal d = TestComponents.DOCTOR;
    return new Principal(id, d.name(), d.roleProfileId(), d.jobRole(), d.organisation(), Set.of("B0370"), null);
  }

  private static AccessDecision refusal(Principal who) {
    return AccessDecision.refused(who, ErrorCode.ACCESS_DENIED.error("not in this test"));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
