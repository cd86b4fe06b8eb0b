package io.shcr.support;

import io.shcr.access.DemoTokens;
import io.shcr.api.ShcrServer;
import io.shcr.server.Wiring;
import io.shcr.config.ServiceConfig;
import io.shcr.simulator.SimulatorConfig;
import io.shcr.simulator.SimulatorServer;
import io.shcr.simulator.IdentityProvider;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The demo as a user runs it, for end-to-end tests: the shipped {@code conf/} copied to a temporary
 * directory (only ports and the audit directory changed), the simulated network, and the service
 * wired from that configuration exactly as {@code serve} wires it.
 */
public final class DemoNetwork {

  public final Path configDir;
  public final SimulatorServer simulator;
  public final ShcrServer service;
  public final DemoTokens tokens;
  private Future<Void> serviceClosed;

  private DemoNetwork(Path configDir, SimulatorServer simulator, ShcrServer service) {
    this.configDir = configDir;
    this.simulator = simulator;
    this.service = service;
    this.tokens = DemoTokens.load(configDir);
  }

  /** Starts everything; {@code quiet} switches the simulator's faults and delays off. */
  public static Future<DemoNetwork> start(Vertx vertx, boolean quiet) {
    return start(vertx, quiet, dir -> { });
  }

  /**
   * Starts a quiet network whose every deadline (each source's, Spine's, the record's) is raised to 30 s, for
   * tests about what a view contains: on a loaded machine a slow first answer must not become a missing one
   * (or trip a breaker). Everything else is as shipped.
   */
  public static Future<DemoNetwork> startUnhurried(Vertx vertx) {
    return start(vertx, true, dir -> {
      for (String file : new String[] {"sources.yaml", "access-policy.yaml", "service.yaml"}) {
        replaceAll(dir.resolve(file), "deadlineMs: \\d+", "deadlineMs: 30000");
      }
    });
  }

