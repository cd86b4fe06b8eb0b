package io.shcr.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shcr.api.Components;
import io.shcr.api.ShcrServer;
import io.shcr.audit.AuditKey;
import io.shcr.audit.AuditLog;
import io.shcr.audit.FileAuditStore;
import io.shcr.config.ServiceConfig;
import io.shcr.health.Readiness;
import io.shcr.health.ReadinessChecks;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.TestComponents;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness over a real embedded audit store whose directory is made read-only underneath it. Tests
 * run as root here, and root ignores permission bits, so "read-only" is the immutable attribute
 * ({@code chattr +i}), which binds root too: 503 naming the audit store, then 200 once it is writable.
 */
class ReadOnlyAuditReadinessTest {

  @TempDir
  Path dir;

  @Test
  void readinessIs503NamingTheAuditStoreWhileItIsReadOnlyAnd200WhenFixed() throws Exception {
    Path trail = dir.resolve("audit");
    Vertx vertx = Vertx.vertx();
    AuditLog audit = TraceAndMetricsTest.await(AuditLog.open(vertx, new FileAuditStore(vertx, trail, 1 << 20,
        AuditKey.of("read-only-test-audit-key-0123456789ab")), 100, 1_000));
    Readiness readiness = new Readiness(vertx, List.of(ReadinessChecks.audit(audit)), 2_000);
    Components plain = TestComponents.components(new SourceRegistry(List.of()), TestComponents.allowAll(), new TestComponents.MemoryAudit());
    Components components = new Components(plain.sources(), plain.privacy(), plain.access(), plain.authenticator(), audit,
        plain.extraRoutes(), plain.onClose(), readiness);
    ShcrServer server = TraceAndMetricsTest.await(ShcrServer.start(vertx, new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, 5_000, 60_000),
        components));
    WebClient client = WebClient.create(vertx);
    try {
      assertThat(ready(client, server).statusCode()).isEqualTo(200);

      assumeTrue(chattr("+i", trail), "chattr +i is not available on this file system");
      HttpResponse<Buffer> notReady = ready(client, server);
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.bodyAsString()).contains("\"code\":\"NOT_READY\"").contains("\"code\":\"audit\"")
          .contains("\"text\":\"audit: the audit store");

      assertThat(chattr("-i", trail)).isTrue();
      assertThat(ready(client, server).statusCode()).as("writable again: ready again, no restart").isEqualTo(200);
    } finally {
      chattr("-i", trail);
      TraceAndMetricsTest.await(server.close());
      TraceAndMetricsTest.await(audit.close());
      TraceAndMetricsTest.await(vertx.close());
    }
  }

  private static HttpResponse<Buffer> ready(WebClient client, ShcrServer server) {
    return TraceAndMetricsTest.await(client.get(server.port(), "127.0.0.1", "/health/ready").send());
  }

  private static boolean chattr(String flag, Path path) {
    try {
      Process p = new ProcessBuilder("chattr", flag, path.toString()).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
