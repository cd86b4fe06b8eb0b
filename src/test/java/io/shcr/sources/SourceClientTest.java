package io.shcr.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.core.Deadline;
import io.shcr.core.Section;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The client's own back-pressure: a full wait queue fails fast and never trips the source's breaker. */
@ExtendWith(VertxExtension.class)
class SourceClientTest {

  private static Future<Void> waitFor(Vertx vertx, long ms) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    vertx.setTimer(ms, t -> done.complete());
    return done.future();
  }

  @Test
  void ownQueueOverflowDoesNotOpenTheBreaker(Vertx vertx, VertxTestContext test) {
    List<HttpServerRequest> held = new ArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean();
    vertx.createHttpServer().requestHandler(r -> {
      if (open.get()) {
        r.response().end("{\"resourceType\":\"Bundle\"}");
      } else {
        held.add(r);
      }
    }).listen(0, "127.0.0.1").compose(server -> {
      SourceConfig config = new SourceConfig("Q1", "Queue", SourceKind.ACUTE, "http://127.0.0.1:" + server.actualPort() + "/Q1",
          "fhir-r4", Set.of(Section.PROBLEMS), true, 5_000, 1, 1, 100_000, 1, new SourceConfig.BreakerConfig(1, 60_000));
      SourceClient client = new SourceClient(vertx, config);
      CallScope scope = new CallScope();
      Deadline deadline = Deadline.in(5_000);
      List<Future<CallResult<SourceHttpResponse>>> calls = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        calls.add(client.call(SourceHttpRequest.get(config.baseUrl() + "/Condition"), deadline, scope));
      }
      return waitFor(vertx, 300).compose(v -> {
        test.verify(() -> {
          // A call never fails its Future: how it ended is its result.
          assertThat(calls.stream().filter(f -> f.isComplete() && !f.result().succeeded()).count()).isEqualTo(3);
          assertThat(calls.get(4).result().failure().detail()).contains("waiting");
          assertThat(client.circuitOpen()).isFalse();
          assertThat(client.limit().inUse()).isEqualTo(1);
        });
        open.set(true);
        held.forEach(r -> r.response().end("{\"resourceType\":\"Bundle\"}"));
        return Future.all(calls.get(0), calls.get(1)).mapEmpty();
      });
    }).onComplete(test.succeedingThenComplete());
  }
}
