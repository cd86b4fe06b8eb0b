package io.shcr.cli;

import io.shcr.api.ApiRoutes;
import io.shcr.api.ClusterRoutes;
import io.shcr.api.Components;
import io.shcr.api.ShcrServer;
import io.shcr.server.Wiring;
import io.shcr.cluster.ClusterConfig;
import io.shcr.cluster.ClusterRuntime;
import io.shcr.cluster.ClusterSecret;
import io.shcr.config.ServiceConfig;
import io.shcr.api.MetricsEndpoint;
import io.shcr.ops.OpsConfig;
import io.shcr.ops.Telemetry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code serve}: the record service, alone or as one node of a cluster ({@code --cluster}, or
 * {@code enabled: true} in {@code cluster.yaml}; see docs/operations.md).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the Shared Care Record service.")
public final class ServeCommand implements Callable<Integer> {

  @picocli.CommandLine.Mixin
  ConfigOption configOption = new ConfigOption();

  @Option(names = "--port", description = "Port to listen on (overrides service.yaml).")
  Integer port;

  @Option(names = "--cluster", description = "Join the cluster described in cluster.yaml (overrides its `enabled`).")
  boolean cluster;

  @Option(names = "--cluster-port", description = "First Hazelcast port to try (overrides cluster.yaml).")
  Integer clusterPort;

  @Option(names = "--cluster-members", split = ",",
      description = "Comma-separated host[:port] member list (overrides cluster.yaml).")
  List<String> clusterMembers;

  @Option(names = "--cluster-name", description = "Cluster name (overrides cluster.yaml).")
  String clusterName;

  @Option(names = "--trust-demo-key", description = "TRIAL ONLY: trust the public demo signing key (anyone can mint tokens "
      + "it accepts), the inline hash secret of access-policy.yaml and the inline shared-state secret of cluster.yaml.")
  boolean trustDemoKey;

  @Override
  public Integer call() {
    Path configDir = configOption.dir();
    ServiceConfig config = ServiceConfig.load(configDir);
    if (port != null) {
      config = config.withPort(port);
    }
    ClusterConfig clusterConfig = clusterConfig(configDir);
    OpsConfig ops = OpsConfig.load(configDir);
    Wiring.Options options = new Wiring.Options(trustDemoKey);
    if (trustDemoKey) {
      System.err.println("""
          ************************************************************************************
          WARNING: --trust-demo-key: tokens signed with the PUBLIC demo key are accepted, and the
          inline demo secrets are used. Anyone can mint a token for any role. TRIAL USE ONLY.
          ************************************************************************************""");
    }
    Telemetry telemetry = Telemetry.create(ops);
    ServiceConfig serviceConfig = config;
    if (!clusterConfig.enabled()) {
      Vertx vertx = telemetry.vertx();
      ShcrServer server = Startup.await(Wiring.fromConfig(vertx, serviceConfig, options)
          .compose(components -> ShcrServer.start(vertx, serviceConfig, withMetricsRoute(components, telemetry), ops)));
      MetricsEndpoint metrics = Startup.await(MetricsEndpoint.start(vertx, telemetry));
      GracefulShutdown.install(server, ops.drainLimitMs(), () -> vertx.close().eventually(telemetry::close));
      System.out.println("shcr listening on http://" + shownHost(config.host()) + ":" + server.port() + "; "
          + describeMetrics(ops, metrics));
      return Startup.blockForever();
    }
    byte[] sharedStateSecret = ClusterSecret.resolve(clusterConfig, System::getenv, trustDemoKey);
    ClusterRuntime node = Startup.await(ClusterRuntime.start(clusterConfig, telemetry::builder));
    Wiring.Options clustered = options.clustered(node.sharedState(sharedStateSecret));
    ShcrServer server = Startup.await(Wiring.fromConfig(node.vertx(), serviceConfig, clustered)
        .compose(components -> ShcrServer.start(node.vertx(), serviceConfig,
            withMetricsRoute(withRoute(components, new ClusterRoutes(node)), telemetry), ops)));
    node.shareSourcesWith(server.directory());
    MetricsEndpoint metrics = Startup.await(MetricsEndpoint.start(node.vertx(), telemetry));
    System.out.println("shcr listening on http://" + shownHost(config.host()) + ":" + server.port() + " as node " + node.nodeId()
        + " of cluster " + clusterConfig.name() + " (" + node.members() + " members); " + describeMetrics(ops, metrics));
    // Drained first, then the cluster is left (its shared state handed to the others), then Vert.x closes.
    GracefulShutdown.install(server, ops.drainLimitMs(), () -> node.close().eventually(telemetry::close));
    return Startup.blockForever();
  }

  /** The metrics route on the service's port, when operations.yaml puts it there. */
  static Components withMetricsRoute(Components components, Telemetry telemetry) {
    ApiRoutes metrics = MetricsEndpoint.onServicePort(telemetry);
    return metrics == null ? components : components.withRoutes(List.of(metrics));
  }

  /** Where the operator finds the metrics, one phrase. */
  static String describeMetrics(OpsConfig ops, MetricsEndpoint endpoint) {
    if (!ops.metrics().enabled()) {
      return "metrics off";
    }
    String auth = ops.metrics().token() == null ? "" : " (token required)";
    return endpoint == null ? "metrics at /metrics on this port" + auth
        : "metrics at http://" + shownHost(ops.metrics().host()) + ":" + endpoint.port() + "/metrics" + auth;
  }

  /** 0.0.0.0 is where we listen, not where to connect: show loopback for the commands printed. */
  static String shownHost(String host) {
    return "0.0.0.0".equals(host) ? "127.0.0.1" : host;
  }

  private ClusterConfig clusterConfig(Path configDir) {
    ClusterConfig loaded = ClusterConfig.load(configDir);
    if (cluster) {
      loaded = loaded.enable();
    }
    if (clusterPort != null) {
      loaded = loaded.withPort(clusterPort);
    }
    if (clusterMembers != null && !clusterMembers.isEmpty()) {
      loaded = loaded.withMembers(clusterMembers);
    }
    if (clusterName != null) {
      loaded = loaded.withName(clusterName);
    }
    return loaded;
  }

  private static Components withRoute(Components components, ApiRoutes routes) {
    return components.withRoutes(List.of(routes));
  }
}
