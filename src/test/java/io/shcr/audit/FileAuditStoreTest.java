package io.shcr.audit;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded append-only files, with small files so rotation is exercised. */
class FileAuditStoreTest extends AuditStoreContract {

  @TempDir
  Path dir;

  @Override
  protected AuditStore newStore() {
    return new FileAuditStore(vertx, dir.resolve("audit"), 16 * 1024, TestAudits.KEY);
  }
}
