package io.shcr.api;

import static io.shcr.audit.TestAudits.PATIENT_A;
import static io.shcr.audit.TestAudits.PATIENT_B;
import static io.shcr.audit.TestAudits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.audit.AuditLog;
import io.shcr.audit.AuditPage;
import io.shcr.audit.AuditQuery;
import io.shcr.audit.AuditReceipt;
import io.shcr.audit.ChainVerifier;
import io.shcr.audit.FileAuditStore;
import io.shcr.audit.TestAudits;
import io.shcr.audit.ViewOutcome;
import io.shcr.core.AccessRefusedException;
import io.shcr.access.Authenticator;
import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The privacy officer's API over a real HTTP server: only job role R0001, search and paging, alerts
 * with acknowledgement, the FHIR AuditEvent export, and every look at the audit audited in turn;
 * only officers of live participants, who see their own organisation's users unless region-wide;
 * newest first; never a client's request id. The test authenticator reads the bearer token as
 * {@code <job role>[@<organisation>]} (organisation X26, region-wide, by default).
 */
class AuditApiTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private AuditLog log;
  private HttpServer server;
  private WebClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    log = await(AuditLog.open(vertx, new FileAuditStore(vertx, dir.resolve("audit"), 1 << 20, TestAudits.KEY), 1000));
    Authenticator authenticator = header -> {
      String token = header.isEmpty() ? null : header.get(0);
      if (token == null || !token.startsWith("Bearer ")) {
        return Future.failedFuture(new AccessRefusedException(ErrorCode.UNAUTHORISED.error("a bearer token is required")));
      }
      String[] parts = token.substring(7).split("@");
      return Future.succeededFuture(TestAudits.principal("officer", parts.length > 1 ? parts[1] : "X26", parts[0]));
    };
    Router router = Router.router(vertx);
    new AuditApi(log, authenticator, Set.of("X26", "A81001", "RR8")::contains, Set.of("X26")).mount(router);
    server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() {
    await(server.close());
    await(log.close());
    await(vertx.close());
  }

  @Test
  void onlyAPrivacyOfficerMaySearchAndRefusalsAreAudited() {
    HttpResponse<Buffer> clinician = get("/api/v1/audit/events?patient=" + PATIENT_A, "R8000");
    assertThat(clinician.statusCode()).isEqualTo(403);
    assertThat(clinician.bodyAsString()).contains("ACCESS_DENIED");
    HttpResponse<Buffer> anonymous = get("/api/v1/audit/alerts", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);

    JsonArray events = get("/api/v1/audit/events", "R0001").bodyAsJsonObject().getJsonArray("events");
    assertThat(events).as("newest first").hasSize(3);
    assertThat(events.getJsonObject(2).getString("action")).isEqualTo("audit.search");
    assertThat(events.getJsonObject(2).getString("refusalCode")).isEqualTo("ACCESS_DENIED");
    assertThat(events.getJsonObject(2).getString("nhsNumber")).isNull();
    assertThat(events.getJsonObject(1).getString("refusalCode")).isEqualTo("UNAUTHORISED");
    assertThat(events.getJsonObject(1).getJsonObject("principal")).isNull();
    assertThat(events.getJsonObject(0).getString("outcome")).as("this search, audited before it ran").isEqualTo("allowed");
  }

  @Test
  void searchesByPatientWithPagingAndTheOutcomeOfEachView() {
    AuditReceipt first = await(log.recordAccess(TestAudits.view("r1", PATIENT_A, "alice", "A81001")));
    await(log.recordOutcome(first, new ViewOutcome("client-gone", Map.of("gp-a", "ok"), 4, 1, 300)));
    await(log.recordAccess(TestAudits.view("r2", PATIENT_B, "bob", "A81002")));
    await(log.recordAccess(TestAudits.view("r3", PATIENT_A, "carol", "A81001")));

    JsonObject page = get("/api/v1/audit/events?patient=943%20476%205919&pageSize=1&page=3", "R0001").bodyAsJsonObject();
    assertThat(page.getLong("total")).as("two views and this search").isEqualTo(3);
    JsonObject event = page.getJsonArray("events").getJsonObject(0);
    assertThat(event.getString("requestId")).isEqualTo("r1");
    assertThat(event.getJsonObject("principal").getString("userId")).isEqualTo("alice");
    assertThat(event.getJsonObject("view").getString("outcome")).isEqualTo("client-gone");

    AuditPage searches = await(log.store().search(AuditContractQueries.action()));
    assertThat(searches.entries()).anySatisfy(entry -> {
      assertThat(entry.data().getString("action")).isEqualTo("audit.search");
      assertThat(entry.data().getString("nhsNumber")).isEqualTo(PATIENT_A);
      assertThat(entry.data().getJsonObject("principal").getString("jobRole")).isEqualTo("R0001");
    });
    assertThat(get("/api/v1/audit/events?patient=1234567890", "R0001").statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/audit/events?from=yesterday", "R0001").statusCode()).isEqualTo(400);
  }

  @Test
  void alertsListBreakGlassAndThrottlingAndCanBeAcknowledged() {
    await(log.recordAccess(TestAudits.view("r1", PATIENT_A, "alice", "A81001")));
    AuditReceipt glass = await(log.recordAccess(TestAudits.breakGlass("r2", PATIENT_B, "bob")));
    await(log.recordAccess(TestAudits.throttled("r3", PATIENT_A, "carol")));

    JsonArray alerts = get("/api/v1/audit/alerts", "R0001").bodyAsJsonObject().getJsonArray("alerts");
    assertThat(alerts).hasSize(2);
    assertThat(alerts.getJsonObject(1).getString("alert")).isEqualTo("break-glass");
    assertThat(alerts.getJsonObject(0).getString("alert")).isEqualTo("throttled");
    assertThat(alerts.getJsonObject(1).getBoolean("acknowledged")).isFalse();

    HttpResponse<Buffer> ack = post("/api/v1/audit/alerts/" + glass.sequence() + "/acknowledge", new JsonObject().put("note", "reviewed"));
    assertThat(ack.statusCode()).isEqualTo(201);
    assertThat(post("/api/v1/audit/alerts/" + glass.sequence() + "/acknowledge", new JsonObject()).statusCode()).isEqualTo(200);
    assertThat(post("/api/v1/audit/alerts/1/acknowledge", new JsonObject()).statusCode()).isEqualTo(404);

    JsonObject acknowledged = get("/api/v1/audit/alerts", "R0001").bodyAsJsonObject().getJsonArray("alerts").getJsonObject(1);
    assertThat(acknowledged.getBoolean("acknowledged")).isTrue();
    assertThat(acknowledged.getJsonObject("acknowledgement").getString("note")).isEqualTo("reviewed");
    assertThat(await(ChainVerifier.verify(log.store())).intact()).isTrue();
  }

  @Test
  void exportsUkCoreShapedAuditEvents() {
    AuditReceipt view = await(log.recordAccess(TestAudits.view("r1", PATIENT_A, "alice", "A81001")));
    await(log.recordOutcome(view, new ViewOutcome("complete", Map.of("gp-a", "ok"), 7, 0, 120)));
    await(log.recordAccess(TestAudits.breakGlass("r2", PATIENT_A, "bob")));
    await(log.recordAccess(TestAudits.throttled("r3", PATIENT_A, "carol")));

    HttpResponse<Buffer> response = get("/api/v1/audit/AuditEvent?patient=" + PATIENT_A, "R0001");
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/fhir+json");
    JsonObject bundle = response.bodyAsJsonObject();
    assertThat(bundle.getString("type")).isEqualTo("searchset");
    assertThat(bundle.getLong("total")).as("three accesses and this export").isEqualTo(4);
    JsonObject viewed = resource(bundle, 3);
    assertThat(viewed.getJsonObject("type").getString("code")).isEqualTo("rest");
    assertThat(viewed.getJsonArray("subtype").getJsonObject(0).getString("code")).isEqualTo("read");
    assertThat(viewed.getString("action")).isEqualTo("R");
    assertThat(viewed.getJsonArray("entity").getJsonObject(1).getJsonObject("what").getJsonObject("identifier").getString("value"))
        .isEqualTo("r1");
    assertThat(bundle.getJsonArray("link").getJsonObject(0).getString("relation")).isEqualTo("self");
    assertThat(viewed.getString("outcome")).isEqualTo("0");
    assertThat(viewed.encode()).contains("\"code\":\"TREAT\"")
        .contains("https://fhir.nhs.uk/Id/sds-user-id").contains("https://fhir.nhs.uk/Id/sds-role-profile-id")
        .contains("https://fhir.nhs.uk/Id/ods-organization-code").contains("\"value\":\"A81001\"");
    assertThat(viewed.getJsonArray("entity").getJsonObject(0).getJsonObject("what").getJsonObject("identifier").getString("value"))
        .isEqualTo(PATIENT_A);
    JsonObject glass = resource(bundle, 2);
    assertThat(glass.getJsonObject("type").getString("code")).isEqualTo("110113");
    assertThat(glass.getJsonArray("subtype").getJsonObject(0).getString("code")).isEqualTo("110127");
    assertThat(resource(bundle, 0).getJsonObject("type").getString("code")).as("this export, the officer's own search").isEqualTo("110101");
    assertThat(glass.encode()).contains("\"code\":\"ETREAT\"");
    assertThat(resource(bundle, 1).getString("outcome")).isEqualTo("4");
    assertThat(get("/api/v1/audit/events?_format=fhir&patient=" + PATIENT_A, "R0001").bodyAsJsonObject().getLong("total")).isEqualTo(5);
  }

  @Test
  void theExportCarriesTheRequestsTraceIdBesideItsRequestId() {
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    await(log.recordAccess(TestAudits.view("r1", PATIENT_A, "alice", "A81001")
        .withRequest(new io.shcr.audit.RequestFacts("GET", "/api/v1/patients/" + PATIENT_A + "/record", "", 0, trace))));
    await(log.recordAccess(TestAudits.view("r2", PATIENT_A, "bob", "A81001")));
    JsonObject bundle = get("/api/v1/audit/AuditEvent?patient=" + PATIENT_A, "R0001").bodyAsJsonObject();
    JsonObject traced = resource(bundle, 2);
    assertThat(traced.getJsonArray("entity").stream().map(JsonObject.class::cast)
        .map(e -> e.getJsonObject("what").getJsonObject("identifier")))
        .anySatisfy(id -> {
          assertThat(id.getString("system")).isEqualTo("https://www.w3.org/TR/trace-context/");
          assertThat(id.getString("value")).isEqualTo(trace);
        });
    assertThat(resource(bundle, 1).encode()).as("a request without a trace id has no trace entity")
        .doesNotContain("trace-context");
  }

  @Test
  void aViewThatShowedNothingIsNotExportedAsASuccess() {
    AuditReceipt none = await(log.recordAccess(TestAudits.view("r1", PATIENT_A, "alice", "A81001")));
    await(log.recordOutcome(none, new ViewOutcome("no-relationship", Map.of(), 0, 0, 50)));
    AuditReceipt unavailable = await(log.recordAccess(TestAudits.view("r2", PATIENT_A, "alice", "A81001")));
    await(log.recordOutcome(unavailable, new ViewOutcome("relationship-unavailable", Map.of(), 0, 0, 50)));
    AuditReceipt failed = await(log.recordAccess(TestAudits.view("r3", PATIENT_A, "alice", "A81001")));
    await(log.recordOutcome(failed, new ViewOutcome("error", Map.of(), 0, 0, 50)));

    JsonObject bundle = get("/api/v1/audit/AuditEvent?user=alice", "R0001").bodyAsJsonObject();
    assertThat(resource(bundle, 2).getString("outcome")).as("no-relationship").isEqualTo("4");
    assertThat(resource(bundle, 1).getString("outcome")).as("relationship-unavailable").isEqualTo("8");
    assertThat(resource(bundle, 0).getString("outcome")).as("error").isEqualTo("8");
  }

  @Test
  void anOfficerOfAnOrganisationThatIsNotLiveIsRefusedAndTheRefusalAudited() {
    await(log.recordAccess(TestAudits.view("r1", PATIENT_A, "alice", "A81001")));
    HttpResponse<Buffer> outsider = get("/api/v1/audit/events", "R0001@Z99");
    assertThat(outsider.statusCode()).isEqualTo(403);
    assertThat(outsider.bodyAsString()).contains("NO_ORGANISATION_CONSENT").doesNotContain(PATIENT_A);
    assertThat(get("/api/v1/audit/alerts", "R0001@Z99").statusCode()).isEqualTo(403);
    assertThat(await(log.store().search(new AuditQuery(null, null, "Z99", null, null, false, null, 1, 10))).entries())
        .hasSize(2).allSatisfy(entry -> assertThat(entry.data().getString("refusalCode")).isEqualTo("NO_ORGANISATION_CONSENT"));
  }

  @Test
  void anOfficerWhoIsNotRegionWideSeesOnlyTheirOwnOrganisationsUsers() {
    await(log.recordAccess(TestAudits.view("mine", PATIENT_A, "alice", "A81001")));
    await(log.recordAccess(TestAudits.view("theirs", PATIENT_A, "bob", "A81002")));
    AuditReceipt glass = await(log.recordAccess(TestAudits.breakGlass("glass", PATIENT_B, "carol")));

    JsonArray events = get("/api/v1/audit/events?patient=" + PATIENT_A, "R0001@A81001").bodyAsJsonObject().getJsonArray("events");
    assertThat(events).extracting(e -> ((JsonObject) e).getString("requestId")).doesNotContain("theirs").contains("mine");
    assertThat(events).allSatisfy(e -> assertThat(((JsonObject) e).getJsonObject("principal").getString("organisation")).isEqualTo("A81001"));
    assertThat(get("/api/v1/audit/events?organisation=A81002", "R0001@A81001").bodyAsJsonObject().getLong("total")).isZero();
    assertThat(get("/api/v1/audit/AuditEvent?patient=" + PATIENT_A, "R0001@A81001").bodyAsString()).doesNotContain("\"bob\"");
    assertThat(get("/api/v1/audit/alerts", "R0001@A81001").bodyAsJsonObject().getJsonArray("alerts")).isEmpty();
    HttpResponse<Buffer> ack = await(client.post(server.actualPort(), "127.0.0.1", "/api/v1/audit/alerts/" + glass.sequence() + "/acknowledge")
        .putHeader("Authorization", "Bearer R0001@A81001").sendJsonObject(new JsonObject()));
    assertThat(ack.statusCode()).as("another organisation's alert").isEqualTo(404);

    assertThat(get("/api/v1/audit/events?patient=" + PATIENT_A, "R0001").bodyAsJsonObject().getJsonArray("events").encode())
        .as("a region-wide officer").contains("theirs").contains("mine");
  }

  @Test
  void theAuditNeverRecordsAClientRequestIdThatIsNotASafeToken() {
    // A safe token ([A-Za-z0-9._-]{1,64}) is kept as the request id (issue 16); anything else is replaced.
    HttpResponse<Buffer> response = await(client.get(server.actualPort(), "127.0.0.1", "/api/v1/audit/events")
        .putHeader("Authorization", "Bearer R0001").putHeader("X-Request-ID", "forged-request-id\"},{\"x\":1").send());
    assertThat(response.statusCode()).isEqualTo(200);
    AuditPage searches = await(log.store().search(AuditContractQueries.action()));
    assertThat(searches.entries()).isNotEmpty().allSatisfy(entry -> {
      assertThat(entry.requestId()).doesNotContain("forged-request-id");
      assertThat(entry.data().getString("requestId")).doesNotContain("forged-request-id");
    });
  }

  @Test
  void breakGlassJustificationsAndRefusedRelationshipsAreWhatTheOfficerSees() {
    String words = "Unconscious patient brought in by ambulance, no history available";
    await(log.recordAccess(TestAudits.breakGlass("glass", PATIENT_A, "bob").withJustification(words)));
    AuditReceipt held = await(log.recordAccess(TestAudits.view("held", PATIENT_A, "alice", "A81001")));
    await(log.recordOutcome(held, new ViewOutcome(ViewOutcome.REFUSED, Map.of("A81001", "not-found"), 0, 0, 40, "NO_RELATIONSHIP")));

    JsonArray events = get("/api/v1/audit/events?patient=" + PATIENT_A, "R0001").bodyAsJsonObject().getJsonArray("events");
    JsonObject glass = events.stream().map(JsonObject.class::cast).filter(e -> "glass".equals(e.getString("requestId"))).findFirst().orElseThrow();
    assertThat(glass.getString("justification")).isEqualTo(words);
    JsonObject refused = events.stream().map(JsonObject.class::cast).filter(e -> "held".equals(e.getString("requestId"))).findFirst().orElseThrow();
    assertThat(refused.getJsonObject("view").getString("outcome")).isEqualTo("refused");
    assertThat(refused.getJsonObject("view").getString("refusalCode")).isEqualTo("NO_RELATIONSHIP");

    JsonObject bundle = get("/api/v1/audit/AuditEvent?patient=" + PATIENT_A, "R0001").bodyAsJsonObject();
    JsonObject exported = bundle.getJsonArray("entry").stream().map(e -> ((JsonObject) e).getJsonObject("resource"))
        .filter(r -> "110113".equals(r.getJsonObject("type").getString("code"))).findFirst().orElseThrow();
    assertThat(exported.getJsonArray("entity").getJsonObject(0).getJsonArray("detail").encode())
        .contains("break-glass-justification").contains(words).contains("break-glass-reason");
    JsonObject view = bundle.getJsonArray("entry").stream().map(e -> ((JsonObject) e).getJsonObject("resource"))
        .filter(r -> r.getString("outcomeDesc").contains("view refused")).findFirst().orElseThrow();
    assertThat(view.getString("outcome")).isEqualTo("4");
    assertThat(view.getString("outcomeDesc")).contains("view refused: NO_RELATIONSHIP");
  }

  @Test
  void everyRefusedCallIsAuditedBadParametersUnknownAlertsAndBodiesIncluded() {
    assertThat(get("/api/v1/audit/events?from=yesterday", "R0001").statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/audit/events?from=%2B999999999-01-01T00:00:00Z", "R0001").statusCode()).as("beyond year 9999").isEqualTo(400);
    assertThat(post("/api/v1/audit/alerts/99/acknowledge", new JsonObject()).statusCode()).isEqualTo(404);
    assertThat(post("/api/v1/audit/alerts/x/acknowledge", new JsonObject()).statusCode()).isEqualTo(400);
    HttpResponse<Buffer> plain = await(client.post(server.actualPort(), "127.0.0.1", "/api/v1/audit/alerts/1/acknowledge")
        .putHeader("Authorization", "Bearer R0001").putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("reviewed")));
    assertThat(plain.statusCode()).isEqualTo(415);
    assertThat(plain.getHeader("X-Request-Id")).isNotBlank();
    assertThat(plain.getHeader("Cache-Control")).isEqualTo("no-store");

    AuditPage page = await(log.store().search(AuditContractQueries.action()));
    assertThat(page.entries()).extracting(e -> e.data().getString("refusalCode"))
        .containsExactlyInAnyOrder("INVALID_PARAMETER", "INVALID_PARAMETER", "NOT_FOUND", "INVALID_PARAMETER", "UNSUPPORTED_MEDIA_TYPE");
    assertThat(page.entries()).allSatisfy(e -> {
      assertThat(e.data().getString("outcome")).isEqualTo("refused");
      assertThat(e.data().getJsonObject("request").getInteger("status")).isBetween(400, 499);
    });
  }

  @Test
  void anAcknowledgementNoteIsSanitisedAndBounded() {
    AuditReceipt glass = await(log.recordAccess(TestAudits.breakGlass("r2", PATIENT_B, "bob")));
    String note = "reviewed with‮ the clinician " + "n".repeat(2_000);
    assertThat(post("/api/v1/audit/alerts/" + glass.sequence() + "/acknowledge", new JsonObject().put("note", note)).statusCode())
        .isEqualTo(201);
    JsonObject alert = get("/api/v1/audit/alerts", "R0001").bodyAsJsonObject().getJsonArray("alerts").getJsonObject(0);
    String kept = alert.getJsonObject("acknowledgement").getString("note");
    assertThat(kept).startsWith("reviewed with the clinician nnn").endsWith("more characters]").doesNotContain("", "‮");
    assertThat(kept.length()).isLessThan(AuditApi.MAX_NOTE + 50);
  }

  private static JsonObject resource(JsonObject bundle, int index) {
    return bundle.getJsonArray("entry").getJsonObject(index).getJsonObject("resource");
  }

  private HttpResponse<Buffer> get(String path, String jobRole) {
    var request = client.get(server.actualPort(), "127.0.0.1", path);
    if (jobRole != null) {
      request.putHeader("Authorization", "Bearer " + jobRole);
    }
    return await(request.send());
  }

  private HttpResponse<Buffer> post(String path, JsonObject body) {
    return await(client.post(server.actualPort(), "127.0.0.1", path).putHeader("Authorization", "Bearer R0001").sendJsonObject(body));
  }

  /** Queries the tests reuse. */
  private static final class AuditContractQueries {
    static AuditQuery action() {
      return new AuditQuery(null, "officer", null, null, null, false, null, 1, 50);
    }
  }
}
