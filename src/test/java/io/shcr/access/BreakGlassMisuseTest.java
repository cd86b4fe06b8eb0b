package io.shcr.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.audit.AccessAudit;
import io.shcr.audit.AuditEntry;
import io.shcr.audit.AuditRecords;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Break-glass misuse (hazard H08 in docs/clinical-safety.md): a user who breaks glass for patient after
 * patient is not given a way round the trawling limit. Every break-glass is a high-severity alert for
 * privacy officers, the records it opens count against the user's distinct-patient limit like any
 * other, and past the limit the user is refused (429 THROTTLED, itself an alert) however many grants
 * they hold. The view's own audit record is the record API's (see RecordStreamTest); here the decision.
 */
@ExtendWith(VertxExtension.class)
class BreakGlassMisuseTest {

  private static final int PER_USER = 3;
  private static final String JUSTIFICATION = "Unconscious patient brought in by ambulance, no history available";
  private final AccessTestBed bed = new AccessTestBed();
  private final List<String> patients = AccessTestBed.syntheticNhs(PER_USER + 1, 40);

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    bed.start(vertx, PER_USER, 1000).onComplete(test.succeedingThenComplete());
  }

  @Test
  void breakingGlassForPatientAfterPatientIsAlertedEveryTimeAndThrottledAtTheLimit(VertxTestContext test) {
    String paramedic = bed.token("555000200009", "R8003", "RX7");
    JsonObject body = new JsonObject().put("reasonCode", "patient-unable-to-consent").put("justification", JUSTIFICATION);
    List<Integer> grants = new ArrayList<>();
    List<JsonObject> views = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (String nhs : patients) {
      chain = chain.compose(v -> bed.breakGlass(paramedic, nhs, body))
          .compose(granted -> {
            grants.add(granted.statusCode());
            return bed.open(paramedic, nhs);
          })
          .map(view -> {
            views.add(view);
            return null;
          });
    }
    chain.onComplete(test.succeeding(v -> test.verify(() -> {
      assertThat(grants).as("each break-glass is granted").containsOnly(201);
      assertThat(views.subList(0, PER_USER)).allSatisfy(view -> {
        assertThat(view.getBoolean("allowed")).isTrue();
        assertThat(view.getString("purpose")).isEqualTo("emergency");
      });
      JsonObject past = views.get(PER_USER);
      assertThat(past.getInteger("status")).isEqualTo(429);
      assertThat(past.getString("code")).isEqualTo("THROTTLED");
      List<AccessAudit> breakGlasses = bed.audit.records.stream().filter(a -> a.action().equals("break-glass")).toList();
      assertThat(breakGlasses).hasSize(PER_USER + 1)
          .allSatisfy(a -> assertThat(AuditRecords.severity(a)).isEqualTo(AuditEntry.HIGH));
      // The record API audits the refused view with this code (this bed's probe route decides only); it is an alert.
      assertThat(AuditRecords.isAlert("record-view", past.getString("code"))).isTrue();
      test.completeNow();
    })));
  }
}
