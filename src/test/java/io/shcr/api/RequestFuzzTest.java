package io.shcr.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.shcr.audit.AuditEntry;
import io.shcr.support.AuditTrailFiles;
import io.shcr.support.DemoNetwork;
import io.shcr.support.LogCapture;
import io.shcr.support.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing in the build: a few thousand generated, mostly malformed requests ({@link MalformedRequests})
 * sent raw over sockets to every route of the demo as {@code serve} wires it. Every answer must keep
 * the error contract (no 5xx; X-Request-Id of our own; no-store; errors as OperationOutcome with a
 * stable code and the request id; WWW-Authenticate on 401; Allow on 405), nothing may be logged as an
 * error or with a stack trace, every refusal must be in the audit trail (one by one, or counted in a
 * summary of refusals without a valid token), and the service must be healthy afterwards.
 *
 * <p>{@code -Dshcr.fuzz.seed=...} replays a run; {@code -Dshcr.fuzz.requests=...} changes its size.
 */
class RequestFuzzTest {

  private static final long SEED = Long.getLong("shcr.fuzz.seed", 20261201L);
  private static final int REQUESTS = Integer.getInteger("shcr.fuzz.requests", 3000);
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern CODE = Pattern.compile("[A-Z][A-Z_]+");
  private static final Set<String> UNAUDITED_PATHS = Set.of("/health/live", "/health/ready", "/fhir/metadata", "/openapi.json");

  private static Vertx vertx;
  private static DemoNetwork network;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    network = DemoNetwork.start(vertx, true).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    network.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private record Exchange(MalformedRequests.Request request, RawHttp.Response response, long ms) {}

  @Test
  void malformedRequestsGetNo5xxKeepTheErrorContractAreAllAuditedAndLeaveTheServiceHealthy() throws Exception {
    int port = network.service.port();
    Map<String, String> tokens = new LinkedHashMap<>();
    for (String persona : List.of("ed-doctor", "social-worker", "receptionist", "privacy-officer", "not-live-council")) {
      tokens.put(persona, network.token(persona));
    }
    MalformedRequests generator = new MalformedRequests(SEED, tokens, port);
    List<MalformedRequests.Request> requests = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      requests.add(generator.next());
    }

    warmUp(port);
    long started = System.nanoTime();
    List<Exchange> exchanges = new ArrayList<>();
    try (LogCapture logs = LogCapture.attach()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<Exchange>> sent = new ArrayList<>();
      for (MalformedRequests.Request request : requests) {
        sent.add(pool.submit(() -> {
          long begun = System.nanoTime();
          RawHttp.Response response = RawHttp.exchange(port, request.bytes(), request.answerRequired() ? 20_000 : 1_000, request.head());
          return new Exchange(request, response, (System.nanoTime() - begun) / 1_000_000);
        }));
      }
      for (Future<Exchange> exchange : sent) {
        exchanges.add(exchange.get(60, TimeUnit.SECONDS));
      }
      pool.shutdown();
      // Known, and not the request path's: the source client resets its calls when a view is refused or
      // cancelled without an exception handler on them, so Vert.x logs "Stream reset" at ERROR (io.shcr.sources).
      List<ILoggingEvent> errors = logs.atLeast(Level.ERROR).stream().filter(e -> !sourceCallReset(e)).toList();
      List<ILoggingEvent> traces = logs.withStackTraces().stream().filter(e -> !sourceCallReset(e)).toList();
      assertThat(errors).as("nothing a client sends is logged as an error").extracting(ILoggingEvent::getFormattedMessage).isEmpty();
      assertThat(traces).as("nothing a client sends logs a stack trace")
          .extracting(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).isEmpty();
    }
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    exchanges.stream().sorted((a, b) -> Long.compare(b.ms(), a.ms())).limit(Integer.getInteger("shcr.fuzz.slowest", 0))
        .forEach(e -> System.out.println("slow: " + e.ms() + " ms " + e.response().status() + " " + describe(e.request())));

