package io.shcr.api;

import io.shcr.config.ServiceConfig;
import io.shcr.sources.SourceDirectory;
import io.shcr.streaming.ErrorResponses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
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
  private final List<String> deployments = new ArrayList<>();
  private int port;

  private ShcrServer(Vertx vertx, ServiceConfig config, Components components) {
    this.vertx = vertx;
    this.config = config;
    this.components = components;
    this.directory = new SourceDirectory(vertx, components.sources());
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
      return vertx.createHttpServer()
          .requestHandler(shcr.router())
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

  private Router router() {
    Router router = Router.router(vertx);
    router.route().handler(ShcrServer::stamp);
    router.get("/health/live").handler(this::live);
    router.get("/health/ready").handler(this::ready);
    RecordApi records = new RecordApi(vertx, config, components, directory);
    router.get("/api/v1/patients/:nhsNumber/record").handler(records::handle);
    router.get("/api/v1/sources").handler(this::authenticated).handler(this::sources);
    components.extraRoutes().forEach(routes -> routes.mount(router));
    router.route().last().handler(ctx -> ErrorResponses.send(ctx.response(),
        new ApiError(404, "NOT_FOUND", "No such endpoint: see docs/api.md."), null));
    router.errorHandler(500, ctx -> ErrorResponses.send(ctx.response(),
        new ApiError(500, "INTERNAL_SERVER_ERROR", "Something went wrong on our side; nothing was shown."), null));
    return router;
  }

  private static final String REQUEST_ID = "shcr.requestId";

  /** Every response carries its request id (quotable to support) and is never cached anywhere. */
  private static void stamp(RoutingContext ctx) {
    String id = java.util.UUID.randomUUID().toString();
    ctx.put(REQUEST_ID, id);
    ctx.response().putHeader("X-Request-Id", id).putHeader("Cache-Control", "no-store");
    ctx.next();
  }

  /** The id {@link #stamp} gave this request. */
  public static String requestId(RoutingContext ctx) {
    String id = ctx.get(REQUEST_ID);
    return id != null ? id : java.util.UUID.randomUUID().toString();
  }

  private void live(RoutingContext ctx) {
    ctx.json(new JsonObject().put("status", "UP"));
  }

  /** Every /api route needs a valid token; the record API's gate does this itself as part of its decision. */
  private void authenticated(RoutingContext ctx) {
    components.authenticator().authenticate(ctx).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.next();
      } else {
        ApiError error = ar.cause() instanceof io.shcr.access.AccessRefusedException refused ? refused.error()
            : ApiError.unauthorised("Authentication failed.");
        ErrorResponses.send(ctx.response(), error, null);
      }
    });
  }

  private void sources(RoutingContext ctx) {
    ctx.json(new JsonObject().put("sources", directory.describe()));
  }

  /** 200 when every readiness check passes, else 503 naming the failed ones (see {@link ReadinessResponse}). */
  private void ready(RoutingContext ctx) {
    components.readiness().check().onComplete(done ->
        ReadinessResponse.send(ctx.response(), done.result(), components.sources().all().size(), requestId(ctx)));
  }
}
