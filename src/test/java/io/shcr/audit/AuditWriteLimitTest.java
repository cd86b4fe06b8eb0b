package io.shcr.audit;

import static io.shcr.audit.TestAudits.PATIENT_A;
import static io.shcr.audit.TestAudits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: audit writes have a time limit and a failed store recovers by itself. A full disk fails
 * writes (503) and, once freed, the next write succeeds with the chain intact and no gap; a hung disk
 * answers every caller at the time limit, and a record that becomes durable late is kept with an
 * {@code audit-late} outcome; a locked PostgreSQL table fails writes at the limit instead of holding
 * them, and writes succeed once it is unlocked.
 */
class AuditWriteLimitTest {

  private static final long LIMIT_MS = 300;
  private static final AuditQuery ALL = new AuditQuery(null, null, null, null, null, false, null, 1, 100);

  @TempDir
  Path dir;

  private Vertx vertx;
  private final List<AuditLog> open = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    open.forEach(log -> {
      try {
        await(log.close());
      } catch (RuntimeException e) {
        // a test may leave a store failing on purpose
      }
    });
    await(vertx.close());
  }

  private AuditLog openLog(AuditStore store) {
    AuditLog log = await(AuditLog.open(vertx, store, 1000, LIMIT_MS));
    open.add(log);
    return log;
  }

  private static Future<AuditReceipt> view(AuditLog log, String requestId) {
    return log.recordAccess(TestAudits.view(requestId, PATIENT_A, "u1", "A81001"));
  }

  @Test
  void aFullDiskFailsWritesAndTheStoreRecoversOnceItIsFreed() {
    FaultyDisk disk = new FaultyDisk();
    Path trail = dir.resolve("audit");
    // Small files, so a rotation falls while the disk is full too.
    FileAuditStore store = new FileAuditStore(vertx, trail, 4 * 1024, TestAudits.KEY, disk);
    AuditLog log = openLog(store);
    for (int i = 0; i < 5; i++) {
      await(view(log, "before-" + i));
    }

    disk.full = true;
    for (int i = 0; i < 12; i++) {
      assertThatThrownBy(() -> await(view(log, "full"))).isInstanceOf(AuditUnavailableException.class);
    }
    assertThatThrownBy(() -> await(log.probeWritable())).isInstanceOf(AuditUnavailableException.class);

    disk.full = false;
    await(log.probeWritable());
    List<Long> after = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      after.add(await(view(log, "after-" + i)).sequence());
    }
    assertThat(after).as("the chain continues with no gap where the failed writes were")
        .isEqualTo(IntStream.rangeClosed(6, 25).mapToObj(i -> (long) i).toList());
    assertThat(await(ChainVerifier.verify(store)).intact()).isTrue();
    assertThat(searchIds(store)).doesNotContain("full");

    // And the files on disk open again as an intact trail with its checkpoint.
    closeAll();
    FileAuditStore reopened = new FileAuditStore(vertx, trail, 4 * 1024, TestAudits.KEY);
    AuditLog again = openLog(reopened);
    assertThat(await(view(again, "reopened")).sequence()).isEqualTo(26);
    ChainVerifier.Report report = await(ChainVerifier.verify(reopened));
    assertThat(report.intact()).as("%s", report.problem()).isTrue();
  }

  @Test
  void aCheckpointThatCannotBeWrittenDoesNotBreakTheStoreForever() {
    FaultyDisk disk = new FaultyDisk();
    Path trail = dir.resolve("audit");
    FileAuditStore store = new FileAuditStore(vertx, trail, 1 << 20, TestAudits.KEY, disk);
    AuditLog log = openLog(store);
    await(view(log, "before"));
    // The log takes the batch, the head checkpoint does not: the batch does not count.
    disk.checkpointOnly = true;
    disk.full = true;
    assertThatThrownBy(() -> await(view(log, "unacknowledged"))).isInstanceOf(AuditUnavailableException.class);
    disk.full = false;
    assertThat(await(view(log, "after")).sequence()).isEqualTo(2);
    assertThat(searchIds(store)).containsExactly("after", "before");
    assertThat(await(ChainVerifier.verify(store)).intact()).isTrue();
    closeAll();
    ChainVerifier.Report report = await(ChainVerifier.verify(new FileAuditStore(vertx, trail, 1 << 20, TestAudits.KEY)));
    assertThat(report.intact()).as("%s", report.problem()).isTrue();
    assertThat(report.lastSequence()).isEqualTo(2);
  }

  @Test
  void aHungDiskAnswersEveryCallerAtTheTimeLimitAndALateRecordSaysNothingWasShown() throws Exception {
    FaultyDisk disk = new FaultyDisk();
    FileAuditStore store = new FileAuditStore(vertx, dir.resolve("audit"), 1 << 20, TestAudits.KEY, disk);
    AuditLog log = openLog(store);
    await(view(log, "before"));

    disk.hang();
    long started = System.nanoTime();
    Future<AuditReceipt> stuck = view(log, "stuck");
    // Queued behind the stuck write: answered at the limit too, and never written.
    Thread.sleep(50);
    Future<AuditReceipt> queued = view(log, "queued");
    assertThatThrownBy(() -> await(stuck)).isInstanceOf(AuditUnavailableException.class);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(LIMIT_MS - 50, LIMIT_MS + 2_000);
    assertThatThrownBy(() -> await(queued)).isInstanceOf(AuditUnavailableException.class);
    assertThatThrownBy(() -> await(log.probeWritable())).isInstanceOf(AuditUnavailableException.class);
    assertThat(log.timedOutCount()).isEqualTo(2);

    disk.release();
    // The stuck batch was written after all: it stays, and the trail says nothing was shown for it.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (outcomeOf(store, "stuck") == null && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(outcomeOf(store, "stuck")).isEqualTo(AuditLog.AUDIT_LATE);
    assertThat(searchIds(store)).containsExactly("stuck", "before");
    assertThat(await(view(log, "after")).sequence()).isEqualTo(4);
    assertThat(await(ChainVerifier.verify(store)).intact()).isTrue();
  }

  @Test
  void aCommitWhoseAnswerWasLostIsReadBackNotWrittenTwice() {
    FileAuditStore real = new FileAuditStore(vertx, dir.resolve("audit"), 1 << 20, TestAudits.KEY);
    LosingStore store = new LosingStore(real);
    AuditLog log = openLog(store);
    await(view(log, "first"));
    store.loseNextAnswer = true;
    assertThat(await(view(log, "answer-lost")).sequence()).as("committed, so it stands as written").isEqualTo(2);
    store.failNextBeforeWriting = true;
    assertThatThrownBy(() -> await(view(log, "not-written"))).isInstanceOf(AuditUnavailableException.class);
    assertThat(await(view(log, "next")).sequence()).as("no gap where nothing was written").isEqualTo(3);
    assertThat(await(ChainVerifier.verify(real)).intact()).isTrue();
    assertThat(searchIds(real)).containsExactly("next", "answer-lost", "first");
  }

  @Test
  void aLockedPostgresTableFailsWritesAtTheLimitAndTheyResumeWhenItIsUnlocked() throws Exception {
    String table = "audit_limit_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try {
      // A roomier limit than the file tests: a first PostgreSQL write prepares its statements.
      long limitMs = 1_500;
      PgAuditStore store = new PgAuditStore(vertx, TestPostgres.connectOptions(), table, 4, TestAudits.KEY, limitMs);
      AuditLog log = await(AuditLog.open(vertx, store, 1000, limitMs));
      open.add(log);
      warmUp(log);
      long before = await(store.head()).sequence();
      try (AutoCloseable lock = TestPostgres.lockExclusively(table)) {
        long started = System.nanoTime();
        assertThatThrownBy(() -> await(view(log, "locked"))).isInstanceOf(AuditUnavailableException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("not 44 s").isLessThan(limitMs + 2_000);
        assertThatThrownBy(() -> await(log.probeWritable())).isInstanceOf(AuditUnavailableException.class);
      }
      // The lock timeout rolled the write back inside PostgreSQL, so it left nothing behind.
      assertThat(await(view(log, "after")).sequence()).isEqualTo(before + 1);
      await(log.probeWritable());
      ChainVerifier.Report report = await(ChainVerifier.verify(store));
      assertThat(report.intact()).as("%s", report.problem()).isTrue();
      assertThat(report.checked()).isEqualTo(before + 1);
      assertThat(searchIds(store)).doesNotContain("locked");
    } finally {
      closeAll();
      TestPostgres.dropTable(table);
    }
  }

  /** A cold JVM's first PostgreSQL write (connecting, preparing) may pass the limit on busy cores: retry until one does not. */
  private static void warmUp(AuditLog log) {
    for (int attempt = 0; attempt < 10; attempt++) {
      try {
        await(view(log, "warm-up"));
        return;
      } catch (AuditUnavailableException slow) {
        // try again on the now open connection
      }
    }
    throw new IllegalStateException("no PostgreSQL write within the limit in ten attempts");
  }

  private void closeAll() {
    open.forEach(log -> await(log.close()));
    open.clear();
  }

  /** Request ids of the access records, newest first. */
  private static List<String> searchIds(AuditStore store) {
    return await(store.search(ALL)).entries().stream().map(AuditEntry::requestId).toList();
  }

  private static String outcomeOf(AuditStore store, String requestId) {
    AuditPage page = await(store.search(ALL));
    return page.entries().stream().filter(e -> requestId.equals(e.requestId())).findFirst()
        .map(e -> page.outcomes().get(e.sequence())).map(o -> o.data().getString("outcome")).orElse(null);
  }

  /** A store whose answers can be lost after it wrote (a commit whose reply never came), or that fails before writing. */
  private static final class LosingStore implements AuditStore {
    private final AuditStore real;
    volatile boolean loseNextAnswer;
    volatile boolean failNextBeforeWriting;

    LosingStore(AuditStore real) {
      this.real = real;
    }

    @Override
    public Future<ChainHead> open() {
      return real.open();
    }

    @Override
    public Future<Void> append(List<AuditEntry> entries) {
      if (failNextBeforeWriting) {
        failNextBeforeWriting = false;
        return Future.failedFuture(new java.io.IOException("connection refused"));
      }
      Future<Void> written = real.append(entries);
      if (loseNextAnswer) {
        loseNextAnswer = false;
        return written.compose(v -> Future.failedFuture(new java.io.IOException("connection closed before the commit was answered")));
      }
      return written;
    }

    @Override
    public Future<ChainHead> head() {
      return real.head();
    }

    @Override
    public Future<Void> probeWritable() {
      return real.probeWritable();
    }

    @Override
    public AuditKey key() {
      return real.key();
    }

    @Override
    public Future<Checkpoint> checkpoint() {
      return real.checkpoint();
    }

    @Override
    public Future<Void> scan(LineVisitor visitor) {
      return real.scan(visitor);
    }

    @Override
    public Future<AuditPage> search(AuditQuery query) {
      return real.search(query);
    }

    @Override
    public Future<List<AuditEntry>> acknowledgements(List<Long> alertSequences) {
      return real.acknowledgements(alertSequences);
    }

    @Override
    public Future<Void> close() {
      return real.close();
    }
  }
}
