package io.shcr.api;

import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.config.ServiceConfig;
import io.shcr.health.Readiness;
import io.shcr.ops.Liveness;
import io.shcr.ops.OpsConfig;
import io.shcr.ops.ServiceLifecycle;
import io.shcr.sources.SourceDirectory;
import io.shcr.core.ErrorResponses;
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
  /** One per node, shared by every event loop's router: the caps count the node's views, not a loop's. */
  private final ViewAdmission admission;
  private final InvalidRequests invalidRequests;
  private final List<String> deployments = new ArrayList<>();
  private final ServiceLifecycle lifecycle = new ServiceLifecycle();
  private Liveness liveness;
  private int port;
  private volatile Router declared;

  private ShcrServer(Vertx vertx, ServiceConfig config, Components components) {
    this.vertx = vertx;
    this.config = config;
    this.components = components;
    AdmissionLimits limits = AdmissionLimits.load(config.configDir());
    // Each source's queue covers every view the node admits: an admitted view is never failed by our own queue.
    this.directory = new SourceDirectory(vertx, components.sources(), limits.maxViews());
    this.refusals = new Refusals(components.authenticator(), components.audit());
    this.admission = new ViewAdmission(limits, refusals, components.authenticator(), lifecycle::isDraining);
    lifecycle.admission(admission);
    this.invalidRequests = new InvalidRequests(components.audit());
    OpenApiDocument.BODY.length(); // read the resource now, not on an event loop
  }

  /** Record views open on this node now (tests of admission under overload). */
  int openViews() {
    return admission.open();
  }

  /** Record views waiting for a place on this node now (tests of the admission queue). */
  int waitingViews() {
    return admission.waiting();
  }

  /**
   * Listens with one HTTP verticle per event loop ({@code http.eventLoops}), all sharing the port, so
   * requests spread over the cores. Port 0 (tests) is first resolved to a free port, because Vert.x
   * shares a listening socket between servers that ask for the same port number.
   */
  public static Future<ShcrServer> start(Vertx vertx, ServiceConfig config, Components components) {
    return start(vertx, config, components, OpsConfig.DEFAULTS);
  }

  /** As above, with the operations settings (liveness) of {@code operations.yaml}. */
  public static Future<ShcrServer> start(Vertx vertx, ServiceConfig config, Components components, OpsConfig ops) {
    ShcrServer shcr = new ShcrServer(vertx, config, components);
    try {
      shcr.port = config.port() == 0 ? freePort() : config.port();
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return Liveness.start(vertx, ops.livenessStaleMs())
        .compose(liveness -> {
          shcr.liveness = liveness;
          return vertx.deployVerticle(() -> new HttpVerticle(shcr, shcr.port), new DeploymentOptions().setInstances(config.eventLoops()));
        })
        .map(id -> {
          shcr.deployments.add(id);
          shcr.lifecycle.started();
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
        .eventually(() -> liveness == null ? Future.succeededFuture() : liveness.stop())
        .eventually(directory::close)
        .eventually(() -> components.onClose().get());
  }

  /**
   * The graceful end (SIGTERM): readiness 503 and new views refused ({@code SHUTTING_DOWN}) at once;
   * open views run on for at most {@code limitMs}, then end with {@code complete} (sources still
   * running reported {@code shutdown}); once every outcome is audited, the server closes, which
   * closes the audit store (its last batch synced).
   */
  public Future<Void> drain(long limitMs) {
    return lifecycle.drain(vertx, limitMs).eventually(this::close);
  }

  /** Where this server is in its life (tests and the drain). */
  public ServiceLifecycle lifecycle() {
    return lifecycle;
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
    router.get("/health/started").produces(JSON).handler(this::started);
    router.get("/health/ready").produces(JSON).handler(this::ready);
    router.get("/openapi.json").produces(JSON).handler(this::openApi);
    RecordApi records = new RecordApi(vertx, config, components, directory, lifecycle, admission);
    router.get("/api/v1/patients/:nhsNumber/record").produces(EVENT_STREAM).produces(JSON)
        .handler(this::refuseWhileDraining).handler(records::handle);
    router.get("/api/v1/sources").produces(JSON).handler(new SourcesApi(components, directory, refusals)::handle);
    components.faces().forEach(face -> face.mount(router, records));
    components.extraRoutes().forEach(routes -> routes.mount(router));
    declared = router;
    // The viewer's record stream: its session guard (an extra route, mounted just above) has put the
    // session's token on the request, and the record pipeline runs as for any API caller.
    router.get(RecordApi.VIEWER_PATH).produces(EVENT_STREAM).handler(records::handle);
    for (int status = 400; status < 600; status++) {
      int code = status;
      router.errorHandler(code, ctx -> refusals.routerError(ctx, code, router));
    }
    return router;
  }

  /**
   * Every route the router declares, as {@code METHOD /path} with {@code {param}} placeholders (the form
   * openapi.json uses), for the test that keeps the description and the router in step.
   */
  public List<String> declaredRoutes() {
    List<String> routes = new ArrayList<>();
    Router router = declared;
    if (router == null) {
      return routes;
    }
    for (io.vertx.ext.web.Route route : router.getRoutes()) {
      if (route.getPath() != null && route.methods() != null) {
        String path = route.getPath().replaceAll(":([A-Za-z]+)", "{$1}");
        route.methods().forEach(method -> routes.add(method.name() + " " + path));
      }
    }
    return routes;
  }

  /** The OpenAPI 3.1 description of every route, kept by hand beside the code (src/main/resources/openapi.json). */
  private void openApi(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", JSON).putHeader("Cache-Control", "no-store")
        .putHeader(ErrorResponses.REQUEST_ID, RequestIntake.requestId(ctx)).end(OpenApiDocument.BODY);
  }


  /** 200 while every event loop runs its heartbeat; 503 naming the loops that have stopped (restart me). */
  private void live(RoutingContext ctx) {
    liveness.check().onComplete(done -> {
      boolean up = done.succeeded() && done.result().getUp();
      JsonObject body = new JsonObject().put("status", up ? "UP" : "DOWN");
      if (done.succeeded()) {
        body.put("checks", done.result().toJson().getJsonArray("checks"));
      }
      if (up) {
        ctx.json(body);
      } else {
        ErrorResponses.send(ctx.response(), ErrorCode.NOT_LIVE.error(
            "An event loop has stopped answering: " + body.encode()), RequestIntake.requestId(ctx));
      }
    });
  }

  /** 200 once wired and listening (a startup probe: slow starts, such as a cluster join, are not failures). */
  private void started(RoutingContext ctx) {
    if (lifecycle.isStarted()) {
      ctx.json(new JsonObject().put("status", "UP"));
    } else {
      ErrorResponses.send(ctx.response(), ErrorCode.NOT_READY.error("Still starting.").withHeader("Retry-After", "1"),
          RequestIntake.requestId(ctx));
    }
  }

  /** 200 when every readiness check passes, else 503 naming the failed ones (see {@link ReadinessResponse}). */
  private void ready(RoutingContext ctx) {
    components.readiness().check().onComplete(done -> {
      Readiness.Report report = done.result();
      if (lifecycle.isDraining()) {
        List<Readiness.Result> results = new ArrayList<>(report.results());
        results.add(new Readiness.Result("shutting-down", false, "this node is draining before it stops"));
        report = new Readiness.Report(results);
      }
      ReadinessResponse.send(ctx.response(), report, components.sources().all().size(), RequestIntake.requestId(ctx));
    });
  }

  /** While draining, no new view starts: 503 SHUTTING_DOWN, audited like every refusal. */
  private void refuseWhileDraining(RoutingContext ctx) {
    if (lifecycle.isDraining()) {
      refusals.refuse(ctx, shuttingDown());
    } else {
      ctx.next();
    }
  }

  /** The refusal of a view that would start while the node drains. */
  static ApiError shuttingDown() {
    return ErrorCode.SHUTTING_DOWN.error("This node is shutting down and takes no new views; try again (another node will answer).")
        .withHeader("Retry-After", "2");
  }
}
