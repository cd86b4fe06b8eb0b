package io.shcr.audit;

import static io.shcr.audit.TestAudits.PATIENT_A;
import static io.shcr.audit.TestAudits.PATIENT_B;
import static io.shcr.audit.TestAudits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.AccessRefusedException;
import io.shcr.access.Authenticator;
import io.shcr.api.ApiError;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The privacy officer's API over a real HTTP server: only job role R0001, search and paging, alerts
 * with acknowledgement, the FHIR AuditEvent export, and every look at the audit audited in turn.
 * The test authenticator takes the job role from the bearer token.
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
    log = await(AuditLog.open(vertx, new FileAuditStore(vertx, dir.resolve("audit"), 1 << 20), 1000));
    Authenticator authenticator = ctx -> {
      String token = ctx.request().getHeader("Authorization");
      if (token == null || !token.startsWith("Bearer ")) {
        return Future.failedFuture(new AccessRefusedException(ApiError.unauthorised("a bearer token is required")));
      }
      return Future.succeededFuture(TestAudits.principal("officer", "X26", token.substring(7)));
    };
    Router router = Router.router(vertx);
    new AuditApi(log, authenticator).mount(router);
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
    assertThat(events).hasSize(3);
    assertThat(events.getJsonObject(0).getString("action")).isEqualTo("audit.search");
    assertThat(events.getJsonObject(0).getString("refusalCode")).isEqualTo("ACCESS_DENIED");
    assertThat(events.getJsonObject(0).getString("nhsNumber")).isNull();
    assertThat(events.getJsonObject(1).getString("refusalCode")).isEqualTo("UNAUTHORISED");
    assertThat(events.getJsonObject(1).getJsonObject("principal")).isNull();
    assertThat(events.getJsonObject(2).getString("outcome")).as("this search, audited before it ran").isEqualTo("allowed");
  }

  @Test
  void searchesByPatientWithPagingAndTheOutcomeOfEachView() {
    AuditReceipt first = await(log.recordAccess(TestAudits.view("r1", PATIENT_A, "alice", "A81001")));
    await(log.recordOutcome(first, new ViewOutcome("client-gone", Map.of("gp-a", "ok"), 4, 1, 300)));
    await(log.recordAccess(TestAudits.view("r2", PATIENT_B, "bob", "A81002")));
    await(log.recordAccess(TestAudits.view("r3", PATIENT_A, "carol", "A81001")));

    JsonObject page = get("/api/v1/audit/events?patient=943%20476%205919&pageSize=1&page=1", "R0001").bodyAsJsonObject();
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
    assertThat(alerts.getJsonObject(0).getString("alert")).isEqualTo("break-glass");
    assertThat(alerts.getJsonObject(1).getString("alert")).isEqualTo("throttled");
    assertThat(alerts.getJsonObject(0).getBoolean("acknowledged")).isFalse();

    HttpResponse<Buffer> ack = post("/api/v1/audit/alerts/" + glass.sequence() + "/acknowledge", new JsonObject().put("note", "reviewed"));
    assertThat(ack.statusCode()).isEqualTo(201);
    assertThat(post("/api/v1/audit/alerts/" + glass.sequence() + "/acknowledge", new JsonObject()).statusCode()).isEqualTo(200);
    assertThat(post("/api/v1/audit/alerts/1/acknowledge", new JsonObject()).statusCode()).isEqualTo(404);

    JsonObject acknowledged = get("/api/v1/audit/alerts", "R0001").bodyAsJsonObject().getJsonArray("alerts").getJsonObject(0);
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
    JsonObject viewed = resource(bundle, 0);
    assertThat(viewed.getJsonObject("type").getString("code")).isEqualTo("110112");
    assertThat(viewed.getString("outcome")).isEqualTo("0");
    assertThat(viewed.encode()).contains("\"code\":\"TREAT\"")
        .contains("https://fhir.nhs.uk/Id/sds-user-id").contains("https://fhir.nhs.uk/Id/sds-role-profile-id")
        .contains("https://fhir.nhs.uk/Id/ods-organization-code").contains("\"value\":\"A81001\"");
    assertThat(viewed.getJsonArray("entity").getJsonObject(0).getJsonObject("what").getJsonObject("identifier").getString("value"))
        .isEqualTo(PATIENT_A);
    JsonObject glass = resource(bundle, 1);
    assertThat(glass.getJsonArray("subtype").getJsonObject(0).getString("code")).isEqualTo("110127");
    assertThat(glass.encode()).contains("\"code\":\"ETREAT\"");
    assertThat(resource(bundle, 2).getString("outcome")).isEqualTo("4");
    assertThat(get("/api/v1/audit/events?_format=fhir&patient=" + PATIENT_A, "R0001").bodyAsJsonObject().getLong("total")).isEqualTo(5);
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
