package io.shcr.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.TokenVariants.Variant;
import io.shcr.access.token.TokenProblem;
import io.shcr.support.DemoNetwork;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every token variant ({@link TokenVariants}) against every route that needs a token, on the demo as
 * {@code serve} wires it: each refused one is 401 {@code UNAUTHORISED}, an OperationOutcome with the RFC 6750
 * challenge naming exactly its problem, and no route lets it through; each accepted one gets the route's
 * ordinary answer. The service is configured with a 4,096-character token limit so an oversized token fits
 * under the HTTP server's own header limit.
 */
class TokenMatrixTest {

  /** A route that needs a token, the persona whose token it is tried with, and its answer to that persona. */
  private record Route(String name, HttpMethod method, String path, String persona, JsonObject body, int allowed) {}

  private static final String JUSTIFICATION = "Unconscious in the emergency department, no recorded relationship";
  private static final List<Route> ROUTES = List.of(
      new Route("record", HttpMethod.GET, "/api/v1/patients/9990000018/record?sources=RXN&sections=demographics,alerts", "ed-doctor", null, 200),
      new Route("break-glass", HttpMethod.POST, "/api/v1/patients/9990000042/break-glass", "ed-doctor",
          new JsonObject().put("reasonCode", "urgent-clinical-need").put("justification", JUSTIFICATION), 201),
      new Route("sources", HttpMethod.GET, "/api/v1/sources", "ed-doctor", null, 200),
      new Route("audit events", HttpMethod.GET, "/api/v1/audit/events?patient=9990000018", "privacy-officer", null, 200),
      new Route("audit FHIR export", HttpMethod.GET, "/api/v1/audit/AuditEvent", "privacy-officer", null, 200),
      new Route("audit alerts", HttpMethod.GET, "/api/v1/audit/alerts", "privacy-officer", null, 200),
      new Route("audit acknowledge", HttpMethod.POST, "/api/v1/audit/alerts/999999999/acknowledge", "privacy-officer",
          new JsonObject().put("note", "reviewed"), 404));

