package io.shcr.ops;

import io.shcr.api.MetricsEndpoint;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.api.Components;
import io.shcr.api.ShcrServer;
import io.shcr.audit.AuditEntry;
import io.shcr.audit.AuditKey;
import io.shcr.audit.AuditLog;
import io.shcr.audit.FileAuditStore;
import io.shcr.config.ServiceConfig;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.AuditTrailFiles;
import io.shcr.support.FakeSources;
import io.shcr.support.SseClient;
import io.shcr.support.TestComponents;
import io.shcr.support.TestSources;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server over fake sources with the process's telemetry: what each source call carries
 * (request id, trace context, user agent, GP Connect's trace id), the trace id in the audit record, and
 * {@code /metrics} read back with a strict Prometheus text parser.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TraceAndMetricsTest {

  private static final String TOKEN = "metrics-token-for-the-test-0001";
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  @TempDir
  static Path dir;

  private Telemetry telemetry;
  private Vertx vertx;
  private FakeSources fakes;
  private AuditLog audit;
  private ShcrServer server;
  private MetricsEndpoint metrics;
  private WebClient client;

  @BeforeAll
  void start() {
    OpsConfig ops = new OpsConfig(new OpsConfig.Metrics(true, 0, "127.0.0.1", TOKEN), new OpsConfig.Tracing("none", null, "shcr"),
        5_000, 5_000);
    telemetry = Telemetry.create(ops);
    vertx = telemetry.vertx();
    fakes = await(new FakeSources(vertx).with("TRG", FakeSources.Behaviour.GP_CONNECT).with("TRH", FakeSources.Behaviour.HANG).start());
    SourceRegistry registry = new SourceRegistry(List.of(TestSources.fhir(fakes, "TRA", true, 2_000),
        TestSources.gpConnect(fakes, "TRG"), TestSources.fhir(fakes, "TRH", true, 300)));
    audit = await(AuditLog.open(vertx, new FileAuditStore(vertx, dir.resolve("audit"), 1 << 20,
        AuditKey.of("trace-test-audit-key-0123456789abcdef")), 100, 2_000));
    Components plain = TestComponents.components(registry, TestComponents.allowAll(), new TestComponents.MemoryAudit());
    Components components = new Components(plain.sources(), plain.privacy(), plain.access(), plain.authenticator(), audit,
        plain.extraRoutes(), plain.onClose());
    server = await(ShcrServer.start(vertx, new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, 5_000, 60_000), components, ops));
    metrics = await(MetricsEndpoint.start(vertx, telemetry));
    client = WebClient.create(vertx);
  }

  @AfterAll
  void stop() {
    await(server.close());
    await(audit.close());
    await(fakes.close());
    await(metrics.close());
    await(vertx.close());
    telemetry.close();
  }

  @Test
  void everySourceCallCarriesTheRequestIdTraceContextAndUserAgent() {
    HttpResponse<Buffer> response = await(client.get(server.port(), "127.0.0.1", "/api/v1/patients/" + FakeSources.NHS + "/record")
        .putHeader("X-Request-Id", "client-req.42_A")
        .putHeader("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01")
        .send());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("X-Request-Id")).as("a safe incoming id is kept").isEqualTo("client-req.42_A");

    for (String source : List.of("TRA", "TRG", "TRH")) {
      MultiMap sent = fakes.lastHeaders(source);
      assertThat(sent).as(source + " was called").isNotNull();
      assertThat(sent.get("X-Request-Id")).isEqualTo("client-req.42_A");
      assertThat(sent.get("traceparent")).as("same trace, our own span, sampled flag kept")
          .matches("00-" + TRACE + "-[0-9a-f]{16}-01").doesNotContain("00f067aa0ba902b7");
      assertThat(sent.get("User-Agent")).matches("shcr/[0-9A-Za-z.-]+");
    }
    String sspTraceId = fakes.lastHeaders("TRG").get("Ssp-TraceID");
    assertThat(sspTraceId).as("GP Connect's Ssp-TraceID is a GUID of its own, not the client's trace")
        .matches(UUID).doesNotContain(TRACE.substring(0, 8)).doesNotContain(TRACE.substring(20));
    assertThat(fakes.lastHeaders("TRA").get("Ssp-TraceID")).as("only GP Connect gets Ssp-TraceID").isNull();
    // The same client trace again: a new exchange, a new Ssp-TraceID.
    await(client.get(server.port(), "127.0.0.1", "/api/v1/patients/" + FakeSources.NHS + "/record")
        .putHeader("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01").send());
    assertThat(fakes.lastHeaders("TRG").get("Ssp-TraceID")).matches(UUID).isNotEqualTo(sspTraceId);

    AuditEntry access = eventuallyAccess("client-req.42_A");
    assertThat(access.data().getJsonObject("request").getString("traceId")).isEqualTo(TRACE);
  }

  @Test
  void anUnsafeOrMissingRequestIdOrTraceIsReplacedNeverEchoed() {
    for (String offered : List.of("has space", "x".repeat(65), "semi;colon", "new\u00e9line", "")) {
      HttpResponse<Buffer> response = await(client.get(server.port(), "127.0.0.1", "/api/v1/patients/" + FakeSources.NHS + "/record")
          .putHeader("X-Request-Id", offered)
          .putHeader("traceparent", "00-" + "0".repeat(32) + "-00f067aa0ba902b7-01")
          .send());
      String ours = response.getHeader("X-Request-Id");
      assertThat(ours).as("replaced: " + offered).matches(UUID).isNotEqualTo(offered);
      assertThat(fakes.lastHeaders("TRA").get("X-Request-Id")).isEqualTo(ours);
      assertThat(fakes.lastHeaders("TRA").get("traceparent")).as("an all-zero trace id is invalid: a new trace")
          .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00").doesNotContain("0".repeat(32));
    }
  }

  @Test
  void metricsShowPerSourceAndPerViewSeriesAndNothingAboutPatients() throws Exception {
    await(client.get(server.port(), "127.0.0.1", "/api/v1/patients/" + FakeSources.NHS + "/record").send());
    SseClient.Stream stream = await(new SseClient(vertx).open(server.port(), "/api/v1/patients/" + FakeSources.NHS + "/record",
        Map.of(), e -> { }));
    await(stream.ended.future());

    HttpResponse<Buffer> refused = await(client.get(metrics.port(), "127.0.0.1", "/metrics").send());
    assertThat(refused.statusCode()).as("no token, no scrape").isEqualTo(401);
    HttpResponse<Buffer> scrape = await(client.get(metrics.port(), "127.0.0.1", "/metrics").bearerTokenAuthentication(TOKEN).send());
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.getHeader("Content-Type")).startsWith("text/plain");
    PrometheusText text = PrometheusText.parse(scrape.bodyAsString());

    // Per source: latency histogram by final status, breaker, queue, calls in flight.
    assertThat(text.value("shcr_source_call_seconds_count", Map.of("source", "TRA", "status", "ok"))).isGreaterThanOrEqualTo(2);
    assertThat(text.value("shcr_source_call_seconds_count", Map.of("source", "TRH", "status", "timeout"))).isGreaterThanOrEqualTo(2);
    assertThat(text.find("shcr_source_call_seconds_bucket", Map.of("source", "TRA", "status", "ok", "le", "+Inf"))).hasSize(1);
    assertThat(text.types.get("shcr_source_call_seconds")).isEqualTo("histogram");
    assertThat(text.value("shcr_source_breaker_state", Map.of("source", "TRA"))).isEqualTo(0);
    assertThat(text.find("shcr_source_queued_calls", Map.of("source", "TRH"))).hasSize(1);
    assertThat(text.find("shcr_source_inflight_calls", Map.of("source", "TRG"))).hasSize(1);
    // Per view: first section, complete, sections and resources, open streams; access decisions; audit.
    assertThat(text.value("shcr_view_first_section_seconds_count", Map.of("format", "sse"))).isGreaterThanOrEqualTo(1);
    assertThat(text.value("shcr_view_complete_seconds_count", Map.of("format", "json", "outcome", "complete"))).isGreaterThanOrEqualTo(1);
    assertThat(text.value("shcr_view_complete_seconds_count", Map.of("format", "sse", "outcome", "complete"))).isGreaterThanOrEqualTo(1);
    assertThat(text.value("shcr_view_sections_total", Map.of("section", "problems", "format", "sse"))).isGreaterThanOrEqualTo(1);
    assertThat(text.value("shcr_view_resources_total", Map.of("format", "sse"))).isGreaterThanOrEqualTo(1);
    assertThat(text.value("shcr_views_open", Map.of("format", "sse"))).isEqualTo(0);
    assertThat(text.value("shcr_access_decisions_total", Map.of("outcome", "allowed"))).isGreaterThanOrEqualTo(2);
    assertThat(text.value("shcr_audit_append_seconds_count", Map.of("result", "ok"))).isGreaterThanOrEqualTo(2);
    assertThat(text.value("shcr_audit_batch_size_count", Map.of())).isGreaterThanOrEqualTo(1);
    // JVM and Vert.x pools.
    assertThat(text.find("jvm_memory_used_bytes", Map.of())).isNotEmpty();
    assertThat(text.samples.stream().filter(s -> s.name().startsWith("vertx_http_client_")).toList()).isNotEmpty();
    assertThat(text.samples.stream().filter(s -> s.name().startsWith("vertx_http_server_")).toList()).isNotEmpty();

    for (PrometheusText.Sample sample : text.samples) {
      assertThat(sample.labels().keySet()).as(sample.name()).doesNotContain("nhs", "nhsNumber", "patient", "user", "userId",
          "remote", "path", "requestId");
      for (String value : sample.labels().values()) {
        assertThat(value).as(sample.name() + " label").doesNotMatch(".*\\d{10}.*").doesNotContain(FakeSources.NHS)
            .doesNotContain("client-req");
      }
    }
  }

  private AuditEntry eventuallyAccess(String requestId) {
    long until = System.currentTimeMillis() + 5_000;
    while (System.currentTimeMillis() < until) {
      List<AuditEntry> found = AuditTrailFiles.accesses(dir.resolve("audit")).stream()
          .filter(e -> requestId.equals(e.requestId())).toList();
      if (!found.isEmpty()) {
        return found.get(0);
      }
      sleep(50);
    }
    throw new AssertionError("no access record for " + requestId);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
