package io.shcr.support;

import io.shcr.access.AccessDecision;
import io.shcr.access.AccessGate;
import io.shcr.access.Purpose;
import io.shcr.access.ResourceTransform;
import io.shcr.api.Components;
import io.shcr.api.ShcrServer;
import io.shcr.config.ServiceConfig;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.privacy.RuleBasedPrivacyFilter;
import io.shcr.core.Section;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceKind;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The real service (real privacy filter, shipped {@code conf/}) in front of {@link LyingSources}, for
 * end-to-end tests of what a client receives whatever the sources send. Blocking helpers: call them
 * from the test's own thread, never from an event loop.
 */
public final class TrustBed {

  private static PrivacyFilter shippedFilter;

  public final Vertx vertx;
  public final LyingSources sources;
  public final TestComponents.MemoryAudit audit = new TestComponents.MemoryAudit();
  private ShcrServer server;
  private WebClient client;

  public TrustBed(Vertx vertx) {
    this.vertx = vertx;
    this.sources = new LyingSources(vertx);
  }

  public static synchronized PrivacyFilter shippedFilter() {
    if (shippedFilter == null) {
      shippedFilter = RuleBasedPrivacyFilter.load(Path.of("conf"));
    }
    return shippedFilter;
  }

  public TrustBed startSources() {
    await(sources.start());
    return this;
  }

  /** Starts the service over these sources, every section allowed, as {@link TestComponents#DOCTOR}. */
  public TrustBed startService(List<SourceConfig> configs, long deadlineMs) {
    return startService(configs, allowAll(null, ResourceTransform.IDENTITY), deadlineMs);
  }

  public TrustBed startService(List<SourceConfig> configs, AccessGate gate, long deadlineMs) {
    return startService(configs, gate, shippedFilter(), deadlineMs);
  }

  public TrustBed startService(List<SourceConfig> configs, AccessGate gate, PrivacyFilter filter, long deadlineMs) {
    Components components = new Components(new SourceRegistry(configs), filter, gate,
        ctx -> Future.succeededFuture(TestComponents.DOCTOR), audit, List.of(), Future::succeededFuture);
    server = await(ShcrServer.start(vertx, new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, deadlineMs, 60_000), components));
    client = WebClient.create(vertx);
    return this;
  }

  /** Every section allowed; the relationship resting on {@code ownOrganisation}'s source when not null. */
  public static AccessGate allowAll(String ownOrganisation, ResourceTransform transform) {
    return (ctx, request) -> Future.succeededFuture(new AccessDecision(TestComponents.DOCTOR, null, request.sections(),
        Purpose.DIRECT_CARE, null, ownOrganisation, transform));
  }

  public void close() {
    if (server != null) {
      await(server.close());
    }
    await(sources.close());
  }

  public int port() {
    return server.port();
  }

  /** The record as one JSON document ({@code query} e.g. {@code "?sections=problems"}). */
  public HttpResponse<Buffer> json(String query) {
    return await(client.get(server.port(), "127.0.0.1", "/api/v1/patients/" + LyingSources.NHS + "/record" + query)
        .putHeader("Accept", "application/json").send());
  }

  /** The record as an SSE stream, read to its end. */
  public SseClient.Stream sse(String query) {
    return await(new SseClient(vertx).open(server.port(), "/api/v1/patients/" + LyingSources.NHS + "/record" + query,
        Map.of(), e -> { }).compose(stream -> stream.ended.future()));
  }

  /** {@code GET /api/v1/sources}, by id. */
  public Map<String, JsonObject> sourcesApi() {
    JsonArray all = await(client.get(server.port(), "127.0.0.1", "/api/v1/sources").send()).bodyAsJsonObject()
        .getJsonArray("sources");
    return all.stream().map(JsonObject.class::cast).collect(Collectors.toMap(s -> s.getString("id"), s -> s));
  }

  /** The audit outcome of the n-th view, once it is written (it follows the response by a moment). */
  public io.shcr.audit.ViewOutcome outcome(int n) {
    long until = System.currentTimeMillis() + 5_000;
    while (audit.outcomes.size() < n && System.currentTimeMillis() < until) {
      Thread.onSpinWait();
    }
    return audit.outcomes.get(n - 1);
  }

  // Reading a JSON document.

  public static Map<String, JsonObject> statuses(JsonObject document) {
    return document.getJsonArray("sources").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(s -> s.getString("source"), s -> s));
  }

  public static List<JsonObject> resources(JsonObject document, String source, String section) {
    return document.getJsonArray("sections").stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("source").equals(source) && s.getString("section").equals(section))
        .flatMap(s -> s.getJsonArray("resources").stream().map(JsonObject.class::cast))
        .toList();
  }

  public static Set<String> ids(List<JsonObject> resources) {
    return resources.stream().map(r -> r.getString("resourceType") + "/" + r.getString("id")).collect(Collectors.toSet());
  }

  // Source configurations.

  public static final Set<Section> CLINICAL = Set.of(Section.DEMOGRAPHICS, Section.PROBLEMS, Section.MEDICATIONS,
      Section.ENCOUNTERS);

  /** A FHIR R4 source with room for large answers and a breaker that opens after {@code threshold} failures. */
  public SourceConfig fhir(String id, long deadlineMs, int threshold) {
    return new SourceConfig(id, "Source " + id, SourceKind.ACUTE, sources.baseUrl(id), "fhir-r4", CLINICAL, true, deadlineMs,
        5, 50, 8L * 1024 * 1024, 3, new SourceConfig.BreakerConfig(threshold, 60_000));
  }

  public SourceConfig gpConnect(String id, long deadlineMs, int threshold) {
    return new SourceConfig(id, "Practice " + id, SourceKind.GP, sources.baseUrl(id), "gp-connect",
        Set.of(Section.DEMOGRAPHICS, Section.PROBLEMS, Section.MEDICATIONS, Section.ENCOUNTERS), true, deadlineMs, 5, 50,
        8L * 1024 * 1024, 1, new SourceConfig.BreakerConfig(threshold, 60_000));
  }

  public static SourceConfig withKind(SourceConfig c, SourceKind kind, Set<Section> sections) {
    return new SourceConfig(c.id(), c.name(), kind, c.baseUrl(), c.adapter(), sections, c.live(), c.deadlineMs(),
        c.maxConnections(), c.maxWaitQueue(), c.maxResponseBytes(), c.pageCap(), c.breaker(), c.maxResourcesPerAnswer(),
        c.maxResourcesPerRequest());
  }

  public static SourceConfig withCaps(SourceConfig c, int perAnswer, int perRequest) {
    return new SourceConfig(c.id(), c.name(), c.kind(), c.baseUrl(), c.adapter(), c.sections(), c.live(), c.deadlineMs(),
        c.maxConnections(), c.maxWaitQueue(), c.maxResponseBytes(), c.pageCap(), c.breaker(), perAnswer, perRequest);
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
