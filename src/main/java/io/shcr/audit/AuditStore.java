package io.shcr.audit;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where the chain is kept. One contract, two stores: {@link FileAuditStore} (the embedded default) and
 * {@link PgAuditStore} (production). Sequencing, hashing and group commit live in {@link AuditLog},
 * so a store only appends batches in order and reads them back.
 */
public interface AuditStore {

  /** Opens for writing (creates the directory or schema, discards a torn tail) and returns the chain's head. */
  Future<ChainHead> open();

  /**
   * Appends sealed records, in order, as one unit: the future succeeds only once every record is durable
   * (synced), and on failure none of them counts (the store has undone them or refuses further appends).
   * Fails with {@link StaleHeadException} when another writer extended the chain first.
   */
  Future<Void> append(List<AuditEntry> entries);

  /** The chain's head as currently stored (used after {@link StaleHeadException}). */
  Future<ChainHead> head();

  /**
   * Feeds every stored line, in stored order (file order, or sequence order), to the visitor until it
   * returns false. Read-only: usable on a trail no service has open. The visitor must not block.
   */
  Future<Void> scan(LineVisitor visitor);

  /** Access records matching the query, one page, in sequence order, each with its outcome if any. */
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
  }

  /** Another writer appended to the chain since this one read its head. */
  final class StaleHeadException extends RuntimeException {
    public StaleHeadException(String message) {
      super(message, null, false, false);
    }
  }
}
