package io.shcr.cluster;

import static io.shcr.cluster.LoopbackCluster.await;
import static io.shcr.cluster.LoopbackCluster.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.AccessPolicy;
import io.shcr.access.BreakGlassGrants;
import io.shcr.access.IntegrityAlarm;
import io.shcr.access.SharedValueSeal;
import io.shcr.access.KeyedHash;
import io.shcr.access.PatientThrottle;
import io.shcr.core.Principal;
import io.shcr.api.Components;
import io.shcr.api.ShcrServer;
import io.shcr.config.ServiceConfig;
import io.shcr.nhs.NhsNumber;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.FakeSources;
import io.shcr.support.FakeSources.Behaviour;
import io.shcr.support.SseClient;
import io.shcr.support.TestComponents;
import io.shcr.support.TestSources;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Counter;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three clustered nodes on loopback, each running the real record service: shared data written on one
 * node is seen (and expires) on another, a limit is reached across nodes, concurrency shares follow the
 * member count, a node killed mid-stream leaves shared state readable and streams on the others
 * finishing, and no distributed object ever holds a raw NHS number or clinical content. One cluster
 * serves the whole class (start-up is the expensive part); the node is killed in the last test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {

  private static final int CAP = 5;
  private static final KeyedHash HASH = new KeyedHash("cluster-test-secret".getBytes(StandardCharsets.UTF_8));
  private static final SharedValueSeal SEAL = new SharedValueSeal(LoopbackCluster.SECRET);
  private static final IntegrityAlarm ALARM = new IntegrityAlarm(new TestComponents.MemoryAudit(), Clock.systemUTC());
  private static final Principal DOCTOR = TestComponents.DOCTOR;
  private static final Principal NURSE = new Principal("555000000002", "Nurse Test", "555000000002-01", "R8001", "RXN",
      Set.of("B0370"), null);
  private static final List<String> FORBIDDEN = List.of(FakeSources.NHS, "943 476 5919", FakeSources.OTHER_NHS,
      "Hypertensive", "penicillin", "1950-01-01",
      "9990000026", "9990000034", "9990000042", "555000000001", "555000000002", "555000000009", "Dr Test", "Nurse Test", "Trawler");

  private static Vertx outside;
  private static FakeSources fakes;
  private static FakeSources gated;
  private static LoopbackCluster cluster;
  private static final List<ShcrServer> servers = new ArrayList<>();
  private static WebClient web;

  @BeforeAll
  static void startCluster() {
    outside = Vertx.vertx();
    web = WebClient.create(outside);
    fakes = await(new FakeSources(outside).with("ACUTE", Behaviour.NORMAL).start(), 10);
    gated = await(new FakeSources(outside).with("SLOW", Behaviour.GATED).start(), 10);
    SourceRegistry registry = new SourceRegistry(List.of(
        TestSources.fhir(fakes, "ACUTE", true, 10_000), TestSources.fhir(gated, "SLOW", true, 20_000)));
    cluster = LoopbackCluster.start(3, 0);
    for (ClusterRuntime node : cluster.nodes()) {
      ServiceConfig config = new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, 30_000, 60_000);
      Components plain = TestComponents.components(registry, TestComponents.allowAll(), new TestComponents.MemoryAudit());
      Components withCluster = new Components(plain.sources(), plain.privacy(), plain.access(), plain.authenticator(), plain.audit(),
          List.of(new io.shcr.api.ClusterRoutes(node)), plain.onClose());
      ShcrServer server = await(ShcrServer.start(node.vertx(), config, withCluster), 10);
      node.shareSourcesWith(server.directory());
      servers.add(server);
    }
  }

  @AfterAll
  static void stopCluster() {
    if (gated != null) {
      gated.openGate();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (outside != null) {
      await(outside.close(), 10);
    }
  }

  @Test
  @Order(1)
  void everyNodeTakesItsShareOfEachSourceCap() {
    waitUntil(() -> IntStream.range(0, 3).allMatch(i -> share(i, "ACUTE") == ceil(CAP, 3)), 10);
    JsonObject members = await(web.get(servers.get(0).port(), "127.0.0.1", "/cluster/members").send(), 10).bodyAsJsonObject();
    assertThat(members.getInteger("members")).isEqualTo(3);
    assertThat(members.getString("cluster")).startsWith("shcr-test-");
    assertThat(members.getBoolean("safe")).isTrue();
    for (String name : List.of("shcr.access.break-glass", "shcr.access.throttle", "__vertx.map.counter", "__vertx.map.lock",
        "__vertx.nodeInfo", "__vertx.haInfo")) {
      assertThat(cluster.node(0).hazelcast().getConfig().findMapConfig(name).getBackupCount()).as(name).isEqualTo(1);
    }
    assertThat(cluster.node(0).hazelcast().getConfig().findMultiMapConfig("__vertx.subs").getBackupCount()).isEqualTo(1);
  }

  @Test
  @Order(2)
  void entryWrittenWithTtlOnOneNodeIsSeenOnAnotherAndExpires() {
    JsonObject grant = new JsonObject().put("reason", "emergency-treatment").put("expiresAt", System.currentTimeMillis() + 1_500);
    await(map(0, "shcr.test.ttl").compose(m -> m.put("k-ttl", grant, 1_500)), 10);
    assertThat(get(1, "shcr.test.ttl", "k-ttl")).isEqualTo(grant);
    assertThat(get(2, "shcr.test.ttl", "k-ttl")).isEqualTo(grant);
    waitUntil(() -> get(1, "shcr.test.ttl", "k-ttl") == null, 15);
    assertThat(get(2, "shcr.test.ttl", "k-ttl")).isNull();
  }

  @Test
  @Order(3)
  void limitIsReachedAcrossNodes() {
    int limit = 5;
    List<Boolean> admitted = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Counter counter = await(cluster.node(i % 3).vertx().sharedData().getCounter("shcr.test.limit"), 10);
      admitted.add(await(counter.incrementAndGet(), 10) <= limit);
    }
    assertThat(admitted).containsExactly(true, true, true, true, true, false, false, false);
  }

  @Test
  @Order(4)
  void scanFindsClinicalContentAndRawNumbersWhenPlanted() {
    AsyncMap<String, Object> leak = await(map(0, "shcr.test.leak"), 10);
    await(leak.put("patient:" + FakeSources.NHS, "seen"), 10);
    await(leak.put("record", FakeSources.patient("p1", "9990000018")), 10);
    cluster.node(1).hazelcast().getTopic("alerts-943 476 5919").publish("x");
    try {
      waitUntil(() -> cluster.node(2).hazelcast().getDistributedObjects().stream()
          .anyMatch(o -> o.getName().startsWith("alerts-")), 10);
      ClusterScan.Report report = ClusterScan.scan(cluster.node(2).hazelcast(), List.of());
      assertThat(report.findings()).extracting(ClusterScan.Finding::reason)
          .anyMatch(r -> r.startsWith("looks like an NHS number"))
          .anyMatch(r -> r.equals("FHIR content: resourceType"));
      assertThat(report.findings()).extracting(ClusterScan.Finding::object)
          .contains("hz:impl:mapService/shcr.test.leak", "hz:impl:topicService/alerts-943 476 5919");
    } finally {
      cluster.node(0).hazelcast().getMap("shcr.test.leak").destroy();
      cluster.node(1).hazelcast().getTopic("alerts-943 476 5919").destroy();
    }
    assertClean(cluster.nodes());
  }

  @Test
  @Order(5)
  void throttleIsReachedAcrossNodes() {
    List<PatientThrottle> throttles = cluster.nodes().stream().map(n -> throttle(n, 3)).toList();
    List<String> patients = List.of("9990000018", "9990000026", "9990000034", "9990000042");
    for (int i = 0; i < 3; i++) {
      assertThat(await(throttles.get(i).admit(DOCTOR, NhsNumber.of(patients.get(i))), 10).admitted()).isTrue();
    }
    PatientThrottle.Verdict fourth = await(throttles.get(0).admit(DOCTOR, NhsNumber.of(patients.get(3))), 10);
    assertThat(fourth.admitted()).isFalse();
    assertThat(fourth.limitedBy()).isEqualTo("user");
    assertThat(fourth.retryAfterSeconds()).isPositive();
    assertThat(await(throttles.get(2).admit(DOCTOR, NhsNumber.of(patients.get(0))), 10).admitted()).isTrue();
    assertThat(await(throttles.get(1).admit(NURSE, NhsNumber.of(patients.get(3))), 10).admitted()).isTrue();
  }

  @Test
  @Order(6)
  void breakGlassGrantMadeOnOneNodeIsHonouredOnAnotherUntilItExpires() {
    List<BreakGlassGrants> grants = cluster.nodes().stream().map(ClusterTest::grants).toList();
    NhsNumber patient = NhsNumber.of(FakeSources.NHS);
    await(grants.get(0).grant(DOCTOR, patient, "emergency-treatment", 1_500), 10);
    assertThat(await(grants.get(1).find(DOCTOR, patient), 10)).get()
        .extracting(BreakGlassGrants.Grant::reasonCode).isEqualTo("emergency-treatment");
    assertThat(await(grants.get(2).find(DOCTOR, patient), 10)).isPresent();
    assertThat(await(grants.get(2).find(NURSE, patient), 10)).isEmpty();
    waitUntil(() -> await(grants.get(2).find(DOCTOR, patient), 10).isEmpty(), 15);
    assertClean(cluster.nodes());
  }

  @Test
  @Order(9)
  void nodeKilledMidStreamLeavesSharedStateAndOtherNodesServing() {
    List<String> keys = IntStream.range(0, 60).mapToObj(i -> "k-" + i).toList();
    for (String key : keys) {
      await(map(0, "shcr.test.durable").compose(m -> m.put(key, "v-" + key, 120_000)), 10);
    }
    NhsNumber patient = NhsNumber.of(FakeSources.NHS);
    await(grants(cluster.node(0)).grant(NURSE, patient, "safeguarding", 120_000), 10);
    Principal trawler = new Principal("555000000009", "Trawler", "555000000009-01", "R8000", "RXN", Set.of("B0370"), null);
    assertThat(await(throttle(cluster.node(0), 1).admit(trawler, NhsNumber.of("9990000018")), 10).admitted()).isTrue();
    SseClient sse = new SseClient(outside);
    SseClient.Stream onB = await(sse.open(servers.get(1).port(), "/api/v1/patients/9434765919/record", Map.of(), e -> { }), 10);
    SseClient.Stream onA = await(sse.open(servers.get(0).port(), "/api/v1/patients/9434765919/record", Map.of(), e -> { }), 10);
    waitUntil(() -> onB.ofType("section").size() >= 2 && onA.ofType("section").size() >= 2, 10);
    cluster.awaitSafe(3);
    assertClean(cluster.nodes());

    cluster.kill(0);

    waitUntil(() -> share(1, "ACUTE") == ceil(CAP, 2) && share(2, "ACUTE") == ceil(CAP, 2), 20);
    for (String key : keys) {
      assertThat(get(1, "shcr.test.durable", key)).isEqualTo("v-" + key);
      assertThat(get(2, "shcr.test.durable", key)).isEqualTo("v-" + key);
    }
    assertThat(await(grants(cluster.node(1)).find(NURSE, patient), 10)).get()
        .extracting(BreakGlassGrants.Grant::reasonCode).isEqualTo("safeguarding");
    assertThat(await(grants(cluster.node(2)).find(NURSE, patient), 10)).isPresent();
    assertThat(await(throttle(cluster.node(2), 1).admit(trawler, NhsNumber.of("9990000026")), 10).admitted()).isFalse();
    assertThat(await(throttle(cluster.node(1), 1).admit(trawler, NhsNumber.of("9990000018")), 10).admitted()).isTrue();
    gated.openGate();
    await(onB.ended.future(), 20);
    assertThat(onB.types()).last().isEqualTo("complete");
    assertThat(onB.ofType("complete").get(0).data().getJsonArray("sources").stream().map(JsonObject.class::cast)
        .map(s -> s.getString("status"))).containsOnly("ok");
    SseClient.Stream onC = await(sse.open(servers.get(2).port(), "/api/v1/patients/9434765919/record", Map.of(), e -> { })
        .compose(s -> s.ended.future()), 20);
    assertThat(onC.types()).last().isEqualTo("complete");
    assertThat(onC.ofType("section")).isNotEmpty();
    assertClean(List.of(cluster.node(1), cluster.node(2)));
    assertThat(ClusterScan.scan(cluster.node(1).hazelcast(), FORBIDDEN).objectNames())
        .contains("hz:impl:mapService/" + BreakGlassGrants.MAP_NAME, "hz:impl:mapService/" + PatientThrottle.MAP_NAME);
  }

  private static PatientThrottle throttle(ClusterRuntime node, int perUser) {
    return new PatientThrottle(node.vertx(), HASH, SEAL, ALARM, Clock.systemUTC(), new AccessPolicy.Throttle(3_600_000, perUser, 1_000));
  }

  private static BreakGlassGrants grants(ClusterRuntime node) {
    return new BreakGlassGrants(node.vertx(), HASH, SEAL, ALARM, Clock.systemUTC());
  }

  private static void assertClean(List<ClusterRuntime> nodes) {
    for (ClusterRuntime node : nodes) {
      ClusterScan.Report report = ClusterScan.scan(node.hazelcast(), FORBIDDEN);
      assertThat(report.objectNames()).anyMatch(name -> name.endsWith("__vertx.nodeInfo"));
      assertThat(report.entries()).isPositive();
      assertThat(report.findings()).isEmpty();
    }
  }

  private static Future<AsyncMap<String, Object>> map(int node, String name) {
    return cluster.node(node).vertx().sharedData().getAsyncMap(name);
  }

  private static Object get(int node, String name, String key) {
    return await(map(node, name).compose(m -> m.get(key)), 10);
  }

  private static int share(int node, String source) {
    return servers.get(node).directory().client(source).orElseThrow().limit().permits();
  }

  private static int ceil(int cap, int members) {
    return (cap + members - 1) / members;
  }
}
