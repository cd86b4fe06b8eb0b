package io.shcr.simulator;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The FHIR R4 search endpoints of every non-GP organisation, under {@code /{ODS}}: Patient by NHS
 * number, clinical resources by {@code patient.identifier} (paged), {@code _id} lookups and reads; a
 * CapabilityStatement at {@code metadata}; and, for acute, mental health and community trusts, a FHIR
 * {@code batch} of searches POSTed to the base (the others declare only search, so both paths run).
 */
final class FhirSearchRoutes {

  static final Set<String> TYPES = Set.of("Patient", "Flag", "AllergyIntolerance", "MedicationStatement",
      "MedicationRequest", "Condition", "Encounter", "Observation", "DiagnosticReport", "DocumentReference",
      "CarePlan", "Immunization", "ServiceRequest");
  private static final String NHS_PREFIX = NhsNumber.SYSTEM + "|";

  private final Network network;
  private final Responder responder;

  FhirSearchRoutes(Network network, Responder responder) {
    this.network = network;
    this.responder = responder;
  }

  /** The kinds whose servers take a FHIR batch; the others declare only search (the fallback path). */
  static final Set<io.shcr.sources.SourceKind> BATCHING = Set.of(io.shcr.sources.SourceKind.ACUTE,
      io.shcr.sources.SourceKind.MENTAL_HEALTH, io.shcr.sources.SourceKind.COMMUNITY);
  private static final int MAX_BATCH_BODY = 64 * 1024;
  private static final int MAX_BATCH_ENTRIES = 40;

  void mount(Router router) {
    router.get("/:ods/metadata").handler(this::metadata);
    router.post("/:ods").handler(BodyHandler.create().setBodyLimit(MAX_BATCH_BODY)).handler(this::batch);
    router.get("/:ods/:type").handler(this::search);
    router.get("/:ods/:type/:id").handler(this::read);
  }

  private void search(RoutingContext ctx) {
    Optional<Organisation> org = network.searchable(ctx.pathParam("ods"));
    String type = ctx.pathParam("type");
    if (org.isEmpty() || !TYPES.contains(type)) {
      ctx.next();
      return;
    }
    MultiMap params = ctx.queryParams();
    String base = network.baseUrl(ctx, org.get());
    responder.answer(ctx, org.get().ods(), org.get().kind().wireName(), () -> search(org.get(), type, params, base));
  }

  /** The CapabilityStatement: search on every type, and {@code batch} where the organisation's kind takes it. */
  private void metadata(RoutingContext ctx) {
    Optional<Organisation> org = network.searchable(ctx.pathParam("ods"));
    if (org.isEmpty()) {
      ctx.next();
      return;
    }
    JsonArray resources = new JsonArray();
    TYPES.stream().sorted().forEach(type -> resources.add(new JsonObject().put("type", type)
        .put("interaction", new JsonArray().add(new JsonObject().put("code", "search-type")))));
    JsonArray interactions = new JsonArray();
    if (BATCHING.contains(org.get().kind())) {
      interactions.add(new JsonObject().put("code", "batch"));
    }
    JsonObject statement = new JsonObject().put("resourceType", "CapabilityStatement").put("status", "active")
        .put("kind", "instance").put("fhirVersion", "4.0.1").put("format", new JsonArray().add("json"))
        .put("rest", new JsonArray().add(new JsonObject().put("mode", "server").put("resource", resources)
            .put("interaction", interactions)));
    responder.answer(ctx, org.get().ods(), org.get().kind().wireName(), () -> Reply.ok(statement));
  }

  /**
   * A FHIR batch of searches (GET entries only), answered in one {@code batch-response} with one entry per
   * request in order, each what the search alone would answer.
   */
  private void batch(RoutingContext ctx) {
    Optional<Organisation> org = network.searchable(ctx.pathParam("ods"));
    if (org.isEmpty() || !BATCHING.contains(org.get().kind())) {
      ctx.next();
      return;
    }
    String base = network.baseUrl(ctx, org.get());
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    JsonObject bundle = body;
    responder.answer(ctx, org.get().ods(), org.get().kind().wireName(), () -> batch(org.get(), bundle, base));
  }

