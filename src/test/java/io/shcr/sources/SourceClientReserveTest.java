package io.shcr.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.core.Deadline;
import io.shcr.core.Section;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A permit reserved ahead of a run's first call ({@link SourceClient#reserve}): spent by that call and by
 * no other, given back whatever ends the run first (cancelled while waiting, cancelled holding it, never
 * spent), so the source's share of connections is never leaked nor exceeded.
 */
@ExtendWith(VertxExtension.class)
class SourceClientReserveTest {

  private static final String BUNDLE = "{\"resourceType\":\"Bundle\"}";

  /** A source with one permit and a wait queue of {@code queue}; holds every request until released. */
  private static Future<SourceClient> source(Vertx vertx, int queue, List<HttpServerRequest> held, AtomicInteger asked) {
    return vertx.createHttpServer().requestHandler(r -> {
      asked.incrementAndGet();
      held.add(r);
    }).listen(0, "127.0.0.1").map((HttpServer server) -> {
      SourceConfig config = new SourceConfig("R1", "Reserve", SourceKind.ACUTE, "http://127.0.0.1:" + server.actualPort() + "/R1",
          "fhir-r4", Set.of(Section.PROBLEMS), true, 5_000, 1, queue, 100_000, 1, new SourceConfig.BreakerConfig(5, 60_000));
      return new SourceClient(vertx, config);
    });
  }

  private static Future<Void> waitFor(Vertx vertx, long ms) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    vertx.setTimer(ms, t -> done.complete());
    return done.future();
  }

  private static SourceHttpRequest get(SourceClient client) {
    return SourceHttpRequest.get(client.config().baseUrl() + "/Condition");
  }

  @Test
  void theFirstCallSpendsTheReservedPermitAndTheSecondWaitsForAnother(Vertx vertx, VertxTestContext test) {
    List<HttpServerRequest> held = new ArrayList<>();
    AtomicInteger asked = new AtomicInteger();
    source(vertx, 10, held, asked).compose(client -> {
      CallScope scope = new CallScope();
      Deadline deadline = Deadline.in(5_000);
      return client.reserve(deadline, scope).compose(refused -> {
        test.verify(() -> {
          assertThat(refused).isNull();
          assertThat(scope.holdsReservedPermit()).isTrue();
          assertThat(client.limit().inUse()).isEqualTo(1);
        });
        Future<CallResult<SourceHttpResponse>> first = client.call(get(client), deadline, scope);
        Future<CallResult<SourceHttpResponse>> second = client.call(get(client), deadline, scope);
        return waitFor(vertx, 300).compose(v -> {
          test.verify(() -> {
            assertThat(scope.holdsReservedPermit()).isFalse();
            assertThat(asked.get()).as("only the first call is on the wire: the cap is one").isEqualTo(1);
            assertThat(client.limit().inUse()).isEqualTo(1);
            assertThat(client.limit().waitingCount()).isEqualTo(1);
          });
          held.remove(0).response().end(BUNDLE);
          return first;
        }).compose(r -> waitFor(vertx, 200)).compose(v -> {
          held.forEach(r -> r.response().end(BUNDLE));
          return second;
        }).compose(r -> waitFor(vertx, 100)).map(v -> {
          test.verify(() -> {
            assertThat(first.result().succeeded()).isTrue();
            assertThat(second.result().succeeded()).isTrue();
            assertThat(client.limit().inUse()).isZero();
          });
          return null;
        });
      });
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  void whateverEndsARunFirstThePermitComesBack(Vertx vertx, VertxTestContext test) {
    List<HttpServerRequest> held = new ArrayList<>();
    AtomicInteger asked = new AtomicInteger();
    source(vertx, 10, held, asked).compose(client -> {
      Deadline deadline = Deadline.in(5_000);
      CallScope holding = new CallScope();
      CallScope waitingThenCancelled = new CallScope();
      CallScope neverSpent = new CallScope();
      Future<SourceFailure> first = client.reserve(deadline, holding);
      Future<SourceFailure> cancelledWhileWaiting = client.reserve(deadline, waitingThenCancelled);
      Future<SourceFailure> third = client.reserve(deadline, neverSpent);
      return first.compose(refused -> {
        test.verify(() -> assertThat(client.limit().waitingCount()).isEqualTo(2));
        waitingThenCancelled.cancel(); // the view went away while its run waited
        holding.cancel(); // and this one's, holding its permit, unspent
        return cancelledWhileWaiting;
      }).compose(refused -> {
        test.verify(() -> assertThat(refused).as("a cancelled scope keeps no permit").isNotNull());
        return third;
      }).compose(refused -> {
        test.verify(() -> {
          assertThat(refused).isNull();
          assertThat(neverSpent.holdsReservedPermit()).isTrue();
          assertThat(client.limit().inUse()).isEqualTo(1);
        });
        neverSpent.giveBackReserved(); // its plan made no call
        neverSpent.giveBackReserved(); // given back once only
        return client.reserve(deadline, neverSpent);
      }).compose(refused -> {
        CallScope other = new CallScope();
        return client.reserve(Deadline.in(200), other).map(late -> {
          test.verify(() -> {
            assertThat(late).as("one permit: the other waits out its deadline").isNotNull();
            assertThat(other.holdsReservedPermit()).isFalse();
            assertThat(client.limit().inUse()).isEqualTo(1);
          });
          neverSpent.cancel();
          test.verify(() -> {
            assertThat(client.limit().inUse()).isZero();
            assertThat(client.limit().waitingCount()).isZero();
            assertThat(asked.get()).as("reserving calls nobody").isZero();
          });
          return null;
        });
      });
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  void aReservationPastAFullQueueIsRefusedAtOnceAndNeverTripsTheBreaker(Vertx vertx, VertxTestContext test) {
    List<HttpServerRequest> held = new ArrayList<>();
    AtomicInteger asked = new AtomicInteger();
    source(vertx, 1, held, asked).compose(client -> {
      Deadline deadline = Deadline.in(5_000);
      CallScope a = new CallScope();
      CallScope b = new CallScope();
      CallScope c = new CallScope();
      client.reserve(deadline, a);
      Future<SourceFailure> queued = client.reserve(deadline, b);
      Future<SourceFailure> full = client.reserve(deadline, c);
      test.verify(() -> {
        assertThat(full.isComplete()).isTrue();
        assertThat(full.result().detail()).contains("waiting");
        assertThat(client.circuitOpen()).isFalse();
      });
      a.cancel();
      return queued.map(refused -> {
        test.verify(() -> {
          assertThat(refused).isNull();
          assertThat(b.holdsReservedPermit()).isTrue();
        });
        b.cancel();
        test.verify(() -> assertThat(client.limit().inUse()).isZero());
        return null;
      });
    }).onComplete(test.succeedingThenComplete());
  }
}
