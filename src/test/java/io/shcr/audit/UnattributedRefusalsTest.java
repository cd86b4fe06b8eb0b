package io.shcr.audit;

import static io.shcr.audit.TestAudits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shcr.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of requests nobody could be identified for cannot fill the audit disk: per window, the
 * first few such refusals are recorded one by one and the rest counted into one summary per kind;
 * anything attributed (or allowed) always passes through; and a real trail shows exactly that.
 */
class UnattributedRefusalsTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private final List<AccessAudit> written = new CopyOnWriteArrayList<>();
  private final AuditTrail memory = new AuditTrail() {
    @Override
    public Future<AuditReceipt> recordAccess(AccessAudit access) {
      written.add(access);
      return Future.succeededFuture(new AuditReceipt(written.size(), access.requestId()));
    }

    @Override
    public Future<Void> recordOutcome(AuditReceipt receipt, ViewOutcome outcome) {
      return Future.succeededFuture();
    }
  };

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private static AccessAudit unknownRoute(int i, String client) {
    return new AccessAudit("r" + i, Instant.now(), null, "request", null, null, null, List.of(), List.of(), "refused", "NOT_FOUND",
        client, "scanner").withRequest(new RequestFacts("GET", "/probe/" + i, "none", 404));
  }

  @Test
  void aFloodIsRecordedOneByOneUpToTheBudgetThenCountedPerKind() {
    UnattributedRefusals limited = UnattributedRefusals.start(vertx, memory, new UnattributedRefusals.Settings(3_600_000, 5));
    for (int i = 0; i < 1_000; i++) {
      AuditReceipt receipt = await(limited.recordAccess(unknownRoute(i, "10.0.0." + (i % 3))));
      assertThat(receipt.requestId()).isEqualTo("r" + i);
    }
    AccessAudit expired = new AccessAudit("t1", Instant.now(), null, "record.view", "9990000018", "direct-care", null, List.of(),
        List.of(), "refused", "UNAUTHORISED", "10.0.0.9", "x").withRequest(new RequestFacts("GET", "/x", "none", 401));
    await(limited.recordAccess(expired));
    await(limited.recordAccess(TestAudits.view("v1", TestAudits.PATIENT_A, "alice", "A81001")));
    await(limited.recordAccess(TestAudits.throttled("t2", TestAudits.PATIENT_A, "carol")));
    assertThat(written).as("5 one by one, then only what is attributed").hasSize(7);
    assertThat(limited.summarisedCount()).isEqualTo(996);

    await(limited.flush());
    List<AccessAudit> summaries = written.stream().filter(a -> a.summary() != null).toList();
    assertThat(summaries).as("one per kind").hasSize(2);
    RefusalSummary notFound = summaries.stream().filter(a -> "NOT_FOUND".equals(a.refusalCode())).findFirst().orElseThrow().summary();
    assertThat(notFound.count()).isEqualTo(995);
    assertThat(notFound.distinctClients()).isEqualTo(3);
    assertThat(notFound.clients().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(995);
    assertThat(notFound.samplePaths()).hasSize(RefusalSummary.MAX_SAMPLES).allMatch(p -> p.startsWith("GET /probe/"));
    assertThat(summaries).allSatisfy(s -> {
      assertThat(s.principal()).isNull();
      assertThat(s.outcome()).isEqualTo("refused");
    });

    // A new window records one by one again.
    await(limited.recordAccess(unknownRoute(2_000, "10.0.0.1")));
    assertThat(written.get(written.size() - 1).requestId()).isEqualTo("r2000");
    await(limited.close());
  }

  @Test
  void theKindsOfSummaryAreBoundedToo() {
    UnattributedRefusals limited = UnattributedRefusals.start(vertx, memory, new UnattributedRefusals.Settings(3_600_000, 0));
    for (int i = 0; i < 500; i++) {
      await(limited.recordAccess(new AccessAudit("k" + i, Instant.now(), null, "request", null, null, null, List.of(), List.of(),
          "refused", "CODE_" + i, "10.0.0.1", null)));
    }
    await(limited.close());
    assertThat(written).hasSize(UnattributedRefusals.MAX_TALLIES + 1);
    assertThat(written.stream().mapToLong(a -> a.summary().count()).sum()).isEqualTo(500);
  }

  @Test
  void onARealTrailTheSummaryIsAnAccessRecordOnlyRegionWideOfficersFind() {
    AuditLog log = await(AuditLog.open(vertx, new FileAuditStore(vertx, dir.resolve("audit"), 1 << 20, TestAudits.KEY), 1000));
    UnattributedRefusals limited = UnattributedRefusals.start(vertx, log, new UnattributedRefusals.Settings(3_600_000, 2));
    for (int i = 0; i < 50; i++) {
      await(limited.recordAccess(unknownRoute(i, "192.0.2.7")));
    }
    await(limited.close());
    AuditPage page = await(log.store().search(new AuditQuery(null, null, null, null, null, false, null, 1, 100)));
    assertThat(page.entries()).hasSize(3);
    JsonObject summary = page.entries().get(0).data().getJsonObject("summary");
    assertThat(summary.getLong("count")).isEqualTo(48);
    assertThat(summary.getJsonObject("clients").getMap()).isEqualTo(Map.of("192.0.2.7", 48));
    AuditPage scoped = await(log.store().search(new AuditQuery(null, null, null, null, null, false, null, 1, 100).scopedTo("RXN")));
    assertThat(scoped.entries()).as("no organisation: not in an organisation's scope").isEmpty();
    assertThat(FhirAuditEvents.event(page.entries().get(0), null).getString("outcomeDesc"))
        .contains("48 such requests without a valid token from 1 addresses");
    await(log.close());
  }

  @Test
  void settingsComeFromAuditYaml() {
    assertThat(UnattributedRefusals.Settings.fromJson(new JsonObject(), "audit.yaml")).isEqualTo(UnattributedRefusals.Settings.DEFAULT);
    assertThat(UnattributedRefusals.Settings.fromJson(new JsonObject().put("unattributedRefusals",
        new JsonObject().put("windowSeconds", 10).put("recordedPerWindow", 3)), "audit.yaml"))
        .isEqualTo(new UnattributedRefusals.Settings(10_000, 3));
    assertThatThrownBy(() -> UnattributedRefusals.Settings.fromJson(new JsonObject().put("unattributedRefusals",
        new JsonObject().put("windowSeconds", 0)), "audit.yaml")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("windowSeconds");
    assertThat(UnattributedRefusals.Settings.load(Path.of("conf"))).as("the shipped file").isNotNull();
  }
}
