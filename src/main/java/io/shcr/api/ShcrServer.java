package io.shcr.api;

import io.shcr.config.ServiceConfig;
import io.shcr.sources.SourceDirectory;
import io.shcr.streaming.ErrorResponses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** The HTTP face of the service: routes declared in one place, each pointing at a small handler. */
public final class ShcrServer {

  private final Vertx vertx;
  private final ServiceConfig config;
  private final Components components;
  private final SourceDirectory directory;
  private final Refusals refusals;
  private final InvalidRequests invalidRequests;
  private final List<String> deployments = new ArrayList<>();
  private int port;

  private ShcrServer(Vertx vertx, ServiceConfig config, Components components) {
    this.vertx = vertx;
    this.config = config;
    this.components = components;
    this.directory = new SourceDirectory(vertx, components.sources());
    this.refusals = new Refusals(components.authenticator(), components.audit());
    this.invalidRequests = new InvalidRequests(components.audit());
  }

  /** Builds every component from the configuration directory and starts listening. */
  public static Future<ShcrServer> start(Vertx vertx, ServiceConfig config) {
    return Wiring.fromConfig(vertx, config).compose(components -> start(vertx, config, components));
  }

  /**
   * Listens with one HTTP verticle per event loop ({@code http.eventLoops}), all sharing the port, so
   * requests spread over the cores. Port 0 (tests) is first resolved to a free port, because Vert.x
   * shares a listening socket between servers that ask for the same port number.
   */
  public static Future<ShcrServer> start(Vertx vertx, ServiceConfig config, Components components) {
    ShcrServer shcr = new ShcrServer(vertx, config, components);
    try {
      shcr.port = config.port() == 0 ? freePort() : config.port();
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return vertx.deployVerticle(() -> new HttpVerticle(shcr, shcr.port), new DeploymentOptions().setInstances(config.eventLoops()))
        .map(id -> {
          shcr.deployments.add(id);
          return shcr;
        });
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** One event loop's HTTP server, with its own router over the shared components. */
  private static final class HttpVerticle extends VerticleBase {
    private final ShcrServer shcr;
    private final int port;

    HttpVerticle(ShcrServer shcr, int port) {
      this.shcr = shcr;
      this.port = port;
    }

    @Override
    public Future<?> start() {
      // h2c (cleartext HTTP/2 upgrade and prior knowledge) only when configured: nothing needs it.
      return vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(shcr.config.h2c()))
          .requestHandler(shcr.router())
          .invalidRequestHandler(shcr.invalidRequests)
          .connectionHandler(HttpVersionGuard::install)
          .listen(port, shcr.config.host());
    }
  }

  /** The live sources, for operators' hooks such as cluster re-balancing. */
  public SourceDirectory directory() {
    return directory;
  }

  public int port() {
    return port;
  }

  public Future<Void> close() {
    List<Future<Void>> undeployed = deployments.stream().map(vertx::undeploy).toList();
    return Future.join(undeployed).<Void>mapEmpty()
        .eventually(directory::close)
        .eventually(() -> components.onClose().get());
  }

  static final String JSON = "application/json";
  static final String EVENT_STREAM = "text/event-stream";

  /**
   * Every route declares the media types it serves (another Accept is 406). The intake runs first on
   * every request, and its route's failure handler takes every failed request; every status the
   * router ends a request with goes to {@link Refusals} too, so each one is audited and answered in
   * the error contract (404 for no route, 405 with Allow for a known path with another method, 406,
   * 413, 415, 400 for what Vert.x itself refuses, 500 for our faults).
   */
  private Router router() {
    Router router = Router.router(vertx);
    router.route().handler(new RequestIntake(refusals)).failureHandler(refusals::failure);
    router.get("/health/live").produces(JSON).handler(this::live);
    router.get("/health/ready").produces(JSON).handler(this::ready);
    RecordApi records = new RecordApi(vertx, config, components, directory);
    router.get("/api/v1/patients/:nhsNumber/record").produces(EVENT_STREAM).produces(JSON).handler(records::handle);
    router.get("/api/v1/sources").produces(JSON).handler(new SourcesApi(components, directory, refusals)::handle);
    components.extraRoutes().forEach(routes -> routes.mount(router));
    // The viewer's record stream: its session guard (an extra route, mounted just above) has put the
    // session's token on the request, and the record pipeline runs as for any API caller.
    router.get(io.shcr.viewer.ViewerRoutes.RECORD).produces(EVENT_STREAM).handler(records::handle);
    for (int status = 400; status < 600; status++) {
      int code = status;
      router.errorHandler(code, ctx -> refusals.routerError(ctx, code, router));
    }
    return router;
  }

  /** The id the intake gave this request (made now for a route mounted outside this server's router). */
  public static String requestId(RoutingContext ctx) {
    return RequestIntake.requestId(ctx);
  }

  private void live(RoutingContext ctx) {
    ctx.json(new JsonObject().put("status", "UP"));
  }

  /** 200 when every readiness check passes, else 503 naming the failed ones (see {@link ReadinessResponse}). */
  private void ready(RoutingContext ctx) {
    components.readiness().check().onComplete(done ->
        ReadinessResponse.send(ctx.response(), done.result(), components.sources().all().size(), requestId(ctx)));
  }
}
