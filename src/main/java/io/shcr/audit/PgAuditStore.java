package io.shcr.audit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The production store: one PostgreSQL table through the reactive Vert.x PG client, created on open.
 * Each row keeps the exact line {@link AuditEntry#toLine()} gives (so {@code audit verify} checks the
 * same bytes as for files) plus columns to search by. A batch is inserted in one transaction, so it
 * is durable when the commit returns and all or nothing otherwise. The sequence is the primary key:
 * if another instance extended the chain first, the insert fails and {@link AuditLog} re-reads the
 * head and re-seals, so several instances share one gapless chain.
 *
 * <p>Tamper evidence beyond the chain: the HMAC-sealed {@link Checkpoint} of the head lives in a
 * one-row table {@code <table>_head}, updated in the same transaction as each batch's inserts, so
 * deleting the newest rows is caught; triggers created on start refuse UPDATE, DELETE and TRUNCATE
 * on the trail (and moving the checkpoint backwards), so changing it needs a deliberate act by a
 * database owner that {@code audit verify} then reports; and the scan compares every search column
 * with the stored line, so editing a column to hide a row from searches is caught too.
 *
 * <p>Every append has a time limit inside PostgreSQL: the transaction sets {@code lock_timeout} and
 * {@code statement_timeout} to the write time limit, so a locked table fails the write (and rolls it
 * back) instead of holding the writer; a connection that says nothing for {@value #SILENT_CONNECTION_SECONDS}
 * s is closed, and the server ends a transaction left idle that long. A failed commit whose answer was
 * lost is settled by {@link AuditLog}, which reads the head back: the sequence primary key keeps the
 * chain gapless and unforked whatever the outcome was.
 */
public final class PgAuditStore implements AuditStore {

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final int SCAN_PAGE = 2_000;
  private static final String COLUMNS = "seq, recorded, type, severity, request_id, patient, user_id, organisation, refers_to, line";
  static final int SILENT_CONNECTION_SECONDS = 60;

  private final Pool pool;
  private final String table;
  private final String headTable;
  private final AuditKey key;
  private final String writeLimits;

  /** A store keyed with a fresh random key: only this process can verify what it writes (benchmarks). */
  public PgAuditStore(Vertx vertx, PgConnectOptions connect, String table, int poolSize) {
    this(vertx, connect, table, poolSize, AuditKey.ephemeral());
  }

  public PgAuditStore(Vertx vertx, PgConnectOptions connect, String table, int poolSize, AuditKey key) {
    this(vertx, connect, table, poolSize, key, AuditLog.DEFAULT_WRITE_TIMEOUT_MS);
  }

  /** @param writeTimeoutMs the time limit of one append inside PostgreSQL (lock and statement timeouts) */
  public PgAuditStore(Vertx vertx, PgConnectOptions connect, String table, int poolSize, AuditKey key, long writeTimeoutMs) {
    if (!IDENTIFIER.matcher(table).matches() || table.length() > 50) {
      throw new IllegalArgumentException("not a plain lower-case table name of at most 50 characters: " + table);
    }
    this.table = table;
    this.headTable = table + "_head";
    this.key = key;
    this.writeLimits = "SET LOCAL lock_timeout = " + writeTimeoutMs + "; SET LOCAL statement_timeout = " + writeTimeoutMs;
    PgConnectOptions options = new PgConnectOptions(connect);
    Map<String, String> properties = new HashMap<>(options.getProperties());
    properties.putIfAbsent("idle_in_transaction_session_timeout", Long.toString(SILENT_CONNECTION_SECONDS * 1000L));
    options.setProperties(properties);
    NetClientOptions transport = new NetClientOptions();
    transport.setReadIdleTimeout(SILENT_CONNECTION_SECONDS);
    transport.setTcpKeepAlive(true);
    this.pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(poolSize)).with(transport).connectingTo(options).using(vertx).build();
  }

  @Override
  public Future<ChainHead> open() {
    return pool.withTransaction(conn -> conn.query(schema()).execute())
        .compose(v -> checkpoint())
        .compose(checkpoint -> head().compose(head -> {
          String problem = Checkpoint.startupProblem(head, checkpoint, key, headTable);
          if (problem != null) {
            return Future.failedFuture(new IllegalStateException(problem));
          }
          if (checkpoint != null && checkpoint.sequence() == head.sequence()) {
            return Future.succeededFuture(head);
          }
          Checkpoint now = Checkpoint.of(head, key);
          String upsert = "INSERT INTO " + headTable + " (id, seq, hash, mac) VALUES (1, $1, $2, $3)"
              + " ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, mac = EXCLUDED.mac"
              + " WHERE " + headTable + ".seq < EXCLUDED.seq";
          return pool.preparedQuery(upsert).execute(Tuple.of(now.sequence(), now.hash(), now.mac())).map(head);
        }));
  }

  @Override
  public AuditKey key() {
    return key;
  }

  @Override
  public Future<Checkpoint> checkpoint() {
    return pool.query("SELECT seq, hash, mac FROM " + headTable + " WHERE id = 1").execute().map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new Checkpoint(row.getLong("seq"), row.getString("hash"), row.getString("mac"));
    });
  }

  @Override
  public Future<Void> append(List<AuditEntry> entries) {
    List<Tuple> rows = new ArrayList<>(entries.size());
    for (AuditEntry entry : entries) {
      rows.add(Tuple.of(entry.sequence(), entry.time().atOffset(ZoneOffset.UTC), entry.type(), entry.severity(), entry.requestId())
          .addString(entry.patient()).addString(entry.userId()).addString(entry.organisation())
          .addLong(entry.refersTo()).addString(entry.toLine()));
    }
    String insert = "INSERT INTO " + table
        + " (seq, recorded, type, severity, request_id, patient, user_id, organisation, refers_to, line)"
        + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    AuditEntry last = entries.get(entries.size() - 1);
    Checkpoint checkpoint = Checkpoint.of(new ChainHead(last.sequence(), last.hash()), key);
    String moveHead = "UPDATE " + headTable + " SET seq = $1, hash = $2, mac = $3 WHERE id = 1 AND seq < $1";
    return pool.withTransaction(conn -> conn.query(writeLimits).execute()
            .compose(limited -> conn.preparedQuery(insert).executeBatch(rows))
            .compose(inserted -> conn.preparedQuery(moveHead).execute(Tuple.of(checkpoint.sequence(), checkpoint.hash(), checkpoint.mac())))
            .compose(moved -> moved.rowCount() == 1 ? Future.<Void>succeededFuture()
                : Future.failedFuture(new IllegalStateException("the audit head checkpoint row in " + headTable + " is missing or ahead"))))
        .recover(error -> Future.failedFuture(isDuplicateSequence(error)
            ? new StaleHeadException("another writer extended the audit chain")
            : error));
  }

  /** Takes, within the write time limit, the locks an append takes, then rolls back: nothing is written. */
  @Override
  public Future<Void> probeWritable() {
    String probe = writeLimits + "; LOCK TABLE " + table + " IN ROW EXCLUSIVE MODE; LOCK TABLE " + headTable + " IN ROW EXCLUSIVE MODE";
    return pool.withConnection(conn -> conn.begin()
        .compose(tx -> conn.query(probe).execute().transform(done -> tx.rollback().transform(rolledBack ->
            done.succeeded() ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(done.cause())))));
  }

  @Override
  public Future<ChainHead> head() {
    return pool.query("SELECT line FROM " + table + " ORDER BY seq DESC LIMIT 1").execute().map(rows -> {
      if (rows.size() == 0) {
        return ChainHead.EMPTY;
      }
      AuditEntry last = AuditEntry.parse(rows.iterator().next().getString("line"));
      if (!last.sealedBy(key)) {
        throw new IllegalStateException("the last audit record in " + table
            + " does not match its hash under the audit key (edited, or the key is wrong); run `shcr audit verify`");
      }
      return new ChainHead(last.sequence(), last.hash());
    });
  }

  @Override
  public Future<Void> scan(LineVisitor visitor) {
    return scanFrom(Long.MIN_VALUE, visitor);
  }

  private Future<Void> scanFrom(long afterSequence, LineVisitor visitor) {
    String page = "SELECT " + COLUMNS + " FROM " + table + " WHERE seq > $1 ORDER BY seq LIMIT " + SCAN_PAGE;
    return pool.preparedQuery(page).execute(Tuple.of(afterSequence)).compose(rows -> {
      long last = afterSequence;
      for (Row row : rows) {
        last = row.getLong("seq");
        String location = table + ": seq " + last;
        if (!visitor.accept(location, row.getString("line"))) {
          return Future.succeededFuture();
        }
        String differs = SearchColumns.differences(row);
        if (differs != null && !visitor.mismatch(location, last, differs)) {
          return Future.succeededFuture();
        }
      }
      return rows.size() < SCAN_PAGE ? Future.succeededFuture() : scanFrom(last, visitor);
    });
  }

  @Override
  public Future<AuditPage> search(AuditQuery query) {
    List<Object> params = new ArrayList<>();
    StringBuilder where = new StringBuilder(" WHERE type = 'access'");
    condition(where, params, "patient = ", query.patient());
    condition(where, params, "user_id = ", query.user());
    condition(where, params, "organisation = ", query.organisation());
    condition(where, params, "recorded >= ", query.from() == null ? null : query.from().atOffset(ZoneOffset.UTC));
    condition(where, params, "recorded < ", query.to() == null ? null : query.to().atOffset(ZoneOffset.UTC));
    condition(where, params, "seq = ", query.sequence());
    condition(where, params, "organisation = ", query.scope());
    if (query.alertsOnly()) {
      where.append(" AND severity = 'high'");
    }
    String count = "SELECT count(*) AS total FROM " + table + where;
    String page = "SELECT line FROM " + table + where + " ORDER BY seq DESC LIMIT " + query.pageSize() + " OFFSET " + query.offset();
    Tuple tuple = Tuple.tuple(params);
    return pool.preparedQuery(count).execute(tuple).compose(totals -> {
      long total = totals.iterator().next().getLong("total");
      return pool.preparedQuery(page).execute(tuple).compose(rows -> {
        List<AuditEntry> entries = lines(rows);
        return outcomes(entries).map(outcomes -> new AuditPage(total, entries, outcomes));
      });
    });
  }

  @Override
  public Future<List<AuditEntry>> acknowledgements(List<Long> alertSequences) {
    return referring(AuditEntry.ALERT_ACK, alertSequences);
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }

  private Future<Map<Long, AuditEntry>> outcomes(List<AuditEntry> accesses) {
    return referring(AuditEntry.OUTCOME, accesses.stream().map(AuditEntry::sequence).toList()).map(outcomes -> {
      Map<Long, AuditEntry> byAccess = new HashMap<>();
      outcomes.forEach(outcome -> byAccess.put(outcome.refersTo(), outcome));
      return byAccess;
    });
  }

  private Future<List<AuditEntry>> referring(String type, List<Long> sequences) {
    if (sequences.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    String sql = "SELECT line FROM " + table + " WHERE type = $1 AND refers_to = ANY($2) ORDER BY seq";
    return pool.preparedQuery(sql).execute(Tuple.tuple().addString(type).addArrayOfLong(sequences.toArray(new Long[0]))).map(PgAuditStore::lines);
  }

  private static void condition(StringBuilder where, List<Object> params, String clause, Object value) {
    if (value != null) {
      params.add(value);
      where.append(" AND ").append(clause).append('$').append(params.size());
    }
  }

  private static List<AuditEntry> lines(RowSet<Row> rows) {
    List<AuditEntry> entries = new ArrayList<>(rows.size());
    rows.forEach(row -> entries.add(AuditEntry.parse(row.getString("line"))));
    return entries;
  }

  private static boolean isDuplicateSequence(Throwable error) {
    return error instanceof DatabaseException db && "23505".equals(db.getSqlState());
  }

  private String schema() {
    String guard = "shcr_audit_append_only";
    String headGuard = "shcr_audit_head_forward";
    return "SELECT pg_advisory_xact_lock(hashtext('shcr-audit-schema'));"
        + "CREATE TABLE IF NOT EXISTS " + table + " ("
        + "seq bigint PRIMARY KEY, recorded timestamptz NOT NULL, type text NOT NULL, severity text NOT NULL,"
        + " request_id text, patient text, user_id text, organisation text, refers_to bigint, line text NOT NULL);"
        + "CREATE TABLE IF NOT EXISTS " + headTable + " (id smallint PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL,"
        + " hash text NOT NULL, mac text NOT NULL);"
        + "CREATE INDEX IF NOT EXISTS " + table + "_patient ON " + table + " (patient, seq);"
        + "CREATE INDEX IF NOT EXISTS " + table + "_user ON " + table + " (user_id, seq);"
        + "CREATE INDEX IF NOT EXISTS " + table + "_org ON " + table + " (organisation, seq);"
        + "CREATE INDEX IF NOT EXISTS " + table + "_recorded ON " + table + " (recorded);"
        + "CREATE INDEX IF NOT EXISTS " + table + "_refers ON " + table + " (refers_to) WHERE refers_to IS NOT NULL;"
        + "CREATE INDEX IF NOT EXISTS " + table + "_alerts ON " + table + " (seq) WHERE severity = 'high';"
        + "CREATE OR REPLACE FUNCTION " + guard + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " RAISE EXCEPTION 'the audit trail % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP; END $$;"
        + "CREATE OR REPLACE FUNCTION " + headGuard + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " IF TG_OP <> 'UPDATE' OR NEW.seq <= OLD.seq THEN"
        + " RAISE EXCEPTION 'the audit head checkpoint % only moves forward: % is not allowed', TG_TABLE_NAME, TG_OP; END IF;"
        + " RETURN NEW; END $$;"
        + trigger(table + "_append_only", table, "BEFORE UPDATE OR DELETE", "ROW", guard)
        + trigger(table + "_no_truncate", table, "BEFORE TRUNCATE", "STATEMENT", guard)
        + trigger(headTable + "_forward", headTable, "BEFORE UPDATE OR DELETE", "ROW", headGuard)
        + trigger(headTable + "_no_truncate", headTable, "BEFORE TRUNCATE", "STATEMENT", guard);
  }

  /** PostgreSQL 15 has no CREATE TRIGGER IF NOT EXISTS: drop and create, inside the schema's transaction. */
  private static String trigger(String name, String on, String when, String each, String function) {
    return "DROP TRIGGER IF EXISTS " + name + " ON " + on + ";"
        + "CREATE TRIGGER " + name + " " + when + " ON " + on + " FOR EACH " + each + " EXECUTE FUNCTION " + function + "();";
  }
}