  private Reply batch(Organisation org, JsonObject bundle, String base) {
    if (bundle == null || !"Bundle".equals(bundle.getValue("resourceType")) || !"batch".equals(bundle.getValue("type"))
        || !(bundle.getValue("entry") instanceof JsonArray entries) || entries.size() > MAX_BATCH_ENTRIES) {
      return Reply.error(400, "invalid", null, "Expected a batch Bundle of at most " + MAX_BATCH_ENTRIES + " entries");
    }
    JsonArray answers = new JsonArray();
    for (Object item : entries) {
      Reply reply = entry(org, item, base);
      answers.add(new JsonObject().put("resource", reply.body())
          .put("response", new JsonObject().put("status", String.valueOf(reply.status()))));
    }
    return Reply.ok(new JsonObject().put("resourceType", "Bundle").put("type", "batch-response").put("entry", answers));
  }

  private Reply entry(Organisation org, Object item, String base) {
    JsonObject request = item instanceof JsonObject e && e.getValue("request") instanceof JsonObject r ? r : null;
    String url = request == null ? null : request.getString("url");
    if (url == null || !"GET".equals(request.getValue("method"))) {
      return Reply.error(400, "not-supported", null, "Only GET searches are taken in a batch");
    }
    int query = url.indexOf('?');
    String type = query < 0 ? url : url.substring(0, query);
    if (!TYPES.contains(type)) {
      return Reply.error(404, "not-supported", null, "Resource type " + type + " is not supported");
    }
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    new io.netty.handler.codec.http.QueryStringDecoder(url).parameters().forEach(params::add);
    return search(org, type, params, base);
  }

  private Reply search(Organisation org, String type, MultiMap params, String base) {
    Optional<Integer> offset = SearchSets.offsetOf(params.get(SearchSets.PAGE_TOKEN));
    int count = parseCount(params.get("_count"));
    if (offset.isEmpty() || count < 0) {
      return Reply.error(400, "invalid", null, "Invalid _count or " + SearchSets.PAGE_TOKEN);
    }
    Map<String, String> criteria = new LinkedHashMap<>();
    List<JsonObject> matches;
    if (params.contains("_id")) {
      criteria.put("_id", params.get("_id"));
      matches = byIds(org, type, params.get("_id"));
    } else {
      String param = "Patient".equals(type) ? "identifier" : "patient.identifier";
      String token = params.get(param);
      if (token == null) {
        return Reply.error(400, "invalid", null, "Search requires " + param + "=" + NHS_PREFIX + "{NHS number} or _id");
      }
      criteria.put(param, token);
      matches = byPatient(org, type, token);
    }
    return Reply.ok(SearchSets.page(base, type, criteria, matches, offset.get(), count));
  }

  private List<JsonObject> byPatient(Organisation org, String type, String token) {
    if (!token.startsWith(NHS_PREFIX)) {
      return List.of();
    }
    Optional<SyntheticPatient> patient = network.population().find(token.substring(NHS_PREFIX.length()));
    if (responder.faultsOf(org.ods()).wrongPatient()) {
      SyntheticPatient asked = patient.orElse(network.population().all().get(0));
      patient = Optional.of(network.population().someoneElse(asked, org.ods()));
    }
    return patient.flatMap(p -> network.records().servedAt(p, org)).map(r -> r.ofType(type)).orElse(List.of());
  }

  private List<JsonObject> byIds(Organisation org, String type, String ids) {
    List<JsonObject> found = new ArrayList<>();
    for (String id : ids.split(",")) {
      network.records().recordHolding(org, id.trim()).flatMap(r -> r.find(type, id.trim())).ifPresent(found::add);
    }
    return found;
  }

  private void read(RoutingContext ctx) {
    Optional<Organisation> org = network.searchable(ctx.pathParam("ods"));
    String type = ctx.pathParam("type");
    if (org.isEmpty() || !TYPES.contains(type)) {
      ctx.next();
      return;
    }
    String id = ctx.pathParam("id");
    responder.answer(ctx, org.get().ods(), org.get().kind().wireName(), () -> network.records()
        .recordHolding(org.get(), id)
        .flatMap(r -> r.find(type, id))
        .map(Reply::ok)
        .orElse(Reply.error(404, "not-found", null, "Resource " + type + "/" + id + " is not known")));
  }

  private static int parseCount(String value) {
    if (value == null) {
      return SearchSets.DEFAULT_COUNT;
    }
    try {
      int count = Integer.parseInt(value);
      return count < 1 ? -1 : Math.min(count, SearchSets.MAX_COUNT);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
