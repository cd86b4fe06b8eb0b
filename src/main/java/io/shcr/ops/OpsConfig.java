package io.shcr.ops;

import io.shcr.config.ConfigException;
import io.shcr.config.Fields;
import io.shcr.config.YamlFiles;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the service is operated, from {@code operations.yaml}: metrics, tracing, probes and the drain.
 *
 * @param metrics where Prometheus scrapes
 * @param tracing whether and where spans are exported
 * @param drainLimitMs on SIGTERM, how long open views may still run before they are ended ({@code shutdown})
 * @param livenessStaleMs an event loop that has not run its heartbeat for this long is reported stuck
 */
public record OpsConfig(Metrics metrics, Tracing tracing, long drainLimitMs, long livenessStaleMs) {

  public static final String FILE = "operations.yaml";

  /**
   * @param enabled whether metrics are collected and served at all
   * @param port its own port ({@code 0}: a free one, tests), or {@code -1} to serve on the service's port
   * @param host the address of its own port (loopback unless configured: a scrape reveals load, not patients)
   * @param token the bearer token a scrape must present, or null; required on the service's port
   */
  public record Metrics(boolean enabled, int port, String host, String token) {
    public boolean ownPort() {
      return port >= 0;
    }
  }

  /**
   * @param exporter {@code none} (default), {@code logging} (spans as log lines) or {@code otlp}
   * @param endpoint the OTLP/HTTP endpoint, e.g. {@code http://collector:4318/v1/traces}
   * @param serviceName the resource's service.name
   */
  public record Tracing(String exporter, String endpoint, String serviceName) {
    public boolean enabled() {
      return !"none".equals(exporter);
    }
  }

  /** Everything off but the drain: tests that wire a server by hand. */
  public static final OpsConfig DEFAULTS = new OpsConfig(new Metrics(false, 9464, "127.0.0.1", null),
      new Tracing("none", null, "shcr"), 20_000, 5_000);

  public static OpsConfig load(Path configDir) {
    Path file = configDir.resolve(FILE);
    return fromJson(YamlFiles.readOptional(file), file.toString(), System.getenv());
  }

  public static OpsConfig fromJson(JsonObject root, String file, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    Fields top = new Fields(root, "operations", problems);
    Fields metrics = top.nested("metrics");
    String tokenEnv = metrics.optionalString("tokenEnv", "SHCR_METRICS_TOKEN");
    String token = env.get(tokenEnv);
    if (token != null && token.isBlank()) {
      token = null;
    }
    Metrics m = new Metrics(metrics.bool("enabled", true), (int) metrics.number("port", 9464L, -1, 65_535),
        metrics.optionalString("host", "127.0.0.1"), token);
    if (m.enabled() && !m.ownPort() && (token == null || token.length() < 16)) {
      metrics.problem("port", "-1 serves /metrics on the service's own port, which needs a token of at least 16 characters in "
          + tokenEnv);
    }
    Fields tracing = top.nested("tracing");
    Tracing t = new Tracing(tracing.optionalString("exporter", "none"), tracing.optionalString("endpoint", null),
        tracing.optionalString("serviceName", "shcr"));
    if (!List.of("none", "logging", "otlp").contains(t.exporter())) {
      tracing.problem("exporter", "expected none, logging or otlp, found " + t.exporter());
    } else if ("otlp".equals(t.exporter()) && t.endpoint() == null) {
      tracing.problem("endpoint", "the otlp exporter needs an endpoint (http://collector:4318/v1/traces)");
    }
    OpsConfig config = new OpsConfig(m, t, top.nested("drain").number("limitMs", 20_000L, 0, 600_000),
        top.nested("liveness").number("staleMs", 5_000L, 100, 600_000));
    if (!problems.isEmpty()) {
      throw ConfigException.of(file, problems);
    }
    return config;
  }
}
