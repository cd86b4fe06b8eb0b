package io.shcr.audit;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where the chain is kept. One contract, two stores: {@link FileAuditStore} (the embedded default) and
 * {@link PgAuditStore} (production). Sequencing, hashing and group commit live in {@link AuditLog},
 * so a store only appends batches in order and reads them back.
 */
public interface AuditStore {

  /**
   * Opens for writing (creates the directory or schema, discards a torn tail) and returns the chain's
   * head; refuses a trail that ends before its {@link Checkpoint} or has records but no checkpoint.
   */
  Future<ChainHead> open();

  /**
   * Appends sealed records, in order, as one unit, and moves the {@link Checkpoint} to the last of them
   * (one checkpoint write per batch): the future succeeds only once both are durable (synced), and on
   * failure none of them counts (the store undoes them before its next append), unless {@link #head()}
   * then shows them committed. Fails with {@link StaleHeadException} when another writer extended the
   * chain first. Each store bounds its own write (PostgreSQL: statement and lock timeouts).
   */
  Future<Void> append(List<AuditEntry> entries);

  /**
   * The chain's head as currently stored: read after {@link StaleHeadException}, and after any failed
   * append, whose outcome may be unknown (a commit whose answer was lost).
   */
  Future<ChainHead> head();

  /**
   * Whether the store would take a write now, without adding to the chain (readiness): the embedded
   * store syncs a scratch file on its writer thread, PostgreSQL takes the locks an append takes. A
   * store left inconsistent by a failed write restores itself here too.
   */
  Future<Void> probeWritable();

  /** The key the chain and its checkpoint are sealed with. */
  AuditKey key();

  /** The stored head checkpoint, or a null result when there is none. Read-only. */
  Future<Checkpoint> checkpoint();

  /**
   * Feeds every stored line, in stored order (file order, or sequence order), to the visitor until it
   * returns false. Read-only: usable on a trail no service has open. The visitor must not block.
   */
  Future<Void> scan(LineVisitor visitor);

  /** Access records matching the query, one page, newest first, each with its outcome if any. */
  Future<AuditPage> search(AuditQuery query);

  /** Alert-acknowledgement records for the given alert sequences. */
  Future<List<AuditEntry>> acknowledgements(List<Long> alertSequences);

  Future<Void> close();

  /** The last record of the chain: what the next record follows. */
  record ChainHead(long sequence, String hash) {
    public static final ChainHead EMPTY = new ChainHead(0, AuditEntry.GENESIS);

    public ChainHead after(AuditEntry entry) {
      return new ChainHead(entry.sequence(), entry.hash());
    }
  }

  /** One stored line and where it is (file and line number, or table and sequence). */
  @FunctionalInterface
  interface LineVisitor {
    boolean accept(String location, String line);

    /**
     * A store that keeps facts beside the line (PostgreSQL's search columns) reports here when they
     * disagree with it; return false to stop. Searches ignore it; the verifier treats it as tampering.
     */
    default boolean mismatch(String location, long sequence, String what) {
      return true;
    }
  }

  /** Another writer appended to the chain since this one read its head. */
  final class StaleHeadException extends RuntimeException {
    public StaleHeadException(String message) {
      super(message, null, false, false);
    }
  }
}
