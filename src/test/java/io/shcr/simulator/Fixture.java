package io.shcr.simulator;

import io.shcr.sources.SourceRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/** The project's own configuration, made small and quiet for tests (port 0, no latency, no faults). */
final class Fixture {

  static final Path CONF = Path.of("conf");
  static final String NHS = "https://fhir.nhs.uk/Id/nhs-number|";

  private Fixture() {}

  static SourceRegistry sources() {
    return SourceRegistry.load(CONF.resolve("sources.yaml"));
  }

  static SimulatorConfig quietConfig() {
    SimulatorConfig loaded = SimulatorConfig.load(CONF);
    return new SimulatorConfig("127.0.0.1", 0, loaded.seed(), 300, loaded.areas(), java.util.Map.of(), java.util.Map.of(),
        java.util.Map.of(), loaded.disabledAreasByOrg());
  }

  static Network network(SimulatorConfig config) {
    return Network.of(sources(), config);
  }

  static Future<SimulatorServer> start(Vertx vertx, SimulatorConfig config) {
    return SimulatorServer.start(vertx, network(config), config);
  }
}
