package io.shcr.ops;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a process exports about itself: the Prometheus registry behind {@code /metrics} (JVM, Vert.x
 * pools and servers, and {@link ShcrMetrics}), and, when configured, OpenTelemetry spans. Both are
 * wired into Vert.x when it is built, so {@link #builder} is the one way the commands make a Vert.x.
 */
public final class Telemetry {

  /**
   * Vert.x's labels, chosen: never the remote address (a client's IP) or the HTTP path (it holds the
   * NHS number); the route template, method and status are enough.
   */
  private static final Set<Label> LABELS = EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE,
      Label.POOL_TYPE, Label.POOL_NAME, Label.NAMESPACE, Label.EB_ADDRESS, Label.EB_SIDE, Label.EB_FAILURE);

  private final OpsConfig config;
  private final PrometheusMeterRegistry prometheus;
  private final OpenTelemetrySdk openTelemetry;

  private Telemetry(OpsConfig config, PrometheusMeterRegistry prometheus, OpenTelemetrySdk openTelemetry) {
    this.config = config;
    this.prometheus = prometheus;
    this.openTelemetry = openTelemetry;
  }

  public static Telemetry create(OpsConfig config) {
    PrometheusMeterRegistry registry = null;
    if (config.metrics().enabled()) {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(registry);
      new JvmGcMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ClassLoaderMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      Metrics.addRegistry(registry);
    }
    return new Telemetry(config, registry, config.tracing().enabled() ? openTelemetry(config.tracing()) : null);
  }

  private static OpenTelemetrySdk openTelemetry(OpsConfig.Tracing tracing) {
    SpanExporter exporter = "otlp".equals(tracing.exporter())
        ? OtlpHttpSpanExporter.builder().setEndpoint(tracing.endpoint()).build()
        : LoggingSpanExporter.create();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
            io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), tracing.serviceName()))))
        .addSpanProcessor("otlp".equals(tracing.exporter()) ? BatchSpanProcessor.builder(exporter).build()
            : SimpleSpanProcessor.create(exporter))
        .build();
    return OpenTelemetrySdk.builder().setTracerProvider(provider)
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
  }

  /** A Vert.x builder with this process's metrics and tracing. */
  public VertxBuilder builder(VertxOptions options) {
    if (prometheus != null) {
      options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setLabels(LABELS));
    }
    VertxBuilder builder = Vertx.builder().with(options);
    if (prometheus != null) {
      builder.withMetrics(new MicrometerMetricsFactory(prometheus));
    }
    if (openTelemetry != null) {
      builder.withTracer(new OpenTelemetryTracingFactory(openTelemetry));
    }
    return builder;
  }

  public Vertx vertx() {
    return builder(new VertxOptions()).build();
  }

  public OpsConfig config() {
    return config;
  }

  /** The registry {@code /metrics} serves, or null when metrics are off. */
  public PrometheusMeterRegistry prometheus() {
    return prometheus;
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry == null ? OpenTelemetry.noop() : openTelemetry;
  }

  /** Flushes spans still buffered; metrics need nothing. */
  public Future<Void> close() {
    if (prometheus != null) {
      Metrics.removeRegistry(prometheus);
      prometheus.close();
    }
    if (openTelemetry != null) {
      openTelemetry.shutdown().join(5, java.util.concurrent.TimeUnit.SECONDS);
    }
    return Future.succeededFuture();
  }
}
