package io.shcr.api;

import io.shcr.config.ServiceConfig;
import io.shcr.sources.SourceDirectory;
import io.shcr.streaming.ErrorResponses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The HTTP face of the service: routes declared in one place, each pointing at a small handler. */
public final class ShcrServer {

  private final Vertx vertx;
  private final ServiceConfig config;
  private final Components components;
  private final SourceDirectory directory;
  private HttpServer server;

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

  public static Future<ShcrServer> start(Vertx vertx, ServiceConfig config, Components components) {
    ShcrServer shcr = new ShcrServer(vertx, config, components);
    return vertx.createHttpServer()
        .requestHandler(shcr.router())
        .listen(config.port(), config.host())
        .map(server -> {
          shcr.server = server;
          return shcr;
        });
  }

  /** The live sources, for operators' hooks such as cluster re-balancing. */
  public SourceDirectory directory() {
    return directory;
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server.close().compose(v -> directory.close()).eventually(() -> components.onClose().get());
  }

  private Router router() {
    Router router = Router.router(vertx);
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

  private void ready(RoutingContext ctx) {
    ctx.json(new JsonObject().put("status", "UP").put("sources", components.sources().all().size()));
  }
}
