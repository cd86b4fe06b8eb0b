package io.shcr.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.api.ShcrServer;
import io.shcr.server.Wiring;
import io.shcr.cluster.ClusterRuntime;
import io.shcr.cluster.ClusterScan;
import io.shcr.cluster.LoopbackCluster;
import io.shcr.config.ServiceConfig;
import io.shcr.simulator.SimulatorServer;
import io.shcr.support.DemoNetwork;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Viewer sessions are cluster state: signed in through one node, the same browser is served by another
 * (session, record stream, sign-out), and what the cluster holds of a session or a sign-in in progress
 * names no one: no user, patient, token or cookie secret can be read from any Hazelcast object.
 */
class ViewerClusterTest {

  private static Vertx outside;
  private static SimulatorServer simulator;
  private static LoopbackCluster cluster;
  private static DemoNetwork.ViewerDemo demo;
  private static final List<ShcrServer> servers = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    demo = DemoNetwork.ViewerDemo.prepare(dir -> { });
    // One public origin for both nodes, as behind a load balancer (the first node's address stands in for it).
    DemoNetwork.replace(demo.dir().resolve("viewer.yaml"), "# publicUrl: https://shared-care.example.nhs.uk",
        "publicUrl: http://127.0.0.1:" + demo.servicePort());
    outside = Vertx.vertx();
    simulator = await(demo.startSimulator(outside, true));
    cluster = LoopbackCluster.start(2, 0);
    ServiceConfig first = demo.serviceConfig();
    for (int i = 0; i < 2; i++) {
      ClusterRuntime node = cluster.node(i);
      // Both nodes behind one public origin (the first node's address stands in for the load balancer's).
      ServiceConfig config = i == 0 ? first : ServiceConfig.load(secondNodesConfig()).withPort(freePort());
      Wiring.Options options = Wiring.Options.DEMO.clustered(node.sharedState(LoopbackCluster.SECRET));
      servers.add(await(Wiring.fromConfig(node.vertx(), config, options).compose(c -> ShcrServer.start(node.vertx(), config, c))));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (ShcrServer server : servers) {
      await(server.close());
    }
    if (cluster != null) {
      cluster.close();
    }
    if (simulator != null) {
      await(simulator.close());
    }
    await(outside.close());
    demo.delete();
  }

  @Test
  void aSessionMadeOnOneNodeIsServedByAnotherAndEndedThereForBoth() {
    String a = "http://127.0.0.1:" + servers.get(0).port();
    String b = "http://127.0.0.1:" + servers.get(1).port();
    ViewerClient browser = new ViewerClient();
    assertThat(browser.signIn(a, "ed-doctor", "9990000018")).isEqualTo("/?patient=9990000018");
    // A second browser half-way through signing in with a patient in context.
    ViewerClient pending = new ViewerClient();
    pending.startSignIn(a, "persona=social-worker&patient=9990000026");

    HttpResponse<String> onB = browser.get(b + ViewerRoutes.SESSION);
    assertThat(onB.statusCode()).isEqualTo(200);
    JsonObject session = new JsonObject(onB.body());
    assertThat(session.getJsonObject("user").getString("name")).isEqualTo("Dr Amara Okafor");
    HttpResponse<String> stream = browser.get(b + "/viewer/api/patients/9990000018/record", "Accept", "text/event-stream");
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.body()).contains("event: complete");

    List<String> forbidden = List.of("Dr Amara Okafor", "555000100001", "9990000018", "9990000026", "Whittaker", "WHITTAKER",
        session.getString("csrfToken"), browser.cookies.get("shcr-session"), pending.cookies.get("shcr-sign-in"),
        // a JWT's header as base64url ({"alg", {"kid", {"typ"): long enough that sealed, base64 ciphertext
        // never holds it by chance, as it held the three letters "eyJ" about once in a few hundred runs
        "eyJhbGci", "eyJraWQi", "eyJ0eXAi");
    for (ClusterRuntime node : cluster.nodes()) {
      ClusterScan.Report report = ClusterScan.scan(node.hazelcast(), forbidden);
      assertThat(report.objectNames()).contains("hz:impl:mapService/" + ViewerSessions.MAP_NAME, "hz:impl:mapService/" + SignIn.PENDING_MAP);
      assertThat(report.entries()).isGreaterThanOrEqualTo(2);
      assertThat(report.findings()).as("what the cluster holds names no one").isEmpty();
    }

    String secret = browser.cookies.get("shcr-session");
    HttpResponse<String> out = browser.post(b + ViewerRoutes.LOGOUT, "{}", "Content-Type", "application/json", "Origin", a,
        "X-CSRF-Token", session.getString("csrfToken"));
    assertThat(out.statusCode()).isEqualTo(200);
    // The same cookie, replayed on the first node after signing out on the second: nothing.
    ViewerClient replay = new ViewerClient();
    replay.cookies.put("shcr-session", secret);
    assertThat(replay.get(a + ViewerRoutes.SESSION).statusCode()).isEqualTo(401);
  }

  /** The same configuration with an audit trail of its own (each node writes its own). */
  private static java.nio.file.Path secondNodesConfig() throws Exception {
    java.nio.file.Path dir = demo.dir().resolve("second-node");
    java.nio.file.Files.createDirectories(dir);
    try (var files = java.nio.file.Files.list(demo.dir())) {
      for (java.nio.file.Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (java.nio.file.Files.isRegularFile(file)) {
          java.nio.file.Files.copy(file, dir.resolve(name));
        } else if (!name.equals("audit") && !name.equals("second-node")) {
          java.nio.file.Files.createSymbolicLink(dir.resolve(name), file);
        }
      }
    }
    DemoNetwork.replace(dir.resolve("audit.yaml"), "dataDir: " + demo.dir().resolve("audit"), "dataDir: " + dir.resolve("audit"));
    return dir;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
