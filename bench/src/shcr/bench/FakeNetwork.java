package shcr.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The upstream side of the benchmark: {@code sources} fake FHIR R4 sources, each holding the same
 * {@link #patients} ten patients, answering a {@code Patient?identifier=} search after its own latency
 * (spread evenly from {@code minMs} to {@code maxMs}: source 0 is the fastest), plus a fake Spine
 * (consent search: no objection; PDS read: not restricted) answering after {@code spineMs}. Source ids are
 * {@link #sourceId}: the user's own organisation RXN is source {@value #OWN_INDEX}. Each source listens on its own
 * port, {@link #sourcePort} ({@code port + 20 + index}), as real sources are distinct hosts: an HTTP client pools
 * connections per host and port, so sources behind one port would share one pool and cap each other. Spine
 * and the admin route are on {@code port}; a source's paths keep its id as a prefix ({@code /B00/Patient}).
 *
 * <p>{@code GET /admin/hold?ms=N} makes every source but RXN answer after N ms from then on (the
 * 10,000-stream hold: views stay open with their upstream calls pending); {@code ms=0} ends that.
 *
 * <p>Usage: {@code FakeNetwork port [sources=20] [minMs=10] [maxMs=600] [spineMs=20]}
 */
public final class FakeNetwork {

  static final int OWN_INDEX = 3;
  static final String NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

  /** Ten valid NHS numbers (Modulus 11) in the 999 test range. */
  static List<String> patients() {
    List<String> out = new ArrayList<>();
    for (long base = 999_000_001L; out.size() < 10; base++) {
      String nine = Long.toString(base);
      int sum = 0;
      for (int i = 0; i < 9; i++) {
        sum += (nine.charAt(i) - '0') * (10 - i);
      }
      int check = 11 - sum % 11;
      if (check == 11) {
        check = 0;
      }
      if (check != 10) {
        out.add(nine + check);
      }
    }
    return out;
  }

  static String sourceId(int index) {
    return index == OWN_INDEX ? "RXN" : String.format("B%02d", index);
  }

  /** Where source {@code index} listens when the network's own port is {@code port}. */
  static int sourcePort(int port, int index) {
    return port + 20 + index;
  }

  static long latencyMs(int index, int sources, long minMs, long maxMs) {
    return sources <= 1 ? minMs : minMs + (maxMs - minMs) * index / (sources - 1);
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int sources = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    long minMs = args.length > 2 ? Long.parseLong(args[2]) : 10;
    long maxMs = args.length > 3 ? Long.parseLong(args[3]) : 600;
    long spineMs = args.length > 4 ? Long.parseLong(args[4]) : 20;
    Vertx vertx = Vertx.vertx();
    Map<String, Long> latency = new ConcurrentHashMap<>();
    Map<String, String> bodies = new ConcurrentHashMap<>();
    List<String> nhs = patients();
    for (int i = 0; i < sources; i++) {
      String id = sourceId(i);
      latency.put(id, latencyMs(i, sources, minMs, maxMs));
      for (int p = 0; p < nhs.size(); p++) {
        bodies.put(id + "|" + nhs.get(p), searchset(id, patient(id, p, nhs.get(p))).encode());
      }
      bodies.put(id + "|", searchset(id, null).encode());
    }
    java.util.concurrent.atomic.AtomicLong holdMs = new java.util.concurrent.atomic.AtomicLong();
    String emptyBundle = searchset("spine", null).encode();
    io.vertx.core.Handler<HttpServerRequest> handler = req -> {
      String[] path = req.path().split("/");
      if (path.length == 3 && "admin".equals(path[1])) {
        holdMs.set(Long.parseLong(req.getParam("ms", "0")));
        req.response().end("hold " + holdMs.get() + "\n");
      } else if (path.length >= 3 && "spine".equals(path[1])) {
        later(vertx, req, spineMs, "metadata".equals(path[2]) ? "{\"resourceType\":\"CapabilityStatement\",\"status\":\"active\"}"
            : "Consent".equals(path[2]) ? emptyBundle : spinePatient(path.length > 3 ? path[3] : "").encode());
      } else if (path.length == 3 && latency.containsKey(path[1])) {
        long ms = latency.get(path[1]);
        if (holdMs.get() > 0 && !"RXN".equals(path[1])) {
          ms = holdMs.get();
        }
        String body;
        if ("Patient".equals(path[2])) {
          String token = req.getParam("identifier", "");
          String number = token.startsWith(NHS_SYSTEM + "|") ? token.substring(NHS_SYSTEM.length() + 1) : "";
          body = bodies.getOrDefault(path[1] + "|" + number, bodies.get(path[1] + "|"));
        } else if ("metadata".equals(path[2])) {
          body = "{\"resourceType\":\"CapabilityStatement\",\"status\":\"active\",\"fhirVersion\":\"4.0.1\"}";
        } else {
          body = bodies.get(path[1] + "|");
        }
        later(vertx, req, ms, body);
      } else {
        req.response().setStatusCode(404).end();
      }
    };
    // One server per core on each port (Vert.x spreads a port's connections over them).
    List<Integer> ports = new ArrayList<>(List.of(port));
    for (int i = 0; i < sources; i++) {
      ports.add(sourcePort(port, i));
    }
    for (int p : ports) {
      for (int loop = 0; loop < Runtime.getRuntime().availableProcessors(); loop++) {
        vertx.createHttpServer(new HttpServerOptions().setAcceptBacklog(8192).setIdleTimeout(0))
            .requestHandler(handler).listen(p, "127.0.0.1").await();
      }
    }
    System.out.println("fake network on " + port + " (sources on " + sourcePort(port, 0) + "-" + sourcePort(port, sources - 1) + "): " + sources + " sources " + minMs + "-" + maxMs + " ms, Spine " + spineMs + " ms");
  }

  private static void later(Vertx vertx, HttpServerRequest req, long ms, String body) {
    long timer = vertx.setTimer(Math.max(1, ms), t -> {
      if (!req.response().closed()) {
        req.response().putHeader("content-type", "application/fhir+json").end(body);
      }
    });
    req.connection().closeHandler(v -> vertx.cancelTimer(timer));
  }

  static JsonObject patient(String source, int index, String nhsNumber) {
    return new JsonObject().put("resourceType", "Patient").put("id", "p" + index)
        .put("identifier", new JsonArray().add(new JsonObject().put("system", NHS_SYSTEM).put("value", nhsNumber))
            .add(new JsonObject().put("system", "https://" + source.toLowerCase() + ".bench.invalid/Id/mrn").put("value", source + "-" + (1000 + index))))
        .put("active", true)
        .put("name", new JsonArray().add(new JsonObject().put("use", "official").put("family", "Bench" + index)
            .put("given", new JsonArray().add("Pat"))))
        .put("gender", index % 2 == 0 ? "female" : "male")
        .put("birthDate", String.format("19%02d-0%d-1%d", 40 + index * 5, 1 + index % 9, index % 10));
  }

  static JsonObject spinePatient(String nhsNumber) {
    return new JsonObject().put("resourceType", "Patient").put("id", nhsNumber)
        .put("meta", new JsonObject().put("security", new JsonArray().add(new JsonObject()
            .put("system", "http://terminology.hl7.org/CodeSystem/v3-Confidentiality").put("code", "U"))))
        .put("identifier", new JsonArray().add(new JsonObject().put("system", NHS_SYSTEM).put("value", nhsNumber)));
  }

  static JsonObject searchset(String source, JsonObject patient) {
    JsonObject bundle = new JsonObject().put("resourceType", "Bundle").put("type", "searchset")
        .put("total", patient == null ? 0 : 1)
        .put("link", new JsonArray().add(new JsonObject().put("relation", "self").put("url", "http://bench.invalid/" + source)));
    JsonArray entries = new JsonArray();
    if (patient != null) {
      entries.add(new JsonObject().put("fullUrl", "http://bench.invalid/" + source + "/Patient/" + patient.getString("id"))
          .put("resource", patient).put("search", new JsonObject().put("mode", "match")));
    }
    return bundle.put("entry", entries);
  }
}
