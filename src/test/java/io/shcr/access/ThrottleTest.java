package io.shcr.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Distinct patients per user and per organisation per window; repeats are free; shared state holds no NHS number. */
@ExtendWith(VertxExtension.class)
class ThrottleTest {

  private static final int PER_USER = 3;
  private static final int PER_ORG = 5;
  private final AccessTestBed bed = new AccessTestBed();
  private final List<String> patients = AccessTestBed.syntheticNhs(8, 0);

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    bed.start(vertx, PER_USER, PER_ORG).onComplete(test.succeedingThenComplete());
  }

  private Future<JsonObject> openAll(String token, List<String> nhsNumbers) {
    Future<JsonObject> chain = Future.succeededFuture();
    for (String nhs : nhsNumbers) {
      chain = chain.compose(previous -> {
        if (previous != null && !previous.getBoolean("allowed")) {
          return Future.succeededFuture(previous);
        }
        return bed.open(token, nhs);
      });
    }
    return chain;
  }

  @Test
  void aUserIsStoppedAtTheLimitOfDistinctPatientsButMayReopenThem(VertxTestContext test) {
    String doctor = bed.token("u-1", "R8000", "RXN");
    openAll(doctor, patients.subList(0, PER_USER))
        .compose(last -> {
          test.verify(() -> assertThat(last.getBoolean("allowed")).isTrue());
          return openAll(doctor, patients.subList(0, PER_USER));
        })
        .compose(reopened -> {
          test.verify(() -> assertThat(reopened.getBoolean("allowed")).as("repeats are not counted").isTrue());
          return bed.open(doctor, patients.get(PER_USER));
        })
        .compose(throttled -> {
          test.verify(() -> {
            assertThat(throttled.getInteger("status")).isEqualTo(429);
            assertThat(throttled.getString("code")).isEqualTo("THROTTLED");
            assertThat(throttled.getJsonObject("headers").getString("Retry-After")).isEqualTo("3570");
            assertThat(throttled.getString("message")).contains("user");
          });
          return bed.open(doctor, patients.get(0));
        })
        .compose(stillReopenable -> {
          test.verify(() -> assertThat(stillReopenable.getBoolean("allowed")).isTrue());
          bed.clock.advance(Duration.ofHours(1));
          return bed.open(bed.token("u-1", "R8000", "RXN"), patients.get(PER_USER));
        })
        .onComplete(test.succeeding(nextWindow -> test.verify(() -> {
          assertThat(nextWindow.getBoolean("allowed")).as("a new window starts afresh").isTrue();
          test.completeNow();
        })));
  }

  @Test
  void anOrganisationIsStoppedAcrossItsUsersAndARefusalDoesNotCountForTheUser(VertxTestContext test) {
    String first = bed.token("u-a", "R8000", "RXN");
    String second = bed.token("u-b", "R8001", "RXN");
    openAll(first, patients.subList(0, 3))
        .compose(a -> openAll(second, patients.subList(3, 5)))
        .compose(b -> {
          test.verify(() -> assertThat(b.getBoolean("allowed")).isTrue());
          return bed.open(second, patients.get(5));
        })
        .compose(orgLimit -> {
          test.verify(() -> {
            assertThat(orgLimit.getString("code")).isEqualTo("THROTTLED");
            assertThat(orgLimit.getString("message")).contains("organisation");
          });
          return bed.open(second, patients.get(0));
        })
        .compose(seenByOrg -> {
          test.verify(() -> assertThat(seenByOrg.getString("code")).as("the refused patient was released, so the user may still open "
              + "a patient the organisation already counts").isNull());
          return bed.open(bed.token("u-c", "R8000", "P81901"), patients.get(5));
        })
        .onComplete(test.succeeding(otherOrg -> test.verify(() -> {
          assertThat(otherOrg.getBoolean("allowed")).isTrue();
          test.completeNow();
        })));
  }

  @Test
  void sharedStateHoldsNoNhsNumberAndNoUserId(Vertx vertx, VertxTestContext test) {
    String doctor = bed.token("555000100001", "R8000", "RXN");
    openAll(doctor, patients.subList(0, 2))
        .compose(x -> bed.breakGlass(doctor, patients.get(0), new JsonObject().put("reasonCode", "safeguarding")
            .put("justification", "Child protection strategy meeting today")))
        .compose(x -> Future.all(
            vertx.sharedData().<String, Object>getAsyncMap(PatientThrottle.MAP_NAME).compose(AsyncMap::entries),
            vertx.sharedData().<String, Object>getAsyncMap(BreakGlassGrants.MAP_NAME).compose(AsyncMap::entries)))
        .onComplete(test.succeeding(maps -> test.verify(() -> {
          String dump = maps.resultAt(0).toString() + maps.resultAt(1).toString();
          assertThat(dump).isNotBlank().doesNotContain(patients.get(0)).doesNotContain(patients.get(1))
              .doesNotContain("555000100001").doesNotContain("Child protection");
          test.completeNow();
        })));
  }
}
