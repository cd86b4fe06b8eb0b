package io.shcr.access;

import io.shcr.api.BreakGlassRoutes;
import io.shcr.core.Principal;
import static io.shcr.cluster.LoopbackCluster.await;
import static io.shcr.cluster.LoopbackCluster.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.shcr.audit.AccessAudit;
import io.shcr.cluster.ClusterRuntime;
import io.shcr.cluster.LoopbackCluster;
import io.shcr.nhs.NhsNumber;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 11's attack, on a real three-node cluster each running the access module (as in service):
 * someone who reaches the Hazelcast ports and knows the cluster name. A Hazelcast client is refused at
 * the door and a member port answers only on its own interface. A raw Hazelcast member that joins
 * (open-source Hazelcast cannot stop it) forges, alters, copies and deletes entries: a rewritten
 * break-glass reason no longer overrides an objection, a grant written from nothing grants nothing, a
 * cleared or spoilt throttle map does not let a user open one patient more than the limit, even on a
 * node that never served the user, a planted Java object is never deserialised, and each is a
 * privacy-officer alert. The reason recorded for a break-glass is the one the clinician gave.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTamperTest {

  private static final int PER_USER = 3;
  private static final String DOCTOR_ID = "555000100001";
  private static final String DOCTOR_ROLE = "555000100001-01";
  private static LoopbackCluster cluster;
  private static final List<AccessTestBed> beds = new ArrayList<>();
  private static HazelcastInstance intruder;
  private static KeyedHash hash;

  @BeforeAll
  static void start() {
    cluster = LoopbackCluster.start(3, 1);
    for (ClusterRuntime node : cluster.nodes()) {
      AccessTestBed bed = new AccessTestBed();
      await(bed.start(node.vertx(), PER_USER, 1_000, node.sharedState(LoopbackCluster.SECRET)), 20);
      bed.spine.objected.add(AccessTestBed.OBJECTED);
      beds.add(bed);
    }
    hash = new KeyedHash(beds.get(0).tokens.policy().hashSecret());
  }

  @AfterAll
  static void stop() {
    if (intruder != null) {
      intruder.getLifecycleService().terminate();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void aHazelcastClientThatKnowsTheClusterNameCannotConnect() {
    ClientConfig config = new ClientConfig();
    config.setClusterName(cluster.config().name());
    config.getNetworkConfig().setAddresses(cluster.config().members().subList(0, 3));
    config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(3_000);
    config.setProperty("hazelcast.logging.type", "none");
    assertThatThrownBy(() -> HazelcastClient.newHazelcastClient(config)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Unable to connect");
  }

  @Test
  @Order(2)
  void aMemberPortListensOnlyOnItsConfiguredInterface() throws IOException {
    int port = cluster.node(0).hazelcast().getCluster().getLocalMember().getAddress().getPort();
    try (Socket onInterface = new Socket()) {
      onInterface.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
    }
    try (Socket elsewhere = new Socket()) {
      assertThatThrownBy(() -> elsewhere.connect(new InetSocketAddress("127.0.0.2", port), 2_000))
          .as("bound to 127.0.0.1 only, not the wildcard address").isInstanceOf(ConnectException.class);
    }
  }

  @Test
  @Order(3)
  void aRawMemberJoinsButARewrittenBreakGlassReasonNeverOverridesAnObjection() {
    joinIntruder();
    AccessTestBed onA = beds.get(0);
    String doctor = onA.persona("ed-doctor");
    // A grant given before the patient objected (a break-glass that cannot give access is refused, so an
    // honest urgent-clinical-need grant for an objecting patient exists only this way).
    beds.forEach(bed -> bed.spine.objected.remove(AccessTestBed.OBJECTED));
    assertThat(await(onA.breakGlass(doctor, AccessTestBed.OBJECTED, reason("urgent-clinical-need")), 10).statusCode()).isEqualTo(201);
    beds.forEach(bed -> bed.spine.objected.add(AccessTestBed.OBJECTED));
    JsonObject honest = await(beds.get(1).open(doctor, AccessTestBed.OBJECTED), 10);
    assertThat(honest.getString("code")).as("urgent-clinical-need does not override an objection").isEqualTo("NO_PATIENT_CONSENT");

    String nurse = onA.token("555000200002", "555000200002-01", "R8001", "RXN", List.of("B0370"));
    assertThat(await(onA.breakGlass(nurse, AccessTestBed.RICH, reason("emergency-treatment")), 10).statusCode()).isEqualTo(201);

    IMap<Object, Object> grants = intruder.getMap(BreakGlassGrants.MAP_NAME);
    String doctorKey = grantKey(DOCTOR_ID, DOCTOR_ROLE, AccessTestBed.OBJECTED);
    String nurseKey = grantKey("555000200002", "555000200002-01", AccessTestBed.RICH);
    String sealed = (String) grants.get(doctorKey);
    assertThat(sealed).startsWith("v1:").contains("urgent-clinical-need");
    long future = System.currentTimeMillis() + 3_600_000L * 24 * 365;
    List<Object> forgeries = List.of(
        new JsonObject().put("reason", "emergency-treatment").put("expiresAt", future).encode(),
        sealed.replace("urgent-clinical-need", "emergency-treatment"),
        grants.get(nurseKey));
    for (Object forged : forgeries) {
      grants.put(doctorKey, forged);
      for (AccessTestBed bed : beds) {
        JsonObject decision = await(bed.open(doctor, AccessTestBed.OBJECTED), 10);
        assertThat(decision.getBoolean("allowed")).as("forged grant %s", forged).isFalse();
        assertThat(decision.getString("code")).isEqualTo("NO_PATIENT_CONSENT");
        assertThat(decision.getString("breakGlassReason")).isNull();
      }
    }
    awaitAlert("BREAK_GLASS_FORGED", DOCTOR_ID, AccessTestBed.OBJECTED);
    awaitAlert("BREAK_GLASS_FORGED", null, null);
    List<String> doctorReasons = allRecords().stream()
        .filter(r -> r.principal() != null && DOCTOR_ID.equals(r.principal().userId()))
        .filter(r -> BreakGlassRoutes.ACTION.equals(r.action()))
        .map(AccessAudit::breakGlassReason).toList();
    assertThat(doctorReasons).as("the reason recorded is the one the doctor gave").containsExactly("urgent-clinical-need");
  }

  @Test
  @Order(4)
  void aGrantWrittenFromNothingGrantsNothingEvenToWhoeverKnowsTheHashSecret() {
    String clinician = beds.get(0).token("555000300003", "555000300003-01", "R8000", "RXN", List.of("B0370"));
    String key = grantKey("555000300003", "555000300003-01", AccessTestBed.RICH);
    intruder.getMap(BreakGlassGrants.MAP_NAME).put(key,
        new JsonObject().put("reason", "emergency-treatment").put("expiresAt", System.currentTimeMillis() + 3_600_000).encode());
    JsonObject decision = await(beds.get(2).open(clinician, AccessTestBed.RICH), 10);
    assertThat(decision.getBoolean("allowed")).isTrue();
    assertThat(decision.getString("purpose")).as("no break-glass: the ordinary relationship check applies").isEqualTo("direct-care");
    assertThat(decision.getString("relationshipVia")).isEqualTo("RXN");
    assertThat(decision.getString("breakGlassReason")).isNull();
    awaitAlert("BREAK_GLASS_FORGED", "555000300003", AccessTestBed.RICH);
  }

  @Test
  @Order(5)
  void aClearedThrottleMapDoesNotLetAUserPassTheLimitOnAnyNode() {
    String user = beds.get(0).token("555000400004", "R8000", "RXN");
    List<String> patients = AccessTestBed.syntheticNhs(PER_USER + 2, 300);
    for (int i = 0; i < PER_USER; i++) {
      assertThat(await(beds.get(i % 2).open(user, patients.get(i)), 10).getBoolean("allowed")).isTrue();
    }
    awaitLedgers("555000400004", PER_USER);
    intruder.getMap(PatientThrottle.MAP_NAME).clear();
    waitUntil(() -> intruder.getMap(PatientThrottle.MAP_NAME).isEmpty(), 10);
    for (AccessTestBed bed : beds) {
      JsonObject refused = await(bed.open(user, patients.get(PER_USER)), 10);
      assertThat(refused.getString("code")).as("node %s", beds.indexOf(bed)).isEqualTo("THROTTLED");
      assertThat(refused.getString("message")).contains("user");
    }
    assertThat(await(beds.get(2).open(user, patients.get(0)), 10).getBoolean("allowed"))
        .as("a patient already counted may still be re-opened, on a node that never served it").isTrue();
    assertThat(await(beds.get(1).open(user, patients.get(PER_USER + 1)), 10).getString("code")).isEqualTo("THROTTLED");
    awaitAlert("THROTTLE_CLEARED", null, null);
    awaitAlert("THROTTLE_MISSING", "555000400004", patients.get(0));
  }

  @Test
  @Order(6)
  void deletedAndSpoiltThrottleEntriesCountForNothingAndNeverFreeASlot() {
    String user = beds.get(0).token("555000500005", "R8000", "RXN");
    List<String> patients = AccessTestBed.syntheticNhs(PER_USER + 1, 400);
    for (int i = 0; i < PER_USER - 1; i++) {
      assertThat(await(beds.get(i).open(user, patients.get(i)), 10).getBoolean("allowed")).isTrue();
    }
    awaitLedgers("555000500005", PER_USER - 1);
    IMap<Object, Object> throttle = intruder.getMap(PatientThrottle.MAP_NAME);
    int seen = 0;
    for (Object key : new ArrayList<>(throttle.keySet())) {
      boolean slot = key.toString().contains(":");
      if (slot || seen++ % 2 == 1) {
        throttle.put(key, "v1:" + "0".repeat(64) + (slot ? ":slot:x" : ":seen:0:x:0"));
      } else {
        throttle.remove(key);
      }
    }
    assertThat(seen).isGreaterThanOrEqualTo(4);
    for (int i = 0; i < PER_USER - 1; i++) {
      assertThat(await(beds.get(2).open(user, patients.get(i)), 10).getBoolean("allowed")).as("re-open %d", i).isTrue();
    }
    assertThat(await(beds.get(1).open(user, patients.get(PER_USER - 1)), 10).getBoolean("allowed"))
        .as("the last patient within the limit").isTrue();
    assertThat(await(beds.get(0).open(user, patients.get(PER_USER)), 10).getString("code")).as("one past the limit")
        .isEqualTo("THROTTLED");
    awaitAlert("THROTTLE_FORGED", null, null);
    awaitAlert("THROTTLE_REMOVED", null, null);
  }

  @Test
  @Order(7)
  void aDestroyedThrottleMapIsAlertedAndTheLimitStillHolds() {
    String user = beds.get(0).token("555000600006", "R8000", "RXN");
    List<String> patients = AccessTestBed.syntheticNhs(PER_USER + 1, 500);
    for (int i = 0; i < PER_USER; i++) {
      assertThat(await(beds.get(i).open(user, patients.get(i)), 10).getBoolean("allowed")).isTrue();
    }
    awaitLedgers("555000600006", PER_USER);
    int before = alerts("THROTTLE_CLEARED").size();
    intruder.getMap(PatientThrottle.MAP_NAME).destroy();
    waitUntil(() -> alerts("THROTTLE_CLEARED").size() > before, 60); // cluster events are slow on a busy machine (30 s once fell short)
    for (AccessTestBed bed : beds) {
      assertThat(await(bed.open(user, patients.get(PER_USER)), 10).getString("code")).isEqualTo("THROTTLED");
    }
    assertThat(await(beds.get(1).open(user, patients.get(0)), 10).getBoolean("allowed")).isTrue();
  }

  @Test
  @Order(8)
  void aPlantedJavaObjectIsNeverDeserialisedAndIsAlerted() {
    String key = grantKey("555000700007", "555000700007-01", AccessTestBed.RICH);
    long before = alerts("BREAK_GLASS_FORGED").stream().filter(r -> r.principal() == null).count();
    intruder.getMap(BreakGlassGrants.MAP_NAME).put(key, new Planted());
    boolean failed = await(cluster.node(1).vertx().sharedData().getAsyncMap(BreakGlassGrants.MAP_NAME)
        .compose(m -> m.get(key)).transform(done -> io.vertx.core.Future.succeededFuture(done.failed())), 10);
    assertThat(failed).as("reading it fails (fail closed)").isTrue();
    assertThat(Planted.deserialised).as("its readObject never ran on a service node").isFalse();
    waitUntil(() -> alerts("BREAK_GLASS_FORGED").stream().filter(r -> r.principal() == null).count() > before, 10);
  }

  /** A class a service node must never deserialise from the cluster. */
  static final class Planted implements Serializable {
    private static final long serialVersionUID = 1L;
    static volatile boolean deserialised;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      if (!Thread.currentThread().getName().contains("intruder")) {
        deserialised = true;
      }
    }
  }

  private static void joinIntruder() {
    Config config = new Config();
    config.setInstanceName("intruder");
    config.setClusterName(cluster.config().name());
    config.setProperty("hazelcast.logging.type", "none");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // As quick to answer heartbeats as the members expect, or they would drop it before it does harm.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "4");
    config.getJetConfig().setEnabled(false);
    String spare = cluster.config().members().get(3);
    config.getNetworkConfig().setPort(Integer.parseInt(spare.substring(spare.indexOf(':') + 1))).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).setMembers(cluster.config().members().subList(0, 3));
    intruder = Hazelcast.newHazelcastInstance(config);
    waitUntil(() -> cluster.node(0).hazelcast().getCluster().getMembers().size() == 4, 30);
  }

  private static JsonObject reason(String code) {
    return new JsonObject().put("reasonCode", code).put("justification", "Arrived unconscious in ED, no relationship recorded");
  }

  private static String grantKey(String user, String roleProfile, String nhs) {
    return hash.of("break-glass", user, roleProfile, NhsNumber.of(nhs).value());
  }

  /** Waits until every node's ledger has heard of the user's admissions (entry events are asynchronous). */
  private static void awaitLedgers(String user, int patients) {
    Principal principal = new Principal(user, "Test User", user + "-01", "R8000", "RXN", Set.of(), null);
    waitUntil(() -> beds.stream().allMatch(b -> ((PolicyGate) b.module.gate()).throttle().countedForUser(principal) == patients), 10);
  }

  private static List<AccessAudit> allRecords() {
    return beds.stream().flatMap(b -> b.audit.records.stream()).collect(Collectors.toList());
  }

  private static List<AccessAudit> alerts(String code) {
    return allRecords().stream().filter(r -> IntegrityAlarm.ACTION.equals(r.action()) && code.equals(r.refusalCode())).toList();
  }

  private static void awaitAlert(String code, String user, String nhs) {
    waitUntil(() -> alerts(code).stream().anyMatch(r -> "ignored".equals(r.outcome())
        && (user == null || r.principal() != null && user.equals(r.principal().userId()))
        && (nhs == null || nhs.equals(r.nhsNumber()))), 10);
  }
}
