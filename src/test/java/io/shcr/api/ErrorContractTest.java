package io.shcr.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.audit.AuditEntry;
import io.shcr.support.AuditTrailFiles;
import io.shcr.support.DemoNetwork;
import io.shcr.support.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One error contract for every response the server writes, Vert.x's own refusals included, and every
 * refusal audited with what arrived (sanitised), before the query or body is interpreted: on the demo
 * as {@code serve} wires it, over raw sockets.
 */
class ErrorContractTest {

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

  private static RawHttp.Response send(String request) {
    return send(request.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static RawHttp.Response send(byte[] request) {
    return RawHttp.exchange(network.service.port(), request, 20_000, false);
  }

  private static String get(String target, String... headers) {
    return "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + String.join("", java.util.Arrays.stream(headers).map(h -> h + "\r\n").toList())
        + "Connection: close\r\n\r\n";
  }

  private static String bearer(String persona) {
    return "Authorization: Bearer " + network.token(persona);
  }

  /** The contract every error keeps; returns the stable code. */
  private static String refused(RawHttp.Response response, int status) {
    assertThat(response.status()).as(response.statusLine() + " " + response.bodyText()).isEqualTo(status);
    assertThat(response.header("X-Request-Id")).matches("[0-9a-f-]{36}");
    assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    assertThat(response.header("Content-Type")).startsWith("application/fhir+json");
    JsonObject outcome = new JsonObject(response.bodyText());
    assertThat(outcome.getString("resourceType")).isEqualTo("OperationOutcome");
    assertThat(outcome.getString("id")).isEqualTo(response.header("X-Request-Id"));
    return outcome.getJsonArray("issue").getJsonObject(0).getJsonObject("details").getJsonArray("coding").getJsonObject(0)
        .getString("code");
  }

  private static JsonObject audited(RawHttp.Response response) {
    String id = response.header("X-Request-Id");
    return AuditTrailFiles.accesses(network.auditDir()).stream().filter(e -> id.equals(e.requestId())).findFirst()
        .map(AuditEntry::data).orElseThrow(() -> new AssertionError("no audit record for request " + id));
  }

  @Test
  void anUndecodableQueryIsA400AuditedAsUnparseableEvenWithoutAToken() {
    RawHttp.Response response = send(get("/api/v1/audit/events?%ZZ&patient=9990000018"));
    assertThat(refused(response, 400)).isEqualTo("INVALID_PARAMETER");
    JsonObject record = audited(response);
    assertThat(record.getString("action")).isEqualTo("audit.search");
    assertThat(record.getString("outcome")).isEqualTo("refused");
    assertThat(record.getValue("principal")).isNull();
    assertThat(record.getJsonObject("request").getString("query")).isEqualTo("unparseable");
    assertThat(record.getJsonObject("request").getInteger("status")).isEqualTo(400);

    RawHttp.Response officer = send(get("/api/v1/audit/events?from=%E2%82", bearer("privacy-officer")));
    assertThat(refused(officer, 400)).isEqualTo("INVALID_PARAMETER");
    assertThat(audited(officer).getJsonObject("principal").getString("jobRole")).as("attributed when the token is valid")
        .isEqualTo("R0001");
  }

  @Test
  void aKnownPathWithTheWrongMethodIs405WithAllowAndAudited() {
    RawHttp.Response response = send("DELETE /api/v1/patients/9990000018/record HTTP/1.1\r\nHost: x\r\n" + bearer("ed-doctor")
        + "\r\nConnection: close\r\n\r\n");
    assertThat(refused(response, 405)).isEqualTo("METHOD_NOT_ALLOWED");
    assertThat(response.header("Allow")).isEqualTo("GET");
    JsonObject record = audited(response);
    assertThat(record.getString("action")).isEqualTo("record.view");
    assertThat(record.getString("nhsNumber")).isEqualTo("9990000018");
    assertThat(record.getJsonObject("principal").getString("userId")).isNotBlank();
    assertThat(record.getJsonObject("request").getString("method")).isEqualTo("DELETE");

    RawHttp.Response dotted = send("PUT /api/./v1/audit/../audit/alerts HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(refused(dotted, 405)).isEqualTo("METHOD_NOT_ALLOWED");
    assertThat(dotted.header("Allow")).as("the path as the router matches it").isEqualTo("GET");
  }

  @Test
  void anAcceptWeCannotServeIs406() {
    RawHttp.Response response = send(get("/api/v1/patients/9990000018/record", "Accept: application/xml", bearer("ed-doctor")));
    assertThat(refused(response, 406)).isEqualTo("NOT_ACCEPTABLE");
    assertThat(audited(response).getString("refusalCode")).isEqualTo("NOT_ACCEPTABLE");
    assertThat(send(get("/api/v1/sources", "Accept: text/html", bearer("ed-doctor"))).status()).isEqualTo(406);
  }

  @Test
  void aNonJsonOrOversizedBreakGlassBodyIsRefusedAndAuditedAsABreakGlass() {
    String plain = "POST /api/v1/patients/9990000042/break-glass HTTP/1.1\r\nHost: x\r\n" + bearer("ed-doctor")
        + "\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
    RawHttp.Response response = send(plain);
    assertThat(refused(response, 415)).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
    JsonObject record = audited(response);
    assertThat(record.getString("action")).isEqualTo("break-glass");
    assertThat(record.getString("nhsNumber")).isEqualTo("9990000042");

    String big = "{\"reasonCode\":\"emergency-treatment\",\"justification\":\"" + "x".repeat(20_000) + "\"}";
    RawHttp.Response tooBig = send("POST /api/v1/patients/9990000042/break-glass HTTP/1.1\r\nHost: x\r\n" + bearer("ed-doctor")
        + "\r\nContent-Type: application/json\r\nContent-Length: " + big.length() + "\r\nConnection: close\r\n\r\n" + big);
    assertThat(refused(tooBig, 413)).isEqualTo("PAYLOAD_TOO_LARGE");
    assertThat(audited(tooBig).getString("action")).isEqualTo("break-glass");
  }

  @Test
  void whatTheHttpCodecRefusesKeepsTheContractToo() {
    assertThat(refused(send(get("/" + "a".repeat(5000))), 414)).isEqualTo("URI_TOO_LONG");
    assertThat(refused(send(get("/health/live", "X-Big: " + "b".repeat(9000))), 431)).isEqualTo("HEADERS_TOO_LARGE");
    assertThat(refused(send("GET /health/live HTTP/2.0\r\nHost: x\r\n\r\n"), 400)).isEqualTo("UNSUPPORTED_HTTP_VERSION");
    assertThat(refused(send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 400)).as("h2c prior knowledge").isEqualTo("UNSUPPORTED_HTTP_VERSION");
    assertThat(refused(send("GET /health/live\r\n\r\n"), 400)).isEqualTo("BAD_REQUEST");
    assertThat(refused(send("GET /health/live HTTP/1.1\r\nConnection: close\r\n\r\n"), 400)).as("no Host").isEqualTo("BAD_REQUEST");
    RawHttp.Response version = send("GET /api/v1/sources HTTP/2.0\r\nHost: x\r\n\r\n");
    assertThat(audited(version).getJsonObject("request").getString("path")).as("a parsed request line is recorded").isEqualTo("/api/v1/sources");
    RawHttp.Response junk = send("\u0001\u0002 junk\r\n\r\n");
    refused(junk, 400);
    assertThat(audited(junk).getJsonObject("request").getString("path")).isEqualTo("(not parsed)");
    RawHttp.Response newerMinor = send("GET /health/live HTTP/1.2\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(newerMinor.status()).as("HTTP/1.2 is served as HTTP/1.1 (RFC 9112 2.3)").isEqualTo(200);
  }

  @Test
  void every401ChallengesAndAnUnsafeClientRequestIdIsReplaced() {
    RawHttp.Response response = send(get("/api/v1/sources", "X-Request-Id: mine 123;<x>", "Authorization: Bearer not.a.token"));
    assertThat(refused(response, 401)).isEqualTo("UNAUTHORISED");
    assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(response.header("X-Request-Id")).doesNotContain("mine");
    RawHttp.Response kept = send(get("/api/v1/sources", "X-Request-Id: mine-123", "Authorization: Bearer not.a.token"));
    assertThat(kept.header("X-Request-Id")).as("a safe token is kept (issue 16)").isEqualTo("mine-123");
    assertThat(audited(response).getString("action")).isEqualTo("sources.list");
    assertThat(send(get("/api/v1/patients/9990000018/record")).header("WWW-Authenticate")).startsWith("Bearer");
  }

  @Test
  void theSourcesListIsAuditedAndUnknownRoutesAreRefusedAndAudited() {
    RawHttp.Response listed = send(get("/api/v1/sources", bearer("ed-doctor")));
    assertThat(listed.status()).isEqualTo(200);
    JsonObject record = audited(listed);
    assertThat(record.getString("action")).isEqualTo("sources.list");
    assertThat(record.getString("outcome")).isEqualTo("allowed");

    RawHttp.Response unknown = send(get("/api/v1/nothing-here?x=1", "User-Agent: evil\u00ff agent " + "u".repeat(300)));
    assertThat(refused(unknown, 404)).isEqualTo("NOT_FOUND");
    JsonObject refusal = audited(unknown);
    assertThat(refusal.getString("action")).isEqualTo("request");
    assertThat(refusal.getJsonObject("request").getString("query")).isEqualTo("names:x");
    assertThat(refusal.getString("userAgent")).as("sanitised and cut").startsWith("evil? agent uuu").endsWith("[cut: 112 more]");
  }
}
