package io.shcr.cli;

import io.shcr.api.ApiRoutes;
import io.shcr.api.Components;
import io.shcr.api.ShcrServer;
import io.shcr.api.Wiring;
import io.shcr.cluster.ClusterConfig;
import io.shcr.cluster.ClusterRuntime;
import io.shcr.cluster.ClusterSecret;
import io.shcr.config.ServiceConfig;
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

  @Option(names = "--config", defaultValue = "conf", description = "Configuration directory (default: ${DEFAULT-VALUE}).")
  Path configDir;

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
    io.shcr.config.YamlFiles.requireDirectory(configDir);
    ServiceConfig config = ServiceConfig.load(configDir);
    if (port != null) {
      config = config.withPort(port);
    }
    ClusterConfig clusterConfig = clusterConfig();
    Wiring.Options options = new Wiring.Options(trustDemoKey);
    if (trustDemoKey) {
      System.err.println("""
          ************************************************************************************
          WARNING: --trust-demo-key: tokens signed with the PUBLIC demo key are accepted, and the
          inline demo secrets are used. Anyone can mint a token for any role. TRIAL USE ONLY.
          ************************************************************************************""");
    }
    if (!clusterConfig.enabled()) {
      Vertx vertx = Vertx.vertx();
      ServiceConfig single = config;
      ShcrServer server = Startup.await(Wiring.fromConfig(vertx, single, options)
          .compose(components -> ShcrServer.start(vertx, single, components)));
      System.out.println("shcr listening on http://" + config.host() + ":" + server.port());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> Startup.await(vertx.close())));
      return Startup.blockForever();
    }
    byte[] sharedStateSecret = ClusterSecret.resolve(clusterConfig, System::getenv, trustDemoKey);
    ClusterRuntime node = Startup.await(ClusterRuntime.start(clusterConfig));
    ServiceConfig serviceConfig = config;
    Wiring.Options clustered = options.clustered(node.sharedState(sharedStateSecret));
    ShcrServer server = Startup.await(Wiring.fromConfig(node.vertx(), serviceConfig, clustered)
        .compose(components -> ShcrServer.start(node.vertx(), serviceConfig, withRoute(components, node.routes()))));
    node.shareSourcesWith(server.directory());
    System.out.println("shcr listening on http://" + config.host() + ":" + server.port() + " as node " + node.nodeId()
        + " of cluster " + clusterConfig.name() + " (" + node.members() + " members)");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Startup.await(server.close());
      } finally {
        Startup.await(node.close());
      }
    }));
    return Startup.blockForever();
  }

  private ClusterConfig clusterConfig() {
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
