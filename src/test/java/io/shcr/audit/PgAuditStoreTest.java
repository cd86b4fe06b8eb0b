package io.shcr.audit;

import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The store contract on a real PostgreSQL server (see {@link TestPostgres}), a fresh table per test. */
class PgAuditStoreTest extends AuditStoreContract {

  private String table;

  @BeforeEach
  void freshTable() {
    table = "audit_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  @AfterEach
  void dropTable() {
    TestPostgres.dropTable(table);
  }

  @Override
  protected AuditStore newStore() {
    return new PgAuditStore(vertx, TestPostgres.connectOptions(), table, 4, TestAudits.KEY);
  }
}
