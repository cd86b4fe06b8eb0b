package io.shcr.audit;

import static io.shcr.audit.TestAudits.PATIENT_A;
import static io.shcr.audit.TestAudits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a crash leaves behind: a process killed with SIGKILL mid-load loses no acknowledged record; a
 * torn last line is cut (and kept aside) on open and the chain resumes after the last whole record; a
 * damaged last whole record stops the store from opening (fail closed).
 */
class CrashRecoveryTest {

  @TempDir
  Path dir;

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  @Test
  void sigkillMidLoadLosesNoAcknowledgedRecord() throws Exception {
    Path trail = dir.resolve("audit");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path acks = dir.resolve("acks.txt");
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), AuditCrashChild.class.getName(), trail.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .redirectOutput(acks.toFile())
        .start();
    try {
      while (child.isAlive() && acknowledged(acks).size() < 2_000) {
        Thread.sleep(20);
      }
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    List<Long> acknowledged = acknowledged(acks);
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(2_000);

    FileAuditStore reopened = new FileAuditStore(vertx, trail, 32 * 1024, TestAudits.KEY);
    AuditLog log = await(AuditLog.open(vertx, reopened, 1000));
    ChainVerifier.Report report = await(ChainVerifier.verify(reopened));
    assertThat(report.intact()).as("%s", report.problem()).isTrue();
    assertThat(report.lastSequence()).isGreaterThanOrEqualTo(acknowledged.stream().mapToLong(Long::longValue).max().orElseThrow());
    assertThat(await(log.recordAccess(TestAudits.view("after", PATIENT_A, "alice", "A81001"))).sequence())
        .isEqualTo(report.lastSequence() + 1);
    await(log.close());
  }

  private static List<Long> acknowledged(Path acks) throws IOException {
    List<Long> sequences = new ArrayList<>();
    for (String line : Files.readAllLines(acks, StandardCharsets.UTF_8)) {
      if (line.startsWith("ack ") && line.length() > 4) {
        sequences.add(Long.parseLong(line.substring(4).trim()));
      }
    }
    return sequences;
  }

  @Test
  void aTornLastLineIsCutOnOpenAndTheChainResumes() throws IOException {
    Path trail = dir.resolve("audit");
    AuditLog first = await(AuditLog.open(vertx, new FileAuditStore(vertx, trail, 1 << 20, TestAudits.KEY), 1000));
    AuditReceipt last = null;
    for (int i = 0; i < 5; i++) {
      last = await(first.recordAccess(TestAudits.view("r" + i, PATIENT_A, "alice", "A81001")));
    }
    await(first.close());
    Path file = AuditLogFiles.list(trail).get(0);
    String lastHash = AuditEntry.parse(Files.readAllLines(file).get(4)).hash();
    Files.writeString(file, "{\"seq\":6,\"time\":\"2025-", StandardOpenOption.APPEND);

    FileAuditStore store = new FileAuditStore(vertx, trail, 1 << 20, TestAudits.KEY);
    AuditLog second = await(AuditLog.open(vertx, store, 1000));
    AuditReceipt next = await(second.recordAccess(TestAudits.view("r5", PATIENT_A, "alice", "A81001")));
    await(second.close());

    assertThat(next.sequence()).isEqualTo(last.sequence() + 1);
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(6);
    assertThat(AuditEntry.parse(lines.get(5)).prevHash()).isEqualTo(lastHash);
    assertThat(await(ChainVerifier.verify(store)).intact()).isTrue();
    try (Stream<Path> aside = Files.list(trail)) {
      assertThat(aside.map(p -> p.getFileName().toString())).anyMatch(name -> name.startsWith(file.getFileName() + ".torn-"));
    }
  }

  @Test
  void aDamagedLastWholeRecordStopsTheStoreFromOpening() throws IOException {
    Path trail = dir.resolve("audit");
    AuditLog first = await(AuditLog.open(vertx, new FileAuditStore(vertx, trail, 1 << 20, TestAudits.KEY), 1000));
    await(first.recordAccess(TestAudits.view("r0", PATIENT_A, "alice", "A81001")));
    await(first.close());
    Path file = AuditLogFiles.list(trail).get(0);
    Files.writeString(file, Files.readString(file).replace("alice", "mallory"));

    assertThatThrownBy(() -> await(AuditLog.open(vertx, new FileAuditStore(vertx, trail, 1 << 20, TestAudits.KEY), 1000)))
        .hasMessageContaining("does not match its hash");
  }

  @Test
  void aSecondWriterOnTheSameDirectoryIsRefused() {
    Path trail = dir.resolve("audit");
    AuditLog first = await(AuditLog.open(vertx, new FileAuditStore(vertx, trail, 1 << 20, TestAudits.KEY), 1000));
    assertThatThrownBy(() -> await(AuditLog.open(vertx, new FileAuditStore(vertx, trail, 1 << 20, TestAudits.KEY), 1000)))
        .hasMessageContaining("another process is writing");
    await(first.close());
  }
}