  private static Vertx vertx;
  private static DemoNetwork demo;
  private static WebClient client;
  private static final int IN_FLIGHT = 48;
  private static List<Variant> variants;
  private static Map<Variant, List<HttpResponse<Buffer>>> answers;
  private static final Map<TokenProblem, AtomicInteger> REFUSED = new EnumMap<>(TokenProblem.class);
  private static final AtomicInteger ACCEPTED = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    demo = await(DemoNetwork.start(vertx, true, dir -> DemoNetwork.replace(dir.resolve("access-policy.yaml"),
        "maxTokenLength: 8192", "maxTokenLength: 4096")));
    client = WebClient.create(vertx);
    variants = new TokenVariants(demo.configDir).all();
    answers = sendAll();
  }

  /**
   * Every variant on every route, sent up front with {@value #IN_FLIGHT} requests in flight: the audit trail
   * syncs each write to disk, and concurrent requests share a sync where one after another would each wait
   * for theirs.
   */
  private static Map<Variant, List<HttpResponse<Buffer>>> sendAll() {
    List<Map.Entry<Variant, Route>> calls = variants.stream()
        .flatMap(v -> ROUTES.stream().map(r -> Map.entry(v, r))).toList();
    List<Promise<HttpResponse<Buffer>>> answered = calls.stream().map(c -> Promise.<HttpResponse<Buffer>>promise()).toList();
    AtomicInteger next = new AtomicInteger();
    for (int i = 0; i < IN_FLIGHT; i++) {
      vertx.runOnContext(v -> sendNext(calls, answered, next));
    }
    await(Future.join(answered.stream().map(Promise::future).toList()));
    Map<Variant, List<HttpResponse<Buffer>>> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < calls.size(); i++) {
      out.computeIfAbsent(calls.get(i).getKey(), v -> new ArrayList<>()).add(answered.get(i).future().result());
    }
    return out;
  }

  private static void sendNext(List<Map.Entry<Variant, Route>> calls, List<Promise<HttpResponse<Buffer>>> answered,
      AtomicInteger next) {
    int i = next.getAndIncrement();
    if (i >= calls.size()) {
      return;
    }
    Route route = calls.get(i).getValue();
    send(route, calls.get(i).getKey().authorization().apply(TokenVariants.claimsOf(demo.token(route.persona()))))
        .onComplete(done -> {
          answered.get(i).handle(done);
          sendNext(calls, answered, next);
        });
  }

  @AfterAll
  static void stop() {
    int refused = REFUSED.values().stream().mapToInt(AtomicInteger::get).sum();
    System.out.println("Token matrix: " + variants.size() + " variants x " + ROUTES.size() + " routes: " + refused
        + " refused 401 as expected, " + ACCEPTED.get() + " accepted as expected; by problem " + REFUSED);
    await(demo.close());
    await(vertx.close());
  }

  @Test
  void theMatrixCoversWhatTheProbeDid() {
    assertThat(variants).hasSizeGreaterThanOrEqualTo(108);
    assertThat(variants.stream().map(Variant::refusal).filter(java.util.Objects::nonNull).distinct())
        .as("every problem is exercised").containsExactlyInAnyOrder(TokenProblem.values());
    assertThat(variants.stream().filter(v -> v.refusal() == null).count()).as("accepted variants").isGreaterThanOrEqualTo(15);
  }

  @TestFactory
  Stream<DynamicTest> everyVariantOnEveryRoute() {
    return variants.stream().map(variant -> DynamicTest.dynamicTest(variant.toString(), () -> {
      List<String> wrong = new ArrayList<>();
      for (int i = 0; i < ROUTES.size(); i++) {
        Route route = ROUTES.get(i);
        HttpResponse<Buffer> response = answers.get(variant).get(i);
        String problem = variant.refusal() == null ? accepted(route, response) : refused(variant.refusal(), response);
        if (problem != null) {
          wrong.add(route.name() + ": " + problem);
        }
      }
      assertThat(wrong).as(variant.name()).isEmpty();
      if (variant.refusal() == null) {
        ACCEPTED.addAndGet(ROUTES.size());
      } else {
        REFUSED.computeIfAbsent(variant.refusal(), p -> new AtomicInteger()).addAndGet(ROUTES.size());
      }
    }));
  }

  /** Why the response is not the refusal expected, or null when it is. */
  private static String refused(TokenProblem expected, HttpResponse<Buffer> response) {
    String challenge = response.getHeader("WWW-Authenticate");
    String wanted = expected == TokenProblem.MISSING ? "Bearer realm=\"shcr\""
        : "Bearer realm=\"shcr\", error=\"invalid_token\", error_description=\"" + expected.description() + "\"";
    if (response.statusCode() != 401) {
      return "status " + response.statusCode() + " " + response.bodyAsString();
    }
    if (!wanted.equals(challenge)) {
      return "challenge " + challenge + " (wanted " + wanted + "); " + response.bodyAsString();
    }
    JsonObject outcome = response.bodyAsJsonObject();
    String code = outcome.getJsonArray("issue").getJsonObject(0).getJsonObject("details").getJsonArray("coding").getJsonObject(0)
        .getString("code");
    if (!"OperationOutcome".equals(outcome.getString("resourceType")) || !"UNAUTHORISED".equals(code)
        || response.getHeader("X-Request-Id") == null || !"no-store".equals(response.getHeader("Cache-Control"))) {
      return "not the error contract: " + response.headers() + " " + response.bodyAsString();
    }
    return null;
  }

  private static String accepted(Route route, HttpResponse<Buffer> response) {
    if (response.statusCode() != route.allowed() || response.getHeader("WWW-Authenticate") != null) {
      return "status " + response.statusCode() + " (wanted " + route.allowed() + ") " + response.bodyAsString();
    }
    return null;
  }

  private static Future<HttpResponse<Buffer>> send(Route route, List<String> authorization) {
    HttpRequest<Buffer> request = client.request(route.method(), demo.service.port(), "127.0.0.1", route.path())
        .putHeader("Accept", "application/json");
    if (!authorization.isEmpty()) {
      request.putHeader("Authorization", authorization);
    }
    return route.body() == null ? request.send() : request.sendJsonObject(route.body());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
