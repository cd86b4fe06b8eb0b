package io.shcr.api;

import io.shcr.ops.OpsConfig;
import io.shcr.ops.Telemetry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.core.ErrorResponses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code GET /metrics} in the Prometheus text format. By default on its own port bound to loopback
 * ({@code metrics.host}/{@code metrics.port} in operations.yaml), so it is never public by accident;
 * with a token ({@code SHCR_METRICS_TOKEN}) a scrape must send {@code Authorization: Bearer <token>},
 * and with {@code port: -1} it is served on the service's own port, where the token is required.
 */
public final class MetricsEndpoint {

  private final HttpServer server;

  private MetricsEndpoint(HttpServer server) {
    this.server = server;
  }

  /** The own-port endpoint, or null when metrics are off or served on the service's port. */
  public static Future<MetricsEndpoint> start(Vertx vertx, Telemetry telemetry) {
    OpsConfig.Metrics config = telemetry.config().metrics();
    if (telemetry.prometheus() == null || !config.ownPort()) {
      return Future.succeededFuture(null);
    }
    Router router = Router.router(vertx);
    router.get("/metrics").handler(guard(config.token())).handler(PrometheusScrapingHandler.create(telemetry.prometheus()));
    router.route().handler(ctx -> ErrorResponses.send(ctx.response(), ErrorCode.NOT_FOUND.error(
        "Only GET /metrics is served on this port."), null));
    return vertx.createHttpServer().requestHandler(router).listen(config.port(), config.host()).map(MetricsEndpoint::new);
  }

  /** The route for the service's own port (token required), or null when metrics have their own port or are off. */
  public static ApiRoutes onServicePort(Telemetry telemetry) {
    PrometheusMeterRegistry registry = telemetry.prometheus();
    if (registry == null || telemetry.config().metrics().ownPort()) {
      return null;
    }
    return router -> router.get("/metrics").handler(guard(telemetry.config().metrics().token()))
        .handler(PrometheusScrapingHandler.create(registry));
  }

  private static Handler<RoutingContext> guard(String token) {
    if (token == null) {
      return RoutingContext::next;
    }
    byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    return ctx -> {
      String given = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
      if (given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
        ctx.next();
      } else {
        ErrorResponses.send(ctx.response(), ErrorCode.UNAUTHORISED.error("A metrics scrape needs the metrics token.")
            .withHeader("WWW-Authenticate", "Bearer realm=\"shcr-metrics\""), null);
      }
    };
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server.close();
  }
}
