package io.shcr.cli;

import io.shcr.api.Components;
import io.shcr.viewer.ViewerConfig;

import io.shcr.api.ShcrServer;
import io.shcr.server.Wiring;
import io.shcr.config.ServiceConfig;
import io.shcr.api.MetricsEndpoint;
import io.shcr.ops.OpsConfig;
import io.shcr.ops.Telemetry;
import io.shcr.simulator.SimulatorServer;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the simulated regional network and the record service in one process, on the
 * embedded defaults, then where to go and what to try (docs/demo.md).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the simulated regional care network and the Shared Care Record service together.")
public final class DemoCommand implements Callable<Integer> {

  @picocli.CommandLine.Mixin
  ConfigOption configOption = new ConfigOption();

  @Option(names = "--quiet", description = "Simulate a network with no injected faults or delays.")
  boolean quiet;

  @Override
  public Integer call() {
    Path configDir = configOption.dir();
    OpsConfig ops = OpsConfig.load(configDir);
    Telemetry telemetry = Telemetry.create(ops);
    Vertx vertx = telemetry.vertx();
    ServiceConfig config = ServiceConfig.load(configDir);
    // One process, one Vert.x: the simulator stays up until the service has drained. The simulated
    // identity provider also accepts the viewer's callback on this run's own port.
    String callback = "http://" + config.host() + ":" + config.port() + ViewerConfig.CALLBACK;
    SimulatorServer simulator = SimulateCommand.start(vertx, configDir, null, quiet, callback);
    System.out.println(SimulateCommand.describe(simulator));
    Wiring.Wired wired = Startup.await(Wiring.wire(vertx, config, Wiring.Options.DEMO));
    Components components = ServeCommand.withMetricsRoute(wired.components(), telemetry);
    ShcrServer shcr = Startup.await(ShcrServer.start(vertx, config, components, ops));
    MetricsEndpoint metrics = Startup.await(MetricsEndpoint.start(vertx, telemetry));
    GracefulShutdown.install(shcr, ops.drainLimitMs(), () -> vertx.close().eventually(telemetry::close));
    String service = "http://" + ServeCommand.shownHost(config.host()) + ":" + shcr.port();
    System.out.println();
    wired.access().demoTokens().print(System.out, service, "9990000018");
    System.out.println("""

        shcr demo is running: %1$s (probes: /health/live, /health/started, /health/ready; %3$s)

          Open the clinician viewer in a browser, signed in as the ED doctor with 999 000 0018 open:
            %1$s/?persona=ed-doctor&patient=9990000018
          or %1$s/ to sign in as any persona (docs/viewer.md).

          Stream the record of 999 000 0018 (records at ten or more organisations) as the ED doctor:
            curl -N -H 'Accept: text/event-stream' -H "Authorization: Bearer $TOKEN_ED_DOCTOR" \\
              %1$s/api/v1/patients/9990000018/record

          Also try 9990000026 (S-flagged), 9990000034 (objected to sharing), 9990000042 (no records),
          each persona above, break-glass and the privacy officer's audit search: docs/demo.md.
          Faults switched on in %2$s/simulator.yaml and what they show: docs/demo.md
          Stop with Ctrl+C (open views are drained first).
        """.formatted(service, configDir, ServeCommand.describeMetrics(ops, metrics)));
    return Startup.blockForever();
  }
}
