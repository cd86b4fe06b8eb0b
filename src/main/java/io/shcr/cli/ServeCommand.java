package io.shcr.cli;

import io.shcr.api.ShcrServer;
import io.shcr.config.ServiceConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: the record service alone, against the sources its configuration names. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the Shared Care Record service.")
public final class ServeCommand implements Callable<Integer> {

  @Option(names = "--config", defaultValue = "conf", description = "Configuration directory (default: ${DEFAULT-VALUE}).")
  Path configDir;

  @Option(names = "--port", description = "Port to listen on (overrides service.yaml).")
  Integer port;

  @Override
  public Integer call() {
    ServiceConfig config = ServiceConfig.load(configDir);
    if (port != null) {
      config = config.withPort(port);
    }
    Vertx vertx = Vertx.vertx();
    ShcrServer server = Startup.await(ShcrServer.start(vertx, config));
    System.out.println("shcr listening on http://" + config.host() + ":" + server.port());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> Startup.await(vertx.close())));
    return Startup.blockForever();
  }
}
