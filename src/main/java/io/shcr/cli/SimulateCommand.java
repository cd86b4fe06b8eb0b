package io.shcr.cli;

import io.shcr.access.AccessPolicyLoader;
import io.shcr.simulator.IdentityProvider;
import io.shcr.simulator.Network;

import io.shcr.simulator.SimulatorConfig;
import io.shcr.simulator.SimulatorServer;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code simulate}: the simulated regional care network alone (load tests, or {@code serve} against it). */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Run the simulated regional care network (every organisation and Spine) on one port.")
public final class SimulateCommand implements Callable<Integer> {

  @picocli.CommandLine.Mixin
  ConfigOption configOption = new ConfigOption();

  @Option(names = "--port", description = "Port to listen on (overrides simulator.yaml).")
  Integer port;

  @Option(names = "--quiet", description = "Switch every injected fault and delay off (load-test baselines).")
  boolean quiet;

  @Override
  public Integer call() {
    Vertx vertx = Vertx.vertx();
    SimulatorServer simulator = start(vertx, configOption.dir(), port, quiet);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> Startup.await(vertx.close())));
    System.out.println(describe(simulator));
    return Startup.blockForever();
  }

  /** The simulator on the given Vert.x (whoever made it closes it). */
  static SimulatorServer start(Vertx vertx, Path configDir, Integer port, boolean quiet) {
    return start(vertx, configDir, port, quiet, null);
  }

  /** As above; {@code viewerCallback}, when given, is one more redirect URI the identity provider accepts. */
  static SimulatorServer start(Vertx vertx, Path configDir, Integer port, boolean quiet, String viewerCallback) {
    SourceRegistry sources = SourceRegistry.load(configDir.resolve("sources.yaml"));
    SimulatorConfig config = SimulatorConfig.load(configDir);
    if (port != null) {
      config = config.withPort(port);
    }
    if (quiet) {
      config = config.quiet();
    }
    // The demo's identity provider, when simulator.yaml configures one (signs with the demo key only).
    IdentityProvider idp = IdentityProvider.Client.load(configDir)
        .map(client -> viewerCallback == null ? client : client.withRedirectUri(viewerCallback))
        .map(client -> new IdentityProvider(AccessPolicyLoader.load(configDir), client, java.time.Clock.systemUTC()))
        .orElse(null);
    return Startup.await(SimulatorServer.start(vertx, Network.of(sources, config), config, idp));
  }

  static String describe(SimulatorServer simulator) {
    String base = simulator.baseUrl();
    return "Simulated care network on " + base + " (" + simulator.network().population().size() + " patients)\n"
        + "  each organisation at " + base + "/{ODS code} (see sources.yaml); Spine at " + base + "/spine\n"
        + (simulator.identityProvider() != null ? "  identity provider (demo personas) at " + base + "/idp\n" : "")
        + "  try: curl '" + base + "/RXN/Encounter?patient.identifier=https://fhir.nhs.uk/Id/nhs-number%7C9990000018'";
  }
}
