package io.shcr.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fake FHIR sources on one loopback port, one per path prefix ({@code /{id}/...}), each with a
 * behaviour: a normal FHIR R4 server for one patient, or one of the ways real sources fail.
 */
public final class FakeSources {

  public enum Behaviour { NORMAL, HANG, ERROR_500, GARBAGE, OVERSIZE, SLOW_DRIP, WRONG_PATIENT, GATED, GP_CONNECT, UNKNOWN_PATIENT, SMUGGLER, NO_NHS_NUMBER, PATIENT_THEN_HANG }

  public static final String NHS = "9434765919";
  public static final String OTHER_NHS = "9990000018";

  private final Vertx vertx;
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> abandoned = new ConcurrentHashMap<>();
  private final Promise<Void> gate = Promise.promise();
  private HttpServer server;

  private final Map<String, io.vertx.core.MultiMap> lastHeaders = new java.util.concurrent.ConcurrentHashMap<>();

  public FakeSources(Vertx vertx) {
    this.vertx = vertx;
  }

  public FakeSources with(String id, Behaviour behaviour) {
    behaviours.put(id, behaviour);
    return this;
  }

  public Future<FakeSources> start() {
    return vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").map(s -> {
      server = s;
      return this;
    });
  }

  public String baseUrl(String id) {
    return "http://127.0.0.1:" + server.actualPort() + "/" + id;
  }

  /** The headers of the last call each source received (request id, trace context, user agent). */
  public io.vertx.core.MultiMap lastHeaders(String id) {
    return lastHeaders.get(id);
  }

  public int calls(String id) {
    return calls.computeIfAbsent(id, k -> new AtomicInteger()).get();
  }

  /** How many of this source's requests were closed by the caller before an answer. */
  public int abandoned(String id) {
    return abandoned.computeIfAbsent(id, k -> new AtomicInteger()).get();
  }

  /** Lets GATED sources answer. */
  public void openGate() {
    gate.tryComplete();
  }

  private void handle(HttpServerRequest request) {
    String[] parts = request.path().split("/", 3);
    String id = parts.length > 1 ? parts[1] : "";
    String rest = parts.length > 2 ? parts[2] : "";
    if (rest.equals("metadata")) {
      // Asked once per source at start-up, for no view; these fakes declare nothing (a 404).
      request.response().setStatusCode(404).end();
      return;
    }
    calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    lastHeaders.put(id, io.vertx.core.MultiMap.caseInsensitiveMultiMap().addAll(request.headers()));
    Behaviour behaviour = behaviours.getOrDefault(id, Behaviour.NORMAL);
    request.connection().closeHandler(v -> {
      if (!request.response().ended()) {
        abandoned.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
      }
    });
    switch (behaviour) {
      case HANG -> { }
      case ERROR_500 -> request.response().setStatusCode(500).end(outcome("exception").encode());
      case GARBAGE -> request.response().putHeader("content-type", "application/fhir+json").end("{\"resourceType\": \"Bund");
      case OVERSIZE -> request.response().putHeader("content-type", "application/fhir+json").end("x".repeat(200_000));
      case SLOW_DRIP -> drip(request);
      case GATED -> gate.future().onComplete(v -> answer(request, id, rest, NHS));
      case WRONG_PATIENT -> answer(request, id, rest, OTHER_NHS);
      case SMUGGLER -> answer(request, id, rest.equals("Encounter") ? "Condition" : rest, NHS);
      case NO_NHS_NUMBER -> answer(request, id, rest, null);
      case PATIENT_THEN_HANG -> {
        if (rest.equals("Patient")) {
          answer(request, id, rest, NHS);
        }
      }
      case UNKNOWN_PATIENT -> request.response().putHeader("content-type", "application/fhir+json")
          .end(new JsonObject().put("resourceType", "Bundle").put("type", "searchset").put("total", 0).encode());
      case GP_CONNECT -> request.body().onSuccess(body -> request.response()
          .putHeader("content-type", "application/fhir+json").end(gpConnectBundle().encode()));
      default -> answer(request, id, rest, NHS);
    }
  }

  private void drip(HttpServerRequest request) {
    request.response().setChunked(true).putHeader("content-type", "application/fhir+json");
    long timer = vertx.setPeriodic(50, t -> {
      if (!request.response().closed()) {
        request.response().write(" ");
      }
    });
    request.response().closeHandler(v -> vertx.cancelTimer(timer));
  }

  private void answer(HttpServerRequest request, String id, String type, String nhs) {
    JsonObject bundle = new JsonObject().put("resourceType", "Bundle").put("type", "searchset");
    JsonArray entries = new JsonArray();
    String patientId = id + "-patient";
    if (type.equals("Patient")) {
      entries.add(entry(patient(patientId, nhs)));
    } else if (type.equals("Condition")) {
      entries.add(entry(new JsonObject().put("resourceType", "Condition").put("id", id + "-c1")
          .put("subject", new JsonObject().put("reference", "Patient/" + patientId))
          .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
              .put("system", "http://snomed.info/sct").put("code", "38341003").put("display", "Hypertensive disorder"))))));
    }
    bundle.put("total", entries.size()).put("entry", entries);
    request.response().putHeader("content-type", "application/fhir+json").end(bundle.encode());
  }

  public static JsonObject patient(String id, String nhs) {
    JsonObject patient = new JsonObject().put("resourceType", "Patient").put("id", id).put("birthDate", "1950-01-01");
    return nhs == null ? patient : patient.put("identifier", new JsonArray()
        .add(new JsonObject().put("system", "https://fhir.nhs.uk/Id/nhs-number").put("value", nhs)));
  }

  private static JsonObject entry(JsonObject resource) {
    return new JsonObject().put("fullUrl", "urn:uuid:" + resource.getString("id")).put("resource", resource)
        .put("search", new JsonObject().put("mode", "match"));
  }

  private static JsonObject outcome(String code) {
    return new JsonObject().put("resourceType", "OperationOutcome")
        .put("issue", new JsonArray().add(new JsonObject().put("severity", "error").put("code", code)));
  }

  static JsonObject gpConnectBundle() {
    JsonObject allergy = new JsonObject().put("resourceType", "AllergyIntolerance").put("id", "a1")
        .put("patient", new JsonObject().put("reference", "Patient/gp-patient"))
        .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
            .put("system", "http://snomed.info/sct").put("code", "91936005").put("display", "Allergy to penicillin"))));
    JsonObject list = new JsonObject().put("resourceType", "List").put("id", "l1").put("title", "Allergies and adverse reactions")
        .put("extension", new JsonArray().add(new JsonObject()
            .put("url", "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1")
            .put("valueCode", "data-in-transit")))
        .put("entry", new JsonArray().add(new JsonObject().put("item", new JsonObject().put("reference", "AllergyIntolerance/a1"))));
    JsonObject disabled = new JsonObject().put("resourceType", "OperationOutcome").put("issue", new JsonArray().add(new JsonObject()
        .put("severity", "warning").put("code", "not-supported").put("diagnostics", "Consultations not enabled")
        .put("details", new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("code", "NOT_IMPLEMENTED"))))));
    JsonArray entries = new JsonArray().add(new JsonObject().put("resource", patient("gp-patient", NHS)))
        .add(new JsonObject().put("resource", list)).add(new JsonObject().put("resource", allergy))
        .add(new JsonObject().put("resource", disabled));
    return new JsonObject().put("resourceType", "Bundle").put("type", "collection").put("entry", entries);
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
