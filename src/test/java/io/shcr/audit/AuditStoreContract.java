package io.shcr.audit;

import static io.shcr.audit.TestAudits.PATIENT_A;
import static io.shcr.audit.TestAudits.PATIENT_B;
import static io.shcr.audit.TestAudits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link AuditStore} keeps, run through the {@link AuditLog} writer: gapless
 * numbering under concurrency, an intact chain, outcomes joined to their access, search and paging,
 * alerts and acknowledgements, and a chain that continues after reopening.
 */
abstract class AuditStoreContract {

  protected Vertx vertx;
  private final List<AuditLog> open = new ArrayList<>();

  /** A store over this test's own location; every call reaches the same trail. */
  protected abstract AuditStore newStore();

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stopVertx() {
    open.forEach(log -> await(log.close()));
    await(vertx.close());
  }

  protected AuditLog openLog() {
    AuditLog log = await(AuditLog.open(vertx, newStore(), 1000));
    open.add(log);
    return log;
  }

  protected void closeLog(AuditLog log) {
    open.remove(log);
    await(log.close());
  }

  @Test
  void concurrentAppendsAreNumberedWithoutGapsAndChained() {
    AuditLog log = openLog();
    List<Future<AuditReceipt>> receipts = IntStream.range(0, 200)
        .mapToObj(i -> log.recordAccess(TestAudits.view("req-" + i, i % 2 == 0 ? PATIENT_A : PATIENT_B, "u" + i % 5, "A8" + i % 3)))
        .toList();
    await(Future.all(receipts));
    assertThat(receipts.stream().map(f -> f.result().sequence()).sorted().toList())
        .isEqualTo(IntStream.rangeClosed(1, 200).mapToObj(i -> (long) i).toList());
    assertThat(receipts.get(7).result().requestId()).isEqualTo("req-7");
    assertThat(log.batchCount()).isLessThanOrEqualTo(log.appendedCount());

    ChainVerifier.Report report = await(ChainVerifier.verify(log.store()));
    assertThat(report.intact()).as("%s", report.problem()).isTrue();
    assertThat(report.checked()).isEqualTo(200);
  }

  @Test
  void outcomeIsAppendedToTheSameRequestsTrail() {
    AuditLog log = openLog();
    AuditReceipt receipt = await(log.recordAccess(TestAudits.view("req-1", PATIENT_A, "u1", "A81001")));
    await(log.recordOutcome(receipt, new ViewOutcome("complete", Map.of("gp-a", "ok", "trust-b", "timeout"), 12, 3, 840)));

    AuditPage page = await(log.store().search(query(PATIENT_A, null, null, null, null, 1, 10)));
    assertThat(page.total()).isEqualTo(1);
    AuditEntry access = page.entries().get(0);
    assertThat(access.data().getString("nhsNumber")).isEqualTo(PATIENT_A);
    assertThat(access.data().getJsonObject("principal").getString("roleProfileId")).isEqualTo("RP-u1");
    assertThat(access.data().getJsonArray("sourcesAsked")).containsExactly("gp-a", "trust-b");
    AuditEntry outcome = page.outcomes().get(access.sequence());
    assertThat(outcome.requestId()).isEqualTo("req-1");
    assertThat(outcome.data().getString("outcome")).isEqualTo("complete");
    assertThat(outcome.data().getJsonObject("sourceStatuses").getString("trust-b")).isEqualTo("timeout");
    assertThat(outcome.data().getInteger("resourcesWithheld")).isEqualTo(3);
  }

  @Test
  void searchFiltersByPatientUserOrganisationAndTimeAndPages() {
    AuditLog log = openLog();
    Instant before = Instant.now().minusSeconds(1);
    await(log.recordAccess(TestAudits.view("r1", PATIENT_A, "alice", "A81001")));
    await(log.recordAccess(TestAudits.view("r2", PATIENT_A, "bob", "A81002")));
    await(log.recordAccess(TestAudits.view("r3", PATIENT_B, "alice", "A81002")));
    await(log.recordAccess(TestAudits.view("r4", PATIENT_A, "alice", "A81001")));

    AuditPage first = await(log.store().search(query(PATIENT_A, null, null, null, null, 1, 2)));
    AuditPage second = await(log.store().search(query(PATIENT_A, null, null, null, null, 2, 2)));
    assertThat(first.total()).isEqualTo(3);
    assertThat(first.entries()).as("newest first").extracting(AuditEntry::requestId).containsExactly("r4", "r2");
    assertThat(second.entries()).extracting(AuditEntry::requestId).containsExactly("r1");
    assertThat(await(log.store().search(query(null, "alice", null, null, null, 1, 10))).entries())
        .extracting(AuditEntry::requestId).containsExactly("r4", "r3", "r1");
    assertThat(await(log.store().search(query(null, null, "A81002", null, null, 1, 10))).entries())
        .extracting(AuditEntry::requestId).containsExactly("r3", "r2");
    assertThat(await(log.store().search(query(PATIENT_A, null, null, null, null, 1, 10).scopedTo("A81001"))).entries())
        .as("scoped to one organisation's users").extracting(AuditEntry::requestId).containsExactly("r4", "r1");
    assertThat(await(log.store().search(query(PATIENT_A, "alice", "A81001", before, Instant.now().plusSeconds(60), 1, 10))).total())
        .isEqualTo(2);
    assertThat(await(log.store().search(query(null, null, null, Instant.now().plusSeconds(60), null, 1, 10))).total()).isZero();
  }

