package io.shcr.simulator;

import io.shcr.sources.SourceRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;

/**
 * The simulated regional care network over real HTTP on one port: every organisation under
 * {@code /{ODS}} (GP practices over GP Connect, the others over FHIR R4 search), Spine under
 * {@code /spine} and the Spine Directory Service under {@code /sds}, each answering through its latency
 * and fault profile. It keeps a count of the requests it was sent, by method, path and status (no
 * query, no body), so tests can say who was asked.
 */
public final class SimulatorServer {

  private final Vertx vertx;
  private final Network network;
  private final SimulatorConfig config;
  private final IdentityProvider identityProvider;
  private HttpServer server;
  private final java.util.Map<String, java.util.concurrent.atomic.LongAdder> requests = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.LongAdder inFlight = new java.util.concurrent.atomic.LongAdder();

  private SimulatorServer(Vertx vertx, Network network, SimulatorConfig config, IdentityProvider identityProvider) {
    this.vertx = vertx;
    this.network = network;
    this.config = config;
    this.identityProvider = identityProvider;
  }

  /** Reads sources.yaml and simulator.yaml from the directory and starts listening. */
  public static Future<SimulatorServer> start(Vertx vertx, Path configDir) {
    try {
      SourceRegistry sources = SourceRegistry.load(configDir.resolve("sources.yaml"));
      SimulatorConfig config = SimulatorConfig.load(configDir);
      return start(vertx, sources, config);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  public static Future<SimulatorServer> start(Vertx vertx, SourceRegistry sources, SimulatorConfig config) {
    return start(vertx, Network.of(sources, config), config);
  }

  public static Future<SimulatorServer> start(Vertx vertx, Network network, SimulatorConfig config) {
    return start(vertx, network, config, null);
  }

  /** As above, also playing the identity provider (under {@code /idp}) when {@code identityProvider} is given. */
  public static Future<SimulatorServer> start(Vertx vertx, Network network, SimulatorConfig config, IdentityProvider identityProvider) {
    SimulatorServer simulator = new SimulatorServer(vertx, network, config, identityProvider);
    return vertx.createHttpServer()
        .requestHandler(simulator.router(vertx))
        .listen(config.port(), config.host())
        .map(server -> {
          simulator.server = server;
          return simulator;
        });
  }

  public int port() {
    return server.actualPort();
  }

  /** The Vert.x instance it runs on (the demo starts the service on the same one). */
  public Vertx vertx() {
    return vertx;
  }

  /** The identity provider it plays, or null. */
  public IdentityProvider identityProvider() {
    return identityProvider;
  }

  public Network network() {
    return network;
  }

  /** What this network serves and which of it must never be shown, for tests (never served). */
  public GroundTruth groundTruth() {
    return new GroundTruth(network, config);
  }

  public String baseUrl() {
    return "http://" + config.host() + ":" + port();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private Router router(Vertx vertx) {
    Responder responder = new Responder(vertx, config);
    Router router = Router.router(vertx);
    router.route().handler(this::count);
    new SpineRoutes(network, responder).mount(router);
    new SdsRoutes(network, responder).mount(router);
    new GpConnectRoutes(network, responder, config).mount(router);
    new FhirSearchRoutes(network, responder).mount(router);
    if (identityProvider != null) {
      new IdentityProviderRoutes(identityProvider).mount(router);
    }
    router.route().handler(this::notFound);
    return router;
  }

  private void count(RoutingContext ctx) {
    String method = ctx.request().method().name();
    String path = ctx.request().path();
    inFlight.increment();
    ctx.addEndHandler(done -> {
      requests.computeIfAbsent(method + " " + path + " " + ctx.response().getStatusCode(),
          k -> new java.util.concurrent.atomic.LongAdder()).increment();
      inFlight.decrement();
    });
    ctx.next();
  }

  /** Requests received and not yet answered (or ended) right now. */
  public long inFlight() {
    return inFlight.sum();
  }

  /** How many requests ended so far whose "METHOD /path STATUS" matches (e.g. {@code "POST /P81901/Patient/$gpc.getstructuredrecord 200"}). */
  public long requests(java.util.function.Predicate<String> which) {
    return requests.entrySet().stream().filter(e -> which.test(e.getKey())).mapToLong(e -> e.getValue().sum()).sum();
  }

  private void notFound(RoutingContext ctx) {
    JsonObject outcome = Fhir.outcome("error", "not-found", null, "No such endpoint on the simulated network");
    ctx.response().setStatusCode(404).putHeader("Content-Type", Fhir.CONTENT_TYPE).end(outcome.encode());
  }
}