  /** As {@link #start(Vertx, boolean)}, with {@code configure} changing the copied configuration first. */
  public static Future<DemoNetwork> start(Vertx vertx, boolean quiet, ConfigEdit configure) {
    Path dir;
    int simulatorPort;
    try {
      dir = Files.createTempDirectory("shcr-demo-");
      copy(Path.of("conf"), dir);
      simulatorPort = freePort();
      replace(dir.resolve("sources.yaml"), "127.0.0.1:8090", "127.0.0.1:" + simulatorPort);
      replace(dir.resolve("access-policy.yaml"), "127.0.0.1:8090", "127.0.0.1:" + simulatorPort);
      replace(dir.resolve("viewer.yaml"), "127.0.0.1:8090", "127.0.0.1:" + simulatorPort);
      // A port known before start-up: the viewer's public URL (its sign-in callback) is the service's own address.
      replace(dir.resolve("service.yaml"), "port: 8080", "port: " + freePort());
      replace(dir.resolve("audit.yaml"), "dataDir: audit", "dataDir: " + dir.resolve("audit"));
      configure.edit(dir);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    SimulatorConfig simulatorConfig = SimulatorConfig.load(dir).withPort(simulatorPort);
    SourceRegistry sources = SourceRegistry.load(dir.resolve("sources.yaml"));
    ServiceConfig serviceConfig = ServiceConfig.load(dir);
    return SimulatorServer.start(vertx, sources, quiet ? simulatorConfig.quiet() : simulatorConfig)
        .compose(simulator -> Wiring.fromConfig(vertx, serviceConfig, Wiring.Options.TRIAL)
            .compose(components -> ShcrServer.start(vertx, serviceConfig, components))
            .map(service -> new DemoNetwork(dir, simulator, service)));
  }

  /**
   * The demo as {@code shcr demo} runs it with the clinician viewer: the service on a free port it knows in
   * advance (the viewer's public URL and the identity provider's registered callback name it), the simulator
   * also playing the identity provider, and the demo's deep link honoured ({@link Wiring.Options#DEMO}).
   */
  public static Future<DemoNetwork> startViewer(Vertx vertx, boolean quiet, ConfigEdit configure) {
    ViewerDemo demo;
    try {
      demo = ViewerDemo.prepare(configure);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return demo.startSimulator(vertx, quiet)
        .compose(simulator -> Wiring.fromConfig(vertx, demo.serviceConfig(), Wiring.Options.DEMO)
            .compose(components -> ShcrServer.start(vertx, demo.serviceConfig(), components))
            .map(service -> new DemoNetwork(demo.dir(), simulator, service)));
  }

  /**
   * The copied configuration of a viewer demo: the simulator (and identity provider) on one free port, the
   * service on another known in advance (the viewer's public URL and the provider's registered callback).
   */
  public record ViewerDemo(Path dir, int simulatorPort, int servicePort) {

    public static ViewerDemo prepare(ConfigEdit configure) throws IOException {
      Path dir = Files.createTempDirectory("shcr-viewer-");
      copy(Path.of("conf"), dir);
      int simulatorPort = freePort();
      int servicePort = freePort();
      for (String file : new String[] {"sources.yaml", "access-policy.yaml", "viewer.yaml"}) {
        replace(dir.resolve(file), "127.0.0.1:8090", "127.0.0.1:" + simulatorPort);
      }
      replace(dir.resolve("simulator.yaml"), "127.0.0.1:8080/viewer", "127.0.0.1:" + servicePort + "/viewer");
      replace(dir.resolve("service.yaml"), "port: 8080", "port: " + servicePort);
      replace(dir.resolve("audit.yaml"), "dataDir: audit", "dataDir: " + dir.resolve("audit"));
      configure.edit(dir);
      return new ViewerDemo(dir, simulatorPort, servicePort);
    }

    public ServiceConfig serviceConfig() {
      return ServiceConfig.load(dir);
    }

    public Future<SimulatorServer> startSimulator(Vertx vertx, boolean quiet) {
      SimulatorConfig simulatorConfig = SimulatorConfig.load(dir).withPort(simulatorPort);
      SimulatorConfig config = quiet ? simulatorConfig.quiet() : simulatorConfig;
      SourceRegistry sources = SourceRegistry.load(dir.resolve("sources.yaml"));
      IdentityProvider idp = new IdentityProvider(io.shcr.access.AccessPolicyLoader.load(dir),
          IdentityProvider.Client.load(dir).orElseThrow(), java.time.Clock.systemUTC());
      return SimulatorServer.start(vertx, io.shcr.simulator.Network.of(sources, config), config, idp);
    }

    public void delete() {
      deleteQuietly(dir);
    }
  }

  /** The service's own origin, as a browser reaches it. */
  public String baseUrl() {
    return "http://127.0.0.1:" + service.port();
  }

  /** A change to the copied configuration directory. */
  @FunctionalInterface
  public interface ConfigEdit {
    void edit(Path configDir) throws IOException;
  }

  /** Replaces text in a copied configuration file, failing loudly when the text is no longer there. */
  public static void replace(Path file, String from, String to) throws IOException {
    String text = Files.readString(file);
    if (!text.contains(from)) {
      throw new IllegalStateException(file + " no longer contains '" + from + "': update the test");
    }
    Files.writeString(file, text.replace(from, to));
  }

  public String token(String persona) {
    return tokens.persona(persona);
  }

  /** Stops the service alone (its audit trail is flushed and closed), leaving the files to read. */
  public Future<Void> closeService() {
    if (serviceClosed == null) {
      serviceClosed = service.close();
    }
    return serviceClosed;
  }

  /** The audit directory the service writes to. */
  public Path auditDir() {
    return configDir.resolve("audit");
  }

  public Future<Void> close() {
    return closeService().eventually(() -> simulator.close()).eventually(() -> {
      deleteQuietly(configDir);
      return Future.succeededFuture();
    });
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void replaceAll(Path file, String regex, String to) throws IOException {
    String text = Files.readString(file);
    String replaced = text.replaceAll(regex, to);
    if (replaced.equals(text)) {
      throw new IllegalStateException(file + " no longer matches '" + regex + "': update DemoNetwork");
    }
    Files.writeString(file, replaced);
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // A temporary directory left behind is harmless.
    }
  }
}
