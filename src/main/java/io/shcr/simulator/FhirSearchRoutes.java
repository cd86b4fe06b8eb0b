package io.shcr.simulator;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The FHIR R4 search endpoints of every non-GP organisation, under {@code /{ODS}}: Patient by NHS
 * number, clinical resources by {@code patient.identifier} (paged), {@code _id} lookups and reads.
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

  void mount(Router router) {
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
