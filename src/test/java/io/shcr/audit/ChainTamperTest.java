package io.shcr.audit;

import static io.shcr.audit.TestAudits.PATIENT_A;
import static io.shcr.audit.TestAudits.await;
import static org.assertj.core.api.Assertions.assertThat;

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
 * inserted or swapped line, and a deleted rotated file; an intact trail passes. Also an edited row in
 * PostgreSQL.
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
    AuditLog log = await(AuditLog.open(vertx, new FileAuditStore(vertx, trail, 2_000), 1000));
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
      AuditEntry forged = AuditEntry.seal(6, after.time(), AuditEntry.ACCESS, AuditEntry.NORMAL, "forged", after.data(), after.hash());
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
  void anEditedRowInPostgresIsCaught() {
    String table = "audit_tamper_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try {
      PgAuditStore store = new PgAuditStore(vertx, TestPostgres.connectOptions(), table, 2);
      AuditLog log = await(AuditLog.open(vertx, store, 100));
      for (int i = 1; i <= 5; i++) {
        await(log.recordAccess(TestAudits.view("req-" + i, PATIENT_A, "user" + i, "A81001")));
      }
      assertThat(await(ChainVerifier.verify(store)).intact()).isTrue();
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
    int exit = command.execute("verify", "--config", dir.resolve("no-conf").toString(), "--dir", trail.toString());
    return "exit " + exit + "\n" + out;
  }
}
