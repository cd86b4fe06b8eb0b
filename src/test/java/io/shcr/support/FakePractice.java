package io.shcr.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A GP practice answering GP Connect Access Record: Structured from a chart held in memory: for each
 * area asked, its primary List (with GP Connect's list code) and its resources; an area the practice has
 * switched off answers a {@code NOT_IMPLEMENTED} OperationOutcome naming the parameter, as GP Connect
 * providers do. Resources can be left out (as a practice leaves out confidential items). It records
 * which areas each request asked for.
 */
public final class FakePractice {

  /** GP Connect's areas: parameter, list code, resource types. */
  public static final Map<String, List<String>> AREA_TYPES = new LinkedHashMap<>();
  private static final Map<String, String> LIST_CODES = new LinkedHashMap<>();

  static {
    area("includeAllergies", "886921000000105", "AllergyIntolerance");
    area("includeMedication", "933361000000108", "MedicationStatement", "MedicationRequest", "Medication");
    area("includeProblems", "717711000000103", "Condition");
    area("includeConsultations", "1149501000000101", "Encounter");
    area("includeImmunisations", "1102181000000102", "Immunization");
    area("includeInvestigations", "887191000000108", "DiagnosticReport", "Observation");
    area("includeReferrals", "792931000000107", "ServiceRequest");
  }

  private static void area(String parameter, String code, String... types) {
    AREA_TYPES.put(parameter, List.of(types));
    LIST_CODES.put(parameter, code);
  }

  public final List<List<String>> requests = new CopyOnWriteArrayList<>();
  public final Set<String> switchedOff = ConcurrentHashMap.newKeySet();
  public final Set<String> leftOut = ConcurrentHashMap.newKeySet();
  /** Warning codes to put on an area's List, by parameter. */
  public final Map<String, String> warnings = new ConcurrentHashMap<>();
  /** A Spine code for the switched-off issue (GP Connect's is NOT_IMPLEMENTED). */
  public volatile String switchedOffCode = "NOT_IMPLEMENTED";
  private final List<JsonObject> chart = new CopyOnWriteArrayList<>();
  private final Vertx vertx;
  private HttpServer server;

  public FakePractice(Vertx vertx) {
    this.vertx = vertx;
  }

  public FakePractice holding(JsonObject... resources) {
    chart.addAll(List.of(resources));
    return this;
  }

  public Future<FakePractice> start() {
    return vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").map(s -> {
      server = s;
      return this;
    });
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/GP1";
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      List<String> asked = new ArrayList<>();
      for (Object p : new JsonObject(body).getJsonArray("parameter")) {
        String name = ((JsonObject) p).getString("name");
        if (AREA_TYPES.containsKey(name)) {
          asked.add(name);
        }
      }
      requests.add(asked);
      request.response().putHeader("content-type", "application/fhir+json").end(io.shcr.fhir.FhirVersions.structuredRecordAsStu3(bundle(asked)).encode());
    });
  }

  private JsonObject bundle(List<String> asked) {
    JsonArray entries = new JsonArray();
    chart.stream().filter(r -> "Patient".equals(r.getString("resourceType"))).forEach(r -> entries.add(entry(r)));
    for (String area : asked) {
      if (switchedOff.contains(area)) {
        entries.add(entry(new JsonObject().put("resourceType", "OperationOutcome").put("issue", new JsonArray().add(new JsonObject()
            .put("severity", "warning").put("code", "not-supported").put("diagnostics", area)
            .put("details", new JsonObject().put("text", area + " has been disabled").put("coding", new JsonArray()
                .add(new JsonObject().put("system", "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1")
                    .put("code", switchedOffCode))))))));
        continue;
      }
      List<JsonObject> items = chart.stream()
          .filter(r -> AREA_TYPES.get(area).contains(r.getString("resourceType")))
          .filter(r -> !leftOut.contains(r.getString("resourceType") + "/" + r.getString("id")))
          .toList();
      JsonArray listEntries = new JsonArray();
      items.forEach(r -> listEntries.add(new JsonObject().put("item", new JsonObject()
          .put("reference", r.getString("resourceType") + "/" + r.getString("id")))));
      JsonObject list = new JsonObject().put("resourceType", "List").put("id", "list-" + area).put("status", "current")
          .put("mode", "snapshot").put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
              .put("system", "http://snomed.info/sct").put("code", LIST_CODES.get(area)))))
          .put("entry", listEntries);
      if (warnings.containsKey(area)) {
        list.put("extension", new JsonArray().add(new JsonObject()
            .put("url", "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1")
            .put("valueCode", warnings.get(area))));
      }
      entries.add(entry(list));
      items.forEach(r -> entries.add(entry(r)));
    }
    return new JsonObject().put("resourceType", "Bundle").put("type", "collection").put("entry", entries);
  }

  private static JsonObject entry(JsonObject resource) {
    return new JsonObject().put("resource", resource.copy());
  }
}
