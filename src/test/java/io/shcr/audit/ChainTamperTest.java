package io.shcr.audit;

import static io.shcr.audit.TestAudits.PATIENT_A;
import static io.shcr.audit.TestAudits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shcr.cli.AuditCommand;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Tampering with the embedded trail's lines is caught by {@code audit verify}: an edited, deleted,
 * inserted or swapped line, a deleted rotated file, the newest records cut off, the head checkpoint
 * deleted or edited, and the whole chain recomputed without the key; an intact trail passes, and a
 * truncated trail stops the store from opening. Also edited, deleted and truncated rows and edited
 * search columns in PostgreSQL, whose triggers refuse UPDATE and DELETE.
 */
class ChainTamperTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private Path trail;

  @BeforeEach
  void writeTrail() {
    vertx = Vertx.vertx();
    trail = dir.resolve("audit");
    AuditLog log = await(AuditLog.open(vertx, new FileAuditStore(vertx, trail, 2_000, TestAudits.KEY), 1000));
    for (int i = 1; i <= 10; i++) {
      await(log.recordAccess(TestAudits.view("req-" + i, PATIENT_A, "user" + i, "A81001")));
    }
    await(log.close());
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  @Test
  void anIntactTrailPassesAcrossRotatedFiles() throws IOException {
    assertThat(AuditLogFiles.list(trail)).hasSizeGreaterThan(2);
    assertThat(verify()).startsWith("exit 0").contains("intact: 10 records");
  }

  @Test
  void anEditedLineIsCaught() throws IOException {
    tamper(lines -> {
      lines.set(3, lines.get(3).replace("user4", "user9"));
      return lines;
    });
    assertThat(verify()).startsWith("exit 1").contains("sequence 4").contains("edited");
  }

  @Test
  void aDeletedLineIsCaught() throws IOException {
    tamper(lines -> {
      lines.remove(3);
      return lines;
    });
    assertThat(verify()).startsWith("exit 1").contains("records 4 were deleted");
  }

  @Test
  void anInsertedLineIsCaught() throws IOException {
    tamper(lines -> {
      lines.add(6, lines.get(2));
      return lines;
    });
    assertThat(verify()).startsWith("exit 1").contains("sequence 3 after 6").contains("inserted or the records were reordered");
  }

  @Test
  void aForgedLineWithItsOwnValidHashIsCaught() throws IOException {
    tamper(lines -> {
      AuditEntry after = AuditEntry.parse(lines.get(4));
      AuditEntry forged = AuditEntry.seal(6, after.time(), AuditEntry.ACCESS, AuditEntry.NORMAL, "forged", after.data(), after.hash(),
          TestAudits.KEY);
      lines.add(5, forged.toLine());
      return lines;
    });
    assertThat(verify()).startsWith("exit 1").contains("sequence 6 after 6");
  }

  @Test
  void swappedLinesAreCaught() throws IOException {
    tamper(lines -> {
      String third = lines.get(2);
      lines.set(2, lines.get(3));
      lines.set(3, third);
      return lines;
    });
    assertThat(verify()).startsWith("exit 1").contains("sequence jumps from 2 to 4");
  }

  @Test
  void aDeletedRotatedFileIsCaught() throws IOException {
    Files.delete(AuditLogFiles.list(trail).get(1));
    assertThat(verify()).startsWith("exit 1").contains("were deleted");
  }

  @Test
  void deletingTheNewestRecordsIsCaughtAndTheStoreRefusesToReuseTheirSequences() throws IOException {
    tamper(lines -> lines.subList(0, 8));
    assertThat(verify()).startsWith("exit 1").contains("ends at sequence 8").contains("records 9..10 were deleted");
    assertThatThrownBy(() -> await(AuditLog.open(vertx, new FileAuditStore(vertx, trail, 2_000, TestAudits.KEY), 1000)))
        .hasMessageContaining("records 9..10 were deleted");
  }

  @Test
  void aDeletedCheckpointIsCaught() throws IOException {
    Files.delete(trail.resolve(FileAuditStore.HEAD));
    assertThat(verify()).startsWith("exit 1").contains("checkpoint is missing");
    assertThatThrownBy(() -> await(AuditLog.open(vertx, new FileAuditStore(vertx, trail, 2_000, TestAudits.KEY), 1000)))
        .hasMessageContaining("checkpoint").hasMessageContaining("missing");
  }

  @Test
  void anEditedCheckpointIsCaught() throws IOException {
    Path head = trail.resolve(FileAuditStore.HEAD);
    Files.writeString(head, Files.readString(head).replace("\"seq\":10", "\"seq\":8"));
    assertThat(verify()).startsWith("exit 1").contains("does not match its HMAC");
  }

  @Test
  void aChainRecomputedWithoutTheKeyIsCaught() throws IOException {
    AuditKey attackers = AuditKey.of("an-attacker-who-can-write-the-files-but-has-no-key");
    tamper(lines -> {
      List<String> rewritten = new ArrayList<>();
      String prev = AuditEntry.GENESIS;
      for (String line : lines) {
        AuditEntry entry = AuditEntry.parse(line);
        AuditEntry resealed = AuditEntry.seal(entry.sequence(), entry.time(), entry.type(), entry.severity(), entry.requestId(),
            entry.data().put("userAgent", "edited"), prev, attackers);
        rewritten.add(resealed.toLine());
        prev = resealed.hash();
      }
      return rewritten;
    });
    assertThat(verify()).startsWith("exit 1").contains("sequence 1").contains("does not match its hash under the audit key");
  }

  @Test
  void verifyNeedsTheTrailsKey() {
    AuditStore wrongKey = new FileAuditStore(vertx, trail, 2_000, AuditKey.of("not-the-key-this-trail-was-written-with"));
    assertThat(await(ChainVerifier.verify(wrongKey)).problem().message()).contains("HMAC");
  }

  @Test
  void postgresRefusesUpdatesAndDeletesAndVerifyCatchesTruncationAndEditedColumns() {
    String table = "audit_guard_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try {
      PgAuditStore store = new PgAuditStore(vertx, TestPostgres.connectOptions(), table, 2, TestAudits.KEY);
      AuditLog log = await(AuditLog.open(vertx, store, 100));
      for (int i = 1; i <= 5; i++) {
        await(log.recordAccess(TestAudits.view("req-" + i, PATIENT_A, "user" + i, "A81001")));
      }
      assertThatThrownBy(() -> TestPostgres.execute("UPDATE " + table + " SET patient = '9999999999' WHERE seq = 2"))
          .hasMessageContaining("append-only");
      assertThatThrownBy(() -> TestPostgres.execute("DELETE FROM " + table + " WHERE seq = 5")).hasMessageContaining("append-only");
      assertThatThrownBy(() -> TestPostgres.execute("TRUNCATE " + table)).hasMessageContaining("append-only");
      assertThatThrownBy(() -> TestPostgres.execute("UPDATE " + table + "_head SET seq = 3")).hasMessageContaining("only moves forward");

      TestPostgres.execute("ALTER TABLE " + table + " DISABLE TRIGGER USER");
      TestPostgres.execute("UPDATE " + table + " SET patient = '9999999999' WHERE seq = 2");
      ChainVerifier.Report hidden = await(ChainVerifier.verify(store));
      assertThat(hidden.problem().sequence()).isEqualTo(2);
      assertThat(hidden.problem().message()).contains("patient");
      TestPostgres.execute("UPDATE " + table + " SET patient = '" + PATIENT_A + "', user_id = 'someone' WHERE seq = 2");
      assertThat(await(ChainVerifier.verify(store)).problem().message()).contains("user_id");
      TestPostgres.execute("UPDATE " + table + " SET user_id = 'user2' WHERE seq = 2");
      assertThat(await(ChainVerifier.verify(store)).intact()).isTrue();

      TestPostgres.execute("DELETE FROM " + table + " WHERE seq >= 4");
      assertThat(await(ChainVerifier.verify(store)).problem().message()).contains("records 4..5 were deleted");
      await(log.close());
      PgAuditStore reopened = new PgAuditStore(vertx, TestPostgres.connectOptions(), table, 2, TestAudits.KEY);
      assertThatThrownBy(() -> await(AuditLog.open(vertx, reopened, 100))).hasMessageContaining("records 4..5 were deleted");
      await(reopened.close());
    } finally {
      TestPostgres.dropTable(table);
    }
  }

  @Test
  void anEditedRowInPostgresIsCaught() {
    String table = "audit_tamper_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try {
      PgAuditStore store = new PgAuditStore(vertx, TestPostgres.connectOptions(), table, 2, TestAudits.KEY);
      AuditLog log = await(AuditLog.open(vertx, store, 100));
      for (int i = 1; i <= 5; i++) {
        await(log.recordAccess(TestAudits.view("req-" + i, PATIENT_A, "user" + i, "A81001")));
      }
      assertThat(await(ChainVerifier.verify(store)).intact()).isTrue();
      TestPostgres.execute("ALTER TABLE " + table + " DISABLE TRIGGER USER");
      TestPostgres.execute("UPDATE " + table + " SET line = replace(line, 'user3', 'user1') WHERE seq = 3");
      ChainVerifier.Report edited = await(ChainVerifier.verify(store));
      assertThat(edited.problem().sequence()).isEqualTo(3);
      TestPostgres.execute("DELETE FROM " + table + " WHERE seq = 3");
      assertThat(await(ChainVerifier.verify(store)).problem().message()).contains("records 3 were deleted");
      await(log.close());
    } finally {
      TestPostgres.dropTable(table);
    }
  }

  private void tamper(UnaryOperator<List<String>> change) throws IOException {
    List<String> all = new ArrayList<>();
    List<Path> files = AuditLogFiles.list(trail);
    for (Path file : files) {
      all.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
      Files.delete(file);
    }
    List<String> changed = change.apply(all);
    Files.write(trail.resolve(AuditLogFiles.name(1)), changed, StandardCharsets.UTF_8);
  }

  private String verify() {
    StringWriter out = new StringWriter();
    CommandLine command = new CommandLine(new AuditCommand());
    command.setOut(new PrintWriter(out, true));
    int exit = command.execute("verify", "--config", TestAudits.confDir(dir.resolve("conf")).toString(), "--dir", trail.toString());
    return "exit " + exit + "\n" + out;
  }
}
