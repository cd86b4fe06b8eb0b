package io.shcr.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.shcr.config.ServiceConfig;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.LogCapture;
import io.shcr.support.RawHttp;
import io.shcr.support.TestComponents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Our own fault is a 500 in the error contract, audited as failed, and one ERROR line naming the
 * exception's class and where it was thrown, never its message (which may hold data) or a stack trace.
 */
class InternalFailureTest {

  @Test
  void aHandlerThatThrowsGivesA500OperationOutcomeAuditedAsFailed() throws Exception {
    Vertx vertx = Vertx.vertx();
    TestComponents.MemoryAudit audit = new TestComponents.MemoryAudit();
    ApiRoutes broken = router -> router.get("/api/v1/broken").handler(ctx -> {
      throw new IllegalStateException("patient 9990000018 has something secret");
    });
    Components components = new Components(new SourceRegistry(List.of()), TestComponents.passThrough(), TestComponents.allowAll(),
        ctx -> Future.succeededFuture(TestComponents.DOCTOR), audit, List.of(broken), Future::succeededFuture);
    ShcrServer server = ShcrServer.start(vertx, new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, 5_000, 60_000), components)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    try (LogCapture logs = LogCapture.attach()) {
      RawHttp.Response response = RawHttp.exchange(server.port(), ("GET /api/v1/broken HTTP/1.1\r\nHost: x\r\n"
          + "Authorization: Bearer any\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII), 10_000, false);
      assertThat(response.status()).isEqualTo(500);
      assertThat(response.header("Content-Type")).startsWith("application/fhir+json");
      assertThat(response.header("Cache-Control")).isEqualTo("no-store");
      JsonObject outcome = new JsonObject(response.bodyText());
      assertThat(outcome.getJsonArray("issue").getJsonObject(0).getJsonObject("details").getJsonArray("coding").getJsonObject(0)
          .getString("code")).isEqualTo("INTERNAL_SERVER_ERROR");
      assertThat(response.bodyText()).doesNotContain("secret").doesNotContain("9990000018");

      assertThat(audit.accesses).singleElement().satisfies(a -> {
        assertThat(a.requestId()).isEqualTo(response.header("X-Request-Id"));
        assertThat(a.outcome()).isEqualTo("failed");
        assertThat(a.refusalCode()).isEqualTo("INTERNAL_SERVER_ERROR");
        assertThat(a.principal()).as("attributed: the token verified").isEqualTo(TestComponents.DOCTOR);
      });
      List<ILoggingEvent> errors = logs.atLeast(Level.ERROR);
      assertThat(errors).singleElement().satisfies(e -> {
        assertThat(e.getFormattedMessage()).contains(response.header("X-Request-Id")).contains("IllegalStateException")
            .contains("InternalFailureTest").doesNotContain("secret").doesNotContain("9990000018");
        assertThat(e.getThrowableProxy()).isNull();
      });
    } finally {
      server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aViewThatCannotBeMadeIsAuditedAsFailedAndAnswered500() throws Exception {
    Vertx vertx = Vertx.vertx();
    TestComponents.MemoryAudit audit = new TestComponents.MemoryAudit();
    io.shcr.access.ResourceTransform broken = new io.shcr.access.ResourceTransform() {
      @Override
      public JsonObject apply(JsonObject resource) {
        return resource;
      }

      @Override
      public boolean hidesWhereThePatientIs() {
        throw new IllegalStateException("patient 9990000018 has something secret");
      }
    };
    io.shcr.access.AccessGate gate = (authenticated, request) -> Future.succeededFuture(new io.shcr.access.AccessDecision(
        TestComponents.DOCTOR, null, request.sections(), io.shcr.access.Purpose.DIRECT_CARE, null, null, broken));
    Components components = new Components(new SourceRegistry(List.of()), TestComponents.passThrough(), gate,
        ctx -> Future.succeededFuture(TestComponents.DOCTOR), audit, List.of(), Future::succeededFuture);
    ShcrServer server = ShcrServer.start(vertx, new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, 5_000, 60_000), components)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    try {
      RawHttp.Response response = RawHttp.exchange(server.port(), ("GET /api/v1/patients/9990000018/record HTTP/1.1\r\n"
          + "Host: x\r\nAccept: application/json\r\nAuthorization: Bearer any\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII), 10_000, false);
      assertThat(response.status()).isEqualTo(500);
      assertThat(response.bodyText()).contains("INTERNAL_SERVER_ERROR").doesNotContain("secret");
      assertThat(audit.accesses).singleElement().satisfies(a -> {
        assertThat(a.outcome()).isEqualTo("failed");
        assertThat(a.refusalCode()).isEqualTo("INTERNAL_SERVER_ERROR");
      });
    } finally {
      server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
