package io.shcr.access;

import io.shcr.core.Principal;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Many concurrent decisions, with every shared-map operation answering after a random short delay
 * (as a cluster's map does), never admit more distinct new patients than the limit.
 */
@ExtendWith(VertxExtension.class)
class ThrottleRaceTest {

  private static final int LIMIT = 3;
  private static final Principal USER = new Principal("u-race", "Race", "u-race-01", "R8000", "RXN", Set.of(), null);

  @Test
  void concurrentRequestsForTheSameNewPatientsStayWithinTheLimit(Vertx vertx, VertxTestContext test) {
    PatientThrottle throttle = throttle(vertx, 42);
    List<String> patients = AccessTestBed.syntheticNhs(10, 500);
    List<NhsNumber> asked = new ArrayList<>();
    List<Future<PatientThrottle.Verdict>> verdicts = new ArrayList<>();
    for (int round = 0; round < 8; round++) {
      for (String nhs : patients) {
        asked.add(NhsNumber.of(nhs));
        verdicts.add(throttle.admit(USER, NhsNumber.of(nhs)));
      }
    }
    Future.all(verdicts).onComplete(test.succeeding(all -> test.verify(() -> {
      Set<String> admitted = new java.util.HashSet<>();
      for (int i = 0; i < verdicts.size(); i++) {
        if (verdicts.get(i).result().admitted()) {
          admitted.add(asked.get(i).value());
        }
      }
      assertThat(admitted).as("distinct patients admitted").hasSizeLessThanOrEqualTo(LIMIT).isNotEmpty();
      test.completeNow();
    })));
  }

  @Test
  void aNewPatientPastTheLimitIsNeverAdmittedByConcurrentRepeats(Vertx vertx, VertxTestContext test) {
    PatientThrottle throttle = throttle(vertx, 7);
    List<String> patients = AccessTestBed.syntheticNhs(LIMIT + 1, 700);
    Future<PatientThrottle.Verdict> filled = Future.succeededFuture();
    for (String nhs : patients.subList(0, LIMIT)) {
      filled = filled.compose(v -> throttle.admit(USER, NhsNumber.of(nhs)));
    }
    NhsNumber extra = NhsNumber.of(patients.get(LIMIT));
    filled.compose(full -> {
      List<Future<PatientThrottle.Verdict>> repeats = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        repeats.add(throttle.admit(USER, extra));
      }
      return Future.all(repeats).map(all -> repeats.stream().map(Future::result).collect(Collectors.toList()));
    }).onComplete(test.succeeding(results -> test.verify(() -> {
      assertThat(results).allSatisfy(v -> assertThat(v.admitted()).isFalse());
      test.completeNow();
    })));
  }

  private static PatientThrottle throttle(Vertx vertx, long seed) {
    Random random = new Random(seed);
    Supplier<Future<AsyncMap<String, Object>>> maps = () -> vertx.sharedData().<String, Object>getAsyncMap("race-" + seed)
        .map(map -> delaying(vertx, map, random));
    Clock clock = Clock.fixed(AccessTestBed.START, ZoneOffset.UTC);
    return new PatientThrottle(maps, new KeyedHash("a-test-secret-of-length".getBytes()), SharedValueSeal.processLocal(),
        new IntegrityAlarm(new FakeAuditTrail(), clock), clock, new AccessPolicy.Throttle(3_600_000, LIMIT, 1_000));
  }

  /** The map, each of whose answers arrives 1 to 3 ms late, so concurrent requests interleave. */
  @SuppressWarnings("unchecked")
  private static AsyncMap<String, Object> delaying(Vertx vertx, AsyncMap<String, Object> map, Random random) {
    return (AsyncMap<String, Object>) Proxy.newProxyInstance(AsyncMap.class.getClassLoader(), new Class<?>[] {AsyncMap.class},
        (proxy, method, args) -> {
          Object result = method.invoke(map, args);
          if (!(result instanceof Future<?> future)) {
            return result;
          }
          long delay = 1 + random.nextInt(3);
          return future.transform(done -> {
            Promise<Object> later = Promise.promise();
            vertx.setTimer(delay, t -> later.handle((io.vertx.core.AsyncResult<Object>) (Object) done));
            return later.future();
          });
        });
  }
}
