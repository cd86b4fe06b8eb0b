package io.shcr.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.AccessDecision;
import io.shcr.access.AccessGate;
import io.shcr.audit.AccessAudit;
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
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admission queue ({@code admission.queue}), on a real server with two event loops and an access gate
 * that holds each decision until the test makes it (an admitted view is one the gate was asked about: the
 * gate is where Spine and every source begin). With the node's cap at N and a queue of Q: N + Q views at
 * once are N admitted at once and Q admitted in their order of arrival as places free, none refused, and
 * no waiter's token is checked while it waits; k more are refused 503 OVERLOADED with Retry-After, audited,
 * before the gate is asked. A view that waits past maxWaitMs is refused and audited; a client that leaves
 * while waiting frees its place in the queue, is audited CONNECTION_CLOSED and never reaches the gate.
 * Places are never leaked: afterwards none is taken, nobody waits, and the next view is admitted at once.
 * Many views arriving and ending on both loops at once are all served through the hand-off.
 */
class AdmissionQueueTest {

  @TempDir
  Path configDir;

  private final Vertx vertx = Vertx.vertx();
  /** Decisions the gate has been asked for and not yet made, oldest first: each an admitted view, held open. */
  private final Queue<Promise<AccessDecision>> pending = new ConcurrentLinkedQueue<>();
  /** Who the gate was asked for, in order. */
  private final List<String> askedFor = new CopyOnWriteArrayList<>();
  /** Token checks per user: a waiter's token is not checked until it has a place (or is refused). */
  private final Map<String, AtomicInteger> tokenChecks = new ConcurrentHashMap<>();
  private final TestComponents.MemoryAudit audit = new TestComponents.MemoryAudit();
  private final Map<HttpClientResponse, String> bodies = new ConcurrentHashMap<>();
  private volatile boolean decideAtOnce;
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
  void aBurstOfCapPlusQueueIsServedInOrderAndOnlyTheExcessIsRefused() throws Exception {
    int cap = 2;
    int queue = 3;
    start("admission: {maxViews: " + cap + ", maxViewsPerUser: 100, retryAfterSeconds: 4, queue: {maxWaiting: " + queue
        + ", maxWaitMs: 60000}}");
    List<Future<HttpClientResponse>> views = new ArrayList<>();
    for (int i = 0; i < cap; i++) {
      views.add(open("user-" + i));
    }
    waitUntil(() -> askedFor.size() == cap);
    // One at a time, so that their order of arrival is known whichever loop each connection lands on.
    for (int i = cap; i < cap + queue; i++) {
      views.add(open("user-" + i));
      int waiting = i - cap + 1;
      waitUntil(() -> server.waitingViews() == waiting);
    }
    assertThat(server.openViews()).isEqualTo(cap);
    for (int i = cap; i < cap + queue; i++) {
      assertThat(tokenChecks.get("user-" + i)).as("a waiter costs no token check").isNull();
    }

    int excess = 2;
    for (int i = 0; i < excess; i++) {
      HttpClientResponse refused = await(open("excess-" + i));
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.getHeader("Retry-After")).isEqualTo("4");
      assertThat(code(refused)).isEqualTo(ErrorCode.OVERLOADED.name());
    }
    assertThat(askedFor).as("the gate (Spine, sources) was never asked for the excess").hasSize(cap);
    assertThat(audit.accesses).as("each excess view audited, attributed").hasSize(excess).allSatisfy(a -> {
      assertThat(a.refusalCode()).isEqualTo("OVERLOADED");
      assertThat(a.principal().userId()).startsWith("excess-");
    });