  @Test
  void breakGlassAndThrottlingAreHighSeverityAlertsThatCanBeAcknowledged() {
    AuditLog log = openLog();
    await(log.recordAccess(TestAudits.view("r1", PATIENT_A, "alice", "A81001")));
    AuditReceipt glass = await(log.recordAccess(TestAudits.breakGlass("r2", PATIENT_B, "bob")));
    AuditReceipt throttle = await(log.recordAccess(TestAudits.throttled("r3", PATIENT_A, "carol")));

    AuditPage alerts = await(log.store().search(AuditQuery.alerts(1, 10)));
    assertThat(alerts.entries()).extracting(AuditEntry::sequence).containsExactly(throttle.sequence(), glass.sequence());
    assertThat(alerts.entries()).allSatisfy(entry -> assertThat(entry.severity()).isEqualTo(AuditEntry.HIGH));
    assertThat(await(log.store().search(AuditQuery.alert(1))).entries()).isEmpty();

    AuditEntry ack = await(log.acknowledge(glass.sequence(), TestAudits.principal("po", "X26", "R0001"), "ack-1", "spoke to Dr bob"));
    assertThat(ack.type()).isEqualTo(AuditEntry.ALERT_ACK);
    List<AuditEntry> acks = await(log.store().acknowledgements(List.of(glass.sequence(), throttle.sequence())));
    assertThat(acks).singleElement().satisfies(entry -> {
      assertThat(entry.refersTo()).isEqualTo(glass.sequence());
      assertThat(entry.data().getString("note")).isEqualTo("spoke to Dr bob");
    });
    assertThat(await(ChainVerifier.verify(log.store())).intact()).isTrue();
  }

  @Test
  void reopeningContinuesTheChainWhereItStopped() {
    AuditLog first = openLog();
    for (int i = 0; i < 5; i++) {
      await(first.recordAccess(TestAudits.view("a" + i, PATIENT_A, "alice", "A81001")));
    }
    closeLog(first);

    AuditLog second = openLog();
    AuditReceipt next = await(second.recordAccess(TestAudits.view("b0", PATIENT_A, "alice", "A81001")));
    assertThat(next.sequence()).isEqualTo(6);
    ChainVerifier.Report report = await(ChainVerifier.verify(second.store()));
    assertThat(report.intact()).as("%s", report.problem()).isTrue();
    assertThat(report.lastSequence()).isEqualTo(6);
    assertThat(await(second.store().checkpoint()).sequence()).as("the checkpoint follows each batch").isEqualTo(6);
  }

  @Test
  void outcomesOfAPageBeyondTheFirstAreJoined() {
    AuditLog log = openLog();
    AuditReceipt old = await(log.recordAccess(TestAudits.view("old", PATIENT_A, "u1", "A81001")));
    await(log.recordAccess(TestAudits.view("new", PATIENT_A, "u1", "A81001")));
    await(log.recordOutcome(old, new ViewOutcome("complete", Map.of(), 1, 0, 5)));
    AuditPage second = await(log.store().search(query(PATIENT_A, null, null, null, null, 2, 1)));
    assertThat(second.entries()).extracting(AuditEntry::requestId).containsExactly("old");
    assertThat(second.outcomes().get(old.sequence()).data().getString("outcome")).isEqualTo("complete");
  }

  @Test
  void aClosedTrailRefusesNewRecords() {
    AuditLog log = openLog();
    closeLog(log);
    Future<AuditReceipt> refused = log.recordAccess(TestAudits.view("late", PATIENT_A, "alice", "A81001"));
    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause()).isInstanceOf(AuditUnavailableException.class);
  }

  static AuditQuery query(String patient, String user, String organisation, Instant from, Instant to, int page, int pageSize) {
    return new AuditQuery(patient, user, organisation, from, to, false, null, page, pageSize);
  }
}
