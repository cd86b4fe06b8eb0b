package io.shcr.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fake sources that lie, on one loopback port, one per path prefix ({@code /{id}/...}). Each source
 * follows a script that is handed every request with the resource type it asks for (the path's last
 * segment; {@code $gpc.getstructuredrecord} for GP Connect). {@link #honest} builds a truthful FHIR
 * server for {@link #NHS} from a few resources, so a test's script shows only its lie.
 */
public final class LyingSources {

  public static final String NHS = "9434765919";
  public static final String OTHER_NHS = "9990000018";
  public static final String NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
  public static final String SNOMED = "http://snomed.info/sct";
  /** SNOMED CT 86406008 Human immunodeficiency virus infection: on every sensitive list. */
  public static final String HIV = "86406008";
  /** SNOMED CT 38341003 Hypertensive disorder: ordinary. */
  public static final String HYPERTENSION = "38341003";

  /** How one source answers one request. */
  @FunctionalInterface
  public interface Script {
    void answer(HttpServerRequest request, String type);
  }

  private final Vertx vertx;
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final List<String> acceptEncodings = new CopyOnWriteArrayList<>();
  private HttpServer server;

  public LyingSources(Vertx vertx) {
    this.vertx = vertx;
  }

  public LyingSources with(String id, Script script) {
    scripts.put(id, script);
    return this;
  }

  public Future<LyingSources> start() {
    return vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").map(s -> {
      server = s;
      return this;
    });
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public String baseUrl(String id) {
    return "http://127.0.0.1:" + server.actualPort() + "/" + id;
  }

  public int calls(String id) {
    return calls.computeIfAbsent(id, k -> new AtomicInteger()).get();
  }

  /** Every Accept-Encoding header a source was sent (null when none). */
  public List<String> acceptEncodings() {
    return acceptEncodings;
  }

  private void handle(HttpServerRequest request) {
    String[] parts = request.path().split("/");
    String id = parts.length > 1 ? parts[1] : "";
    String type = parts.length > 0 ? parts[parts.length - 1] : "";
    if (parts.length == 3 && "metadata".equals(type) && "GET".equals(request.method().name())) {
      // The CapabilityStatement, read at start-up and now and then for no view: these fakes declare
      // nothing (a 404), and the read is not one of a view's calls.
      request.response().setStatusCode(404).end();
      return;
    }
    calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    acceptEncodings.add(request.getHeader("Accept-Encoding"));
    Script script = scripts.get(id);
    if (script == null) {
      request.response().setStatusCode(404).end();
    } else if ("POST".equals(request.method().name())) {
      request.body().onSuccess(body -> script.answer(request, type));
    } else {
      script.answer(request, type);
    }
  }

  // Answers.

  public static void fhir(HttpServerRequest request, int status, JsonObject body) {
    raw(request, status, "application/fhir+json", body.toBuffer());
  }

  public static void raw(HttpServerRequest request, int status, String contentType, Buffer body) {
    if (contentType != null) {
      request.response().putHeader("content-type", contentType);
    }
    request.response().setStatusCode(status).end(body);
  }

  /**
   * A truthful FHIR server for {@link #NHS}: the Patient {@code <id>-patient} for the Patient search, the
   * given resources of the type asked for (by {@code _id} too), an empty searchset otherwise.
   */
  public static Script honest(String sourceId, JsonObject... resources) {
    return (request, type) -> fhir(request, 200, searchset(matching(sourceId, request, type, List.of(resources))));
  }

  /** What an honest server would return for this search. */
  public static List<JsonObject> matching(String sourceId, HttpServerRequest request, String type, List<JsonObject> resources) {
    if (type.equals("Patient") && request.getParam("_id") == null) {
      return List.of(patient(sourceId + "-patient", NHS));
    }
    Set<String> ids = request.getParam("_id") == null ? null : Set.copyOf(Arrays.asList(request.getParam("_id").split(",")));
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject resource : resources) {
      if (type.equals(resource.getString("resourceType")) && (ids == null || ids.contains(resource.getString("id")))) {
        out.add(resource);
      }
    }
    return out;
  }

  // Resources.

  public static JsonObject searchset(List<JsonObject> resources) {
    JsonArray entries = new JsonArray();
    resources.forEach(r -> entries.add(new JsonObject().put("resource", r).put("search", new JsonObject().put("mode", "match"))));
    return new JsonObject().put("resourceType", "Bundle").put("type", "searchset").put("total", resources.size())
        .put("entry", entries);
  }

  public static JsonObject searchset(JsonObject... resources) {
    return searchset(List.of(resources));
  }

  public static JsonObject patient(String id, String nhs) {
    JsonObject patient = new JsonObject().put("resourceType", "Patient").put("id", id).put("birthDate", "1950-01-01");
    return nhs == null ? patient : patient.put("identifier", new JsonArray().add(nhsIdentifier(nhs)));
  }

  public static JsonObject nhsIdentifier(String nhs) {
    return new JsonObject().put("system", NHS_SYSTEM).put("value", nhs);
  }

  public static JsonObject ref(String reference) {
    return new JsonObject().put("reference", reference);
  }

  public static JsonObject byNhsNumber(String nhs) {
    return new JsonObject().put("type", "Patient").put("identifier", nhsIdentifier(nhs));
  }

  public static JsonObject coded(String code, String display) {
    return new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("system", SNOMED).put("code", code)
        .put("display", display)));
  }

  public static JsonObject condition(String id, String patientReference, String code) {
    return new JsonObject().put("resourceType", "Condition").put("id", id)
        .put("subject", ref(patientReference))
        .put("code", coded(code, code.equals(HIV) ? "Human immunodeficiency virus infection" : "Hypertensive disorder"));
  }

  public static JsonObject medicationFor(String id, String patientReference, String conditionReference) {
    return new JsonObject().put("resourceType", "MedicationRequest").put("id", id).put("status", "active")
        .put("intent", "order").put("subject", ref(patientReference))
        .put("medicationCodeableConcept", coded("322236009", "Paracetamol 500mg tablets"))
        .put("reasonReference", new JsonArray().add(ref(conditionReference)));
  }

  public static JsonObject encounter(String id, String patientReference) {
    return new JsonObject().put("resourceType", "Encounter").put("id", id).put("status", "finished")
        .put("class", new JsonObject().put("code", "AMB")).put("subject", ref(patientReference));
  }
}