    // Each decision made ends a view; its place goes to the first waiter.
    for (int served = 0; served < cap + queue; served++) {
      int asked = Math.min(cap + served + 1, cap + queue);
      pending.poll().complete(refusal(TestComponents.DOCTOR));
      waitUntil(() -> askedFor.size() == asked);
    }
    assertThat(askedFor.subList(0, cap)).as("the first two arrived together").containsExactlyInAnyOrder("user-0", "user-1");
    assertThat(askedFor.subList(cap, cap + queue)).as("the waiters were admitted in their order of arrival")
        .containsExactly("user-2", "user-3", "user-4");
    for (Future<HttpClientResponse> view : views) {
      assertThat(await(view).statusCode()).as("served (the gate refused it: 403), not refused OVERLOADED").isEqualTo(403);
    }
    assertNothingHeld();
  }

  @Test
  void aViewThatWaitsTooLongIsRefusedAndAudited() throws Exception {
    start("admission: {maxViews: 1, maxViewsPerUser: 100, queue: {maxWaiting: 5, maxWaitMs: 200}}");
    Future<HttpClientResponse> held = open("user-a");
    waitUntil(() -> askedFor.size() == 1);

    HttpClientResponse late = await(open("user-b"));
    assertThat(late.statusCode()).isEqualTo(503);
    assertThat(late.getHeader("Retry-After")).isEqualTo("1");
    assertThat(code(late)).isEqualTo("OVERLOADED");
    assertThat(askedFor).as("the gate was never asked for the view that waited").containsExactly("user-a");
    assertThat(audit.accesses).singleElement().satisfies(a -> {
      assertThat(a.outcome()).isEqualTo(AccessAudit.REFUSED);
      assertThat(a.refusalCode()).isEqualTo("OVERLOADED");
      assertThat(a.principal().userId()).isEqualTo("user-b");
    });
    assertThat(server.waitingViews()).isZero();

    pending.poll().complete(refusal(TestComponents.DOCTOR));
    assertThat(await(held).statusCode()).isEqualTo(403);
    assertNothingHeld();
  }

  @Test
  void aClientThatLeavesWhileWaitingFreesItsPlaceInTheQueueAndNeverReachesTheGate() throws Exception {
    start("admission: {maxViews: 1, maxViewsPerUser: 100, queue: {maxWaiting: 1, maxWaitMs: 60000}}");
    Future<HttpClientResponse> held = open("user-a");
    waitUntil(() -> askedFor.size() == 1);

    HttpClient leaving = vertx.createHttpClient();
    leaving.request(options("user-b")).compose(req -> {
      req.send();
      return Future.succeededFuture(req);
    });
    waitUntil(() -> server.waitingViews() == 1);
    await(leaving.close());
    waitUntil(() -> server.waitingViews() == 0);
    waitUntil(() -> audit.accesses.size() == 1);
    assertThat(audit.accesses).singleElement().satisfies(a -> {
      assertThat(a.refusalCode()).as("the abandoned wait is audited, as nothing fetched").isEqualTo("CONNECTION_CLOSED");
      assertThat(a.principal().userId()).isEqualTo("user-b");
    });

    // Its place in the queue is free: another view may wait there (a queue of 1 still held would refuse it).
    Future<HttpClientResponse> next = open("user-c");
    waitUntil(() -> server.waitingViews() == 1);
    pending.poll().complete(refusal(TestComponents.DOCTOR));
    assertThat(await(held).statusCode()).isEqualTo(403);
    waitUntil(() -> askedFor.size() == 2);
    pending.poll().complete(refusal(TestComponents.DOCTOR));
    assertThat(await(next).statusCode()).isEqualTo(403);
    assertThat(askedFor).as("the view that left never reached the gate").containsExactly("user-a", "user-c");
    assertNothingHeld();
  }

  @Test
  void noQueueRefusesAtOnce() throws Exception {
    start("admission: {maxViews: 1, maxViewsPerUser: 100, queue: {maxWaiting: 0}}");
    open("user-a");
    waitUntil(() -> askedFor.size() == 1);
    HttpClientResponse refused = await(open("user-b"));
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(code(refused)).isEqualTo("OVERLOADED");
    assertThat(server.waitingViews()).isZero();
    assertThat(askedFor).containsExactly("user-a");
  }

  @Test
  void manyViewsArrivingAndEndingOnBothLoopsAreAllServedThroughTheHandOff() throws Exception {
    int views = 200;
    start("admission: {maxViews: 3, maxViewsPerUser: 1000, queue: {maxWaiting: " + views + ", maxWaitMs: 60000}}");
    decideAtOnce = true;
    // Many connections, spread over the server's two loops: views end on one loop and hand places to the other.
    HttpClient many = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(views));
    List<Future<HttpClientResponse>> all = new ArrayList<>();
    for (int i = 0; i < views; i++) {
      all.add(many.request(options("user-" + (i % 7))).compose(req -> req.send()).compose(r -> r.body().map(b -> r)));
    }
    for (Future<HttpClientResponse> view : all) {
      assertThat(await(view).statusCode()).as("every view served, none refused").isEqualTo(403);
    }
    assertThat(askedFor).hasSize(views);
    assertThat(audit.accesses).as("no refusal by admission").noneMatch(a -> "OVERLOADED".equals(a.refusalCode()));
    decideAtOnce = false;
    assertNothingHeld();
  }

  /** No place taken, nobody waiting, and the next view is admitted at once. */
  private void assertNothingHeld() throws Exception {
    waitUntil(() -> server.openViews() == 0);
    assertThat(server.waitingViews()).isZero();
    int asked = askedFor.size();
    Future<HttpClientResponse> next = open("user-next");
    waitUntil(() -> askedFor.size() == asked + 1);
    assertThat(server.waitingViews()).isZero();
    pending.poll().complete(refusal(TestComponents.DOCTOR));
    assertThat(await(next).statusCode()).isEqualTo(403);
  }

  private void start(String admission) throws Exception {
    Files.writeString(configDir.resolve("service.yaml"), admission + "\n");
    AccessGate gate = (authenticated, request) -> authenticated.compose(who -> {
      askedFor.add(who.userId());
      if (decideAtOnce) {
        return Future.succeededFuture(refusal(who));
      }
      Promise<AccessDecision> decision = Promise.promise();
      pending.add(decision);
      return decision.future();
    });
    Components components = new Components(new SourceRegistry(List.of()), TestComponents.passThrough(), gate,
        headers -> {
          String id = headers.get(0).substring("Bearer ".length());
          tokenChecks.computeIfAbsent(id, u -> new AtomicInteger()).incrementAndGet();
          return Future.succeededFuture(user(id));
        },
        audit, List.of(), Future::succeededFuture);
    // Two event loops, as a node has: the places are the node's, whichever loop a connection lands on.
    server = await(ShcrServer.start(vertx, new ServiceConfig(configDir, "127.0.0.1", 0, 2, 5_000, 60_000), components));
    client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(50));
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

  private String code(HttpClientResponse response) {
    return new JsonObject(bodies.get(response)).getJsonArray("issue").getJsonObject(0).getJsonObject("details")
        .getJsonArray("coding").getJsonObject(0).getString("code");
  }

  private static Principal user(String id) {
    Principal d = TestComponents.DOCTOR;
    return new Principal(id, d.name(), d.roleProfileId(), d.jobRole(), d.organisation(), Set.of("B0370"), null);
  }

  private static AccessDecision refusal(Principal who) {
    return AccessDecision.refused(who, ErrorCode.ACCESS_DENIED.error("not in this test"));
  }

  private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
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