    Map<Integer, Integer> byStatus = new TreeMap<>();
    List<String> violations = new ArrayList<>();
    int unanswered = 0;
    for (Exchange exchange : exchanges) {
      RawHttp.Response response = exchange.response();
      byStatus.merge(response.status(), 1, Integer::sum);
      if (response.status() < 0) {
        if (exchange.request().answerRequired()) {
          violations.add("no answer (" + response.problem() + ") to " + describe(exchange.request()));
        } else {
          unanswered++;
        }
        continue;
      }
      if (response.status() == 101) {
        violations.add("switched protocols (" + response.header("Upgrade") + ") for " + describe(exchange.request()));
        continue;
      }
      violations.addAll(contract(exchange));
    }
    assertThat(violations.stream().limit(20).toList()).as("contract violations (seed " + SEED + "; " + violations.size()
        + " in all), first 20").isEmpty();

    // Healthy afterwards: alive, and a real record still streams.
    RawHttp.Response live = RawHttp.exchange(port, ("GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII), 5_000, false);
    assertThat(live.status()).isEqualTo(200);
    RawHttp.Response record = RawHttp.exchange(port, ("GET /api/v1/patients/9990000018/record HTTP/1.1\r\nHost: x\r\n"
        + "Accept: application/json\r\nAuthorization: Bearer " + network.token("social-worker") + "\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII), 20_000, false);
    assertThat(record.status()).as(record.bodyText()).isEqualTo(200);
    assertThat(new JsonObject(record.bodyText()).getJsonArray("sources")).isNotEmpty();

    // Every refusal sent is in the trail: recorded one by one, or counted in a summary.
    network.closeService().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    List<AuditEntry> accesses = AuditTrailFiles.accesses(network.auditDir());
    Set<String> recorded = new HashSet<>();
    long summarised = 0;
    for (AuditEntry entry : accesses) {
      JsonObject summary = entry.data().getJsonObject("summary");
      if (summary != null) {
        summarised += summary.getLong("count");
      } else {
        recorded.add(entry.requestId());
      }
    }
    int refusals = 0;
    long refusalsRecorded = 0;
    List<String> unaudited = new ArrayList<>();
    for (Exchange exchange : exchanges) {
      RawHttp.Response response = exchange.response();
      if (response.status() < 0 || response.status() == 101) {
        continue;
      }
      String id = response.header("X-Request-Id");
      if (response.status() >= 400 || signInRefused(response)) {
        refusals++;
        if (recorded.contains(id)) {
          refusalsRecorded++;
        }
      } else if (!recorded.contains(id) && !UNAUDITED_PATHS.contains(pathOf(exchange.request())) && !viewerFileOrSignInStart(response)) {
        unaudited.add(response.status() + " to " + describe(exchange.request()));
      }
    }
    System.out.printf("Request fuzz: %d requests in %d ms (seed %d), answers by status %s (-1: no answer to a request"
        + " that never ended: %d); refusals sent %d, audited %d (%d one by one, %d counted in summaries)%n",
        REQUESTS, elapsedMs, SEED, byStatus, unanswered, refusals, refusalsRecorded + summarised, refusalsRecorded, summarised);
    assertThat(byStatus.keySet()).as("no 5xx").allMatch(status -> status < 500);
    assertThat(unaudited).as("answers to API routes that were not audited").isEmpty();
    // A summary counts without ids, and a request that never ended may be refused (and audited) with nobody left to answer.
    assertThat(refusalsRecorded + summarised).as("refusals audited (one by one or summarised) against refusals sent")
        .isBetween((long) refusals, (long) refusals + unanswered);
  }

  /** The viewer's sign-in callback refusing (no sign-in of this browser's): audited like any refusal, maybe summarised. */
  private static boolean signInRefused(RawHttp.Response response) {
    return response.status() == 303 && "/?signin=failed".equals(response.header("Location"));
  }

  /**
   * Not audited by design: the viewer's page and its files (no personal data, like the health probes), and
   * the start of a sign-in (a redirect to the identity provider; nothing is decided until the callback, which is audited).
   */
  private static boolean viewerFileOrSignInStart(RawHttp.Response response) {
    String type = response.header("Content-Type");
    boolean file = response.status() == 200 && type != null && type.matches("(text/html|text/css|text/javascript|image/svg\\+xml).*");
    boolean signInStart = response.status() == 303 && response.header("Location") != null
        && response.header("Location").contains("/idp/authorize?response_type=code");
    return file || signInStart;
  }

  private static boolean sourceCallReset(ILoggingEvent event) {
    return event.getLoggerName().equals("io.vertx.core.http.impl.HttpClientRequestImpl")
        && event.getFormattedMessage().startsWith("Stream reset");
  }

  /**
   * A few ordinary requests first, so that the run measures the service rather than a cold JVM (on a
   * starved machine a cold start can push a Spine lookup past its deadline: a correct 503, but noise).
   */
  private static void warmUp(int port) {
    for (int i = 0; i < 5; i++) {
      for (String persona : List.of("ed-doctor", "social-worker")) {
        RawHttp.exchange(port, ("GET /api/v1/patients/9990000034/record HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n"
            + "Authorization: Bearer " + network.token(persona) + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
            20_000, false);
      }
    }
  }

  /** What a response must be, whatever the request. */
  private static List<String> contract(Exchange exchange) {
    RawHttp.Response response = exchange.response();
    MalformedRequests.Request request = exchange.request();
    List<String> problems = new ArrayList<>();
    String id = response.header("X-Request-Id");
    if (response.status() >= 500) {
      problems.add("status " + response.status() + " " + abbreviate(response.bodyText()));
    }

    // Ours (a UUID), or the client's own when it is a safe token (issue 16); never anything else it sent.
    boolean keptSafe = id != null && id.equals(request.sentRequestId()) && id.matches("[A-Za-z0-9._-]{1,64}");
    if (id == null || !(UUID.matcher(id).matches() || keptSafe)) {
      problems.add("X-Request-Id " + id);
    }
    if (!"no-store".equals(response.header("Cache-Control"))) {
      problems.add("Cache-Control " + response.header("Cache-Control"));
    }
    if (response.status() >= 400) {
      if (response.status() == 401 && (response.header("WWW-Authenticate") == null || !response.header("WWW-Authenticate").startsWith("Bearer"))) {
        problems.add("401 without a Bearer challenge");
      }
      if (response.status() == 405 && (response.header("Allow") == null || response.header("Allow").isBlank())) {
        problems.add("405 without Allow");
      }
      if (!request.head()) {
        problems.addAll(operationOutcome(response, id));
      }
    }
    return problems.stream().map(p -> p + ": " + response.statusLine() + " to " + describe(request)).toList();
  }

  private static List<String> operationOutcome(RawHttp.Response response, String id) {
    List<String> problems = new ArrayList<>();
    if (response.header("Content-Type") == null || !response.header("Content-Type").startsWith("application/fhir+json")) {
      problems.add("Content-Type " + response.header("Content-Type"));
    }
    try {
      JsonObject outcome = new JsonObject(response.bodyText());
      String code = outcome.getJsonArray("issue").getJsonObject(0).getJsonObject("details").getJsonArray("coding")
          .getJsonObject(0).getString("code");
      if (!"OperationOutcome".equals(outcome.getString("resourceType")) || code == null || !CODE.matcher(code).matches()) {
        problems.add("not an OperationOutcome with a stable code: " + abbreviate(response.bodyText()));
      }
      if (!outcome.getString("id", "").equals(id)) {
        problems.add("OperationOutcome id " + outcome.getString("id") + " is not the X-Request-Id");
      }
    } catch (RuntimeException e) {
      problems.add("body is not an OperationOutcome: " + abbreviate(response.bodyText()));
    }
    return problems;
  }

  private static String pathOf(MalformedRequests.Request request) {
    String line = new String(request.bytes(), StandardCharsets.ISO_8859_1).split("\r?\n", 2)[0];
    String[] parts = line.split(" ");
    if (parts.length < 2) {
      return "";
    }
    int q = parts[1].indexOf('?');
    String path = q < 0 ? parts[1] : parts[1].substring(0, q);
    // As the router matches it: an absolute-form target's path, double slashes collapsed.
    path = path.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", "");
    return path.replaceAll("/{2,}", "/");
  }

  private static String describe(MalformedRequests.Request request) {
    String sent = escape(request.bytes()).replaceAll("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*", "<token>");
    return request.description() + " <<" + abbreviate(sent) + ">>";
  }

  private static String escape(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c == '\r') {
        out.append("\\r");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c < 0x20 || c >= 0x7f) {
        out.append(String.format("\\x%02x", c));
      } else {
        out.append((char) c);
      }
    }
    return out.toString();
  }

  private static String abbreviate(String text) {
    return text.length() > 600 ? text.substring(0, 600) + "...(" + text.length() + " chars)" : text;
  }
}
