package io.shcr.sources;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The live wiring of the registry: one {@link SourceClient} per live source and the adapter for each
 * protocol. Not-live sources get no client, so they cannot be called by mistake.
 */
public final class SourceDirectory {

  private static final Map<String, SourceAdapter> ADAPTERS = Map.of(
      "fhir-r4", new FhirSearchAdapter(),
      "gp-connect", new GpConnectAdapter());

  /** Workers that read answers and check sections off the event loops; one per core is enough. */
  static final int WORKERS = Math.max(2, Runtime.getRuntime().availableProcessors());

  private final SourceRegistry registry;
  private final Map<String, SourceClient> clients;
  private final WorkerExecutor workers;
  private final PracticeEndpoints endpoints;

  public SourceDirectory(Vertx vertx, SourceRegistry registry) {
    this(vertx, registry, 0);
  }

  /** As above, each source's wait queue covering {@code viewCap} views at once (see {@link SourceClient#waitQueueFor}). */
  public SourceDirectory(Vertx vertx, SourceRegistry registry, int viewCap) {
    this.registry = registry;
    this.endpoints = new PracticeEndpoints(vertx, registry.gpConnect());
    // Each live practice's endpoint asked of SDS now, off any view: the first record view of a practice then
    // need not spend its deadline on SDS (a cold lookup took seconds on a loaded machine). Nothing about a patient.
    vertx.getOrCreateContext().runOnContext(v -> registry.all().stream()
        .filter(s -> s.live() && "gp-connect".equals(s.adapter())).forEach(endpoints::of));
    this.workers = vertx.createSharedWorkerExecutor("shcr-source-work", WORKERS);
    this.clients = registry.all().stream()
        .filter(SourceConfig::live)
        .collect(Collectors.toUnmodifiableMap(SourceConfig::id, s -> new SourceClient(vertx, s, viewCap)));
    // Each FHIR source's CapabilityStatement asked now, off any view, so that a first view already sends
    // one batch where the source takes it (a view never waits for it: until known, one call per search).
    vertx.getOrCreateContext().runOnContext(v -> clients.values().forEach(c -> c.capabilities().now()));
    if (clients.values().stream().anyMatch(c -> "gp-connect".equals(c.config().adapter()))) {
      // GP Connect answers are STU3: load the converter now, off the event loops, not in a practice's deadline.
      workers.executeBlocking(() -> {
        io.shcr.fhir.FhirVersions.warmUp();
        return null;
      }, false);
    }
  }

  public SourceRegistry registry() {
    return registry;
  }

  public Optional<SourceClient> client(String sourceId) {
    return Optional.ofNullable(clients.get(sourceId));
  }

  /** A new lane for one source's work within one request (see {@link WorkLane}). */
  public WorkLane newLane() {
    return WorkLane.on(workers);
  }

  /**
   * Where a GP Connect practice's service is and its ASID (its static override, else SDS). Never fails:
   * a failed lookup says why, in words that follow "the Spine Directory Service ".
   */
  public Future<io.shcr.sources.sds.SdsLookup> endpoint(SourceConfig practice) {
    return endpoints.of(practice);
  }

  public SourceAdapter adapter(SourceConfig source) {
    return ADAPTERS.get(source.adapter());
  }

  /**
   * Re-divides every source's concurrency cap among the cluster's members: this node takes
   * ceil(cap / members), so the cap holds region-wide with no round trip per call.
   */
  public void rebalance(int members) {
    int divisor = Math.max(1, members);
    clients.values().forEach(client ->
        client.limit().resize((client.config().maxConnections() + divisor - 1) / divisor));
  }

  /** Each source with its live flag and health, for {@code GET /api/v1/sources}. */
  public JsonArray describe() {
    JsonArray out = new JsonArray();
    for (SourceConfig source : registry.all()) {
      JsonObject json = new JsonObject()
          .put("id", source.id())
          .put("name", source.name())
          .put("kind", source.kind().wireName())
          .put("adapter", source.adapter())
          .put("live", source.live())
          .put("sections", new JsonArray(source.sections().stream().map(Object::toString).sorted().toList()));
      client(source.id()).ifPresent(client -> json
          .put("breaker", client.breakerState())
          .put("concurrencyShare", client.limit().permits())
          .put("health", client.health().toJson()));
      out.add(json);
    }
    return out;
  }

  public Future<Void> close() {
    List<Future<Void>> closing = clients.values().stream().map(SourceClient::close).toList();
    return Future.join(Future.join(closing), endpoints.close()).<Void>mapEmpty().eventually(workers::close);
  }
}
