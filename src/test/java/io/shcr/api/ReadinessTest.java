package io.shcr.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.AccessPolicy;
import io.shcr.access.Pem;
import io.shcr.access.SpineClient;
import io.shcr.access.token.SigningKeys;
import io.shcr.access.token.StaticSigningKeys;
import io.shcr.audit.AuditKey;
import io.shcr.audit.AuditLog;
import io.shcr.audit.FaultyDisk;
import io.shcr.audit.FileAuditStore;
import io.shcr.config.ServiceConfig;
import io.shcr.health.Readiness;
import io.shcr.health.ReadinessChecks;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.TestComponents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health/ready} with the real checks: 200 while the audit store takes writes, a signing key is
 * there and Spine answers; 503 naming the failed check when the disk fills up, Spine hangs or the keys
 * cannot be had; back to 200 by itself when each recovers. Liveness stays 200 throughout.
 */
class ReadinessTest {

  private static final long LIMIT_MS = 300;

  @TempDir
  Path dir;

  private Vertx vertx;
  private final FaultyDisk disk = new FaultyDisk();
  private volatile boolean spineHangs;
  private volatile boolean keysGone;
  private final AtomicInteger metadataAsked = new AtomicInteger();
  private AuditLog audit;
  private SpineClient spine;
  private ShcrServer server;
  private WebClient client;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    HttpServer fakeSpine = await(vertx.createHttpServer().requestHandler(request -> {
      metadataAsked.incrementAndGet();
      if (!spineHangs) {
        request.response().putHeader("Content-Type", "application/fhir+json").end("{\"resourceType\":\"CapabilityStatement\"}");
      }
    }).listen(0, "127.0.0.1"));
    AccessPolicy.Endpoint endpoint = new AccessPolicy.Endpoint("http://127.0.0.1:" + fakeSpine.actualPort() + "/spine", LIMIT_MS);
    spine = SpineClient.create(vertx, new AccessPolicy.Spine(endpoint, endpoint, 4, 10, 1 << 16, AccessPolicy.SpineBreaker.DEFAULT, 0));
    audit = await(AuditLog.open(vertx, new FileAuditStore(vertx, dir.resolve("audit"), 1 << 20,
        AuditKey.of("readiness-test-audit-key-0123456789abcdef"), disk), 100, LIMIT_MS));
    SigningKeys present = new StaticSigningKeys(List.of(
        StaticSigningKeys.signingKey("k1", Pem.publicKey(Path.of("conf/demo-keys/demo-es256-public.pem")))));
    SigningKeys keys = (algorithm, kid) -> keysGone ? Future.failedFuture(new IllegalStateException("JWKS unreachable"))
        : present.candidates(algorithm, kid);
    Readiness readiness = new Readiness(vertx, List.of(
        ReadinessChecks.audit(audit),
        ReadinessChecks.signingKeys(vertx, keys, LIMIT_MS),
        ReadinessChecks.spine(spine, 0)), 3_000);
    Components plain = TestComponents.components(new SourceRegistry(List.of()), TestComponents.allowAll(), new TestComponents.MemoryAudit());
    Components components = new Components(plain.sources(), plain.privacy(), plain.access(), plain.authenticator(), plain.audit(),
        plain.extraRoutes(), plain.onClose(), readiness);
    server = await(ShcrServer.start(vertx, new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, 5_000, 60_000), components));
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    disk.release();
    await(server.close());
    await(audit.close());
    await(vertx.close());
  }

  @Test
  void readinessNamesWhatIsMissingAndRecoversByItself() throws Exception {
    assertReady();

    disk.full = true;
    assertNotReady("audit");
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
    disk.full = false;
    assertReady();

    disk.hang();
    assertNotReady("audit");
    disk.release();
    assertReady();

    spineHangs = true;
    assertNotReady("spine");
    spineHangs = false;
    assertReady();

    keysGone = true;
    assertNotReady("signing-keys");
    keysGone = false;
    assertReady();
  }

  @Test
  void spineProbesAreCachedSoLoadBalancersDoNotHammerSpine() throws Exception {
    assertReady();
    Readiness cached = new Readiness(vertx, List.of(ReadinessChecks.spine(spine, 60_000)), 3_000);
    int before = metadataAsked.get();
    for (int i = 0; i < 5; i++) {
      assertThat(await(cached.check()).ready()).isTrue();
    }
    List<Future<Readiness.Report>> together = List.of(cached.check(), cached.check(), cached.check());
    await(Future.join(new java.util.ArrayList<>(together)));
    assertThat(metadataAsked.get() - before).as("Spine asked once for eight readiness checks").isEqualTo(1);
  }

  private void assertReady() throws Exception {
    HttpResponse<Buffer> response = eventually(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("UP");
    assertThat(body.getJsonObject("checks").fieldNames()).containsExactlyInAnyOrder("audit", "signing-keys", "spine");
  }

  private void assertNotReady(String check) throws Exception {
    HttpResponse<Buffer> response = eventually(503);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/fhir+json");
    assertThat(response.getHeader("X-Request-Id")).isNotBlank();
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject outcome = response.bodyAsJsonObject();
    assertThat(outcome.getString("resourceType")).isEqualTo("OperationOutcome");
    JsonArray issues = outcome.getJsonArray("issue");
    assertThat(issues).hasSize(1);
    JsonArray coding = issues.getJsonObject(0).getJsonObject("details").getJsonArray("coding");
    assertThat(coding.getJsonObject(0).getString("code")).isEqualTo("NOT_READY");
    assertThat(coding.getJsonObject(1).getString("code")).isEqualTo(check);
    assertThat(issues.getJsonObject(0).getString("diagnostics")).startsWith("Not ready: " + check + ": ")
        .doesNotContain(dir.toString()).doesNotContain("127.0.0.1");
  }

  /** Readiness as seen by a load balancer polling every 50 ms, until it says {@code status} (at most 10 s). */
  private HttpResponse<Buffer> eventually(int status) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    HttpResponse<Buffer> response = get("/health/ready");
    while (response.statusCode() != status && System.nanoTime() < until) {
      Thread.sleep(50);
      response = get("/health/ready");
    }
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    return response;
  }

  private HttpResponse<Buffer> get(String path) throws Exception {
    return await(client.get(server.port(), "127.0.0.1", path).send());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
