package io.shcr.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.config.ServiceConfig;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.FakeSources;
import io.shcr.support.FakeSources.Behaviour;
import io.shcr.support.SseClient;
import io.shcr.support.TestComponents;
import io.shcr.core.Section;
import io.shcr.sources.SourceKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The circuit breaker opens after repeated failures, the stream says so, and the sources API shows it. */
@ExtendWith(VertxExtension.class)
class SourcesApiTest {

  @Test
  void breakerOpensAndIsReported(Vertx vertx, VertxTestContext test) {
    FakeSources fakes = new FakeSources(vertx).with("E500", Behaviour.ERROR_500);
    fakes.start().compose(f -> {
      SourceConfig flaky = new SourceConfig("E500", "Flaky", SourceKind.HOSPICE, f.baseUrl("E500"), "fhir-r4",
          Set.of(Section.DEMOGRAPHICS, Section.PROBLEMS), true, 2_000, 5, 10, 100_000, 1, new SourceConfig.BreakerConfig(2, 60_000));
      Components components = TestComponents.components(new SourceRegistry(List.of(flaky)), TestComponents.allowAll(),
          new TestComponents.MemoryAudit());
      return ShcrServer.start(vertx, new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, 5_000, 60_000), components);
    }).compose(server -> {
      SseClient sse = new SseClient(vertx);
      String path = "/api/v1/patients/9434765919/record";
      // A view's calls to the failing source may end as failures or, once the first failure has settled
      // the source, be cancelled (which counts against no breaker); how many failures one view records
      // depends on timing, so views are asked until the breaker answers, at most five.
      return untilCircuitOpen(sse, server.port(), path, 5)
          .compose(last -> WebClient.create(vertx).get(server.port(), "127.0.0.1", "/api/v1/sources").send()
              .map(sources -> {
                test.verify(() -> {
                  JsonObject status = last.ofType("source").get(0).data();
                  assertThat(status.getString("status")).isEqualTo("circuit-open");
                  JsonObject source = sources.bodyAsJsonObject().getJsonArray("sources").getJsonObject(0);
                  assertThat(source.getString("breaker")).isEqualTo("open");
                  assertThat(source.getBoolean("live")).isTrue();
                  assertThat(source.getJsonObject("health").getBoolean("lastCallSucceeded")).isFalse();
                });
                return server;
              }));
    }).compose(ShcrServer::close).compose(v -> fakes.close()).onComplete(test.succeedingThenComplete());
  }

  private static Future<SseClient.Stream> untilCircuitOpen(SseClient sse, int port, String path, int viewsLeft) {
    return sse.open(port, path, Map.of(), e -> { }).compose(s -> s.ended.future()).compose(stream -> {
      boolean open = stream.ofType("source").stream().anyMatch(e -> "circuit-open".equals(e.data().getString("status")));
      return open || viewsLeft <= 1 ? Future.succeededFuture(stream) : untilCircuitOpen(sse, port, path, viewsLeft - 1);
    });
  }
}
