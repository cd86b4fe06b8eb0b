package io.shcr.cli;

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
    SourceRegistry sources = SourceRegistry.load(configDir.resolve("sources.yaml"));
    SimulatorConfig config = SimulatorConfig.load(configDir);
    if (port != null) {
      config = config.withPort(port);
    }
    if (quiet) {
      config = config.quiet();
    }
    return Startup.await(SimulatorServer.start(vertx, sources, config));
  }

  static String describe(SimulatorServer simulator) {
    String base = simulator.baseUrl();
    return "Simulated care network on " + base + " (" + simulator.network().population().size() + " patients)\n"
        + "  each organisation at " + base + "/{ODS code} (see sources.yaml); Spine at " + base + "/spine\n"
        + "  try: curl '" + base + "/RXN/Encounter?patient.identifier=https://fhir.nhs.uk/Id/nhs-number%7C9990000018'";
  }
}
