package io.shcr.audit;

import io.shcr.access.Principal;
import io.shcr.audit.AuditStore.ChainHead;
import io.shcr.audit.AuditStore.StaleHeadException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link AuditTrail}: the single writer of the hash chain, with group commit. Callers on any
 * thread enqueue; one flusher (always on the writer's own context, so never two at once) takes
 * everything queued, numbers and seals it after the chain's head, hands the batch to the
 * {@link AuditStore} (one sync for the lot) and only then completes every caller's future, back on
 * the caller's context. A failed batch fails every future in it and leaves the head where it was, so
 * the record API answers 503 and sends nothing: audit fails closed.
 */
public final class AuditLog implements AuditTrail {

  private static final int STALE_HEAD_RETRIES = 5;

  private final AuditStore store;
  private final Context writer;
  private final int maxBatch;
  private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong appended = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private ChainHead head;
  private boolean flushing;
  private volatile boolean closed;
  private Promise<Void> drained;

  private AuditLog(AuditStore store, Context writer, ChainHead head, int maxBatch) {
    this.store = store;
    this.writer = writer;
    this.head = head;
    this.maxBatch = maxBatch;
  }

  /** Opens the store and starts the writer after the chain's current head. */
  public static Future<AuditLog> open(Vertx vertx, AuditStore store, int maxBatch) {
    Context writer = vertx.getOrCreateContext();
    return store.open().map(head -> new AuditLog(store, writer, head, maxBatch));
  }

  @Override
  public Future<AuditReceipt> recordAccess(AccessAudit access) {
    if (access == null || access.requestId() == null) {
      return Future.failedFuture(new AuditUnavailableException("an access record needs a request id", null));
    }
    return append(AuditEntry.ACCESS, AuditRecords.severity(access), access.requestId(), AuditRecords.access(access))
        .map(entry -> new AuditReceipt(entry.sequence(), access.requestId()));
  }

  @Override
  public Future<Void> recordOutcome(AuditReceipt receipt, ViewOutcome outcome) {
    return append(AuditEntry.OUTCOME, AuditEntry.NORMAL, receipt.requestId(), AuditRecords.outcome(receipt, outcome)).mapEmpty();
  }

  /** Appends a privacy officer's acknowledgement of an alert to the chain. */
  public Future<AuditEntry> acknowledge(long alertSequence, Principal by, String requestId, String note) {
    return append(AuditEntry.ALERT_ACK, AuditEntry.NORMAL, requestId, AuditRecords.acknowledgement(alertSequence, by, note));
  }

  public AuditStore store() {
    return store;
  }

  /** Records appended and batches synced since start: their ratio is the group-commit factor. */
  public long appendedCount() {
    return appended.get();
  }

  public long batchCount() {
    return batches.get();
  }

  /** Stops accepting records, writes what is queued, then closes the store. */
  public Future<Void> close() {
    closed = true;
    Promise<Void> done = Promise.promise();
    writer.runOnContext(v -> {
      drained = done;
      flush();
    });
    return done.future().compose(v -> store.close());
  }

  private Future<AuditEntry> append(String type, String severity, String requestId, JsonObject data) {
    if (closed) {
      return Future.failedFuture(new AuditUnavailableException("the audit trail is closed", null));
    }
    Promise<AuditEntry> promise = Promise.promise();
    queue.add(new Pending(type, severity, requestId, data, promise, Vertx.currentContext()));
    writer.runOnContext(v -> flush());
    return promise.future();
  }

  private void flush() {
    if (flushing) {
      return;
    }
    if (queue.isEmpty()) {
      if (drained != null) {
        drained.tryComplete();
      }
      return;
    }
    flushing = true;
    List<Pending> batch = new ArrayList<>();
    Pending next;
    while (batch.size() < maxBatch && (next = queue.poll()) != null) {
      batch.add(next);
    }
    write(batch, 0).onComplete(result -> onWriter(() -> {
      for (int i = 0; i < batch.size(); i++) {
        int index = i;
        batch.get(i).complete(result.map(entries -> entries.get(index)));
      }
      if (result.succeeded()) {
        appended.addAndGet(batch.size());
        batches.incrementAndGet();
      }
      flushing = false;
      flush();
    }));
  }

  private Future<List<AuditEntry>> write(List<Pending> batch, int attempt) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<AuditEntry> sealed = new ArrayList<>(batch.size());
    ChainHead last = head;
    for (Pending pending : batch) {
      AuditEntry entry = AuditEntry.seal(last.sequence() + 1, now, pending.type, pending.severity, pending.requestId, pending.data, last.hash(), store.key());
      sealed.add(entry);
      last = last.after(entry);
    }
    ChainHead newHead = last;
    return store.append(sealed)
        .map(v -> {
          head = newHead;
          return sealed;
        })
        .recover(error -> {
          if (error instanceof StaleHeadException && attempt < STALE_HEAD_RETRIES) {
            return store.head().compose(current -> {
              head = current;
              return write(batch, attempt + 1);
            });
          }
          return Future.failedFuture(new AuditUnavailableException("the audit record could not be made durable", error));
        });
  }

  private void onWriter(Runnable action) {
    if (Vertx.currentContext() == writer) {
      action.run();
    } else {
      writer.runOnContext(v -> action.run());
    }
  }

  private record Pending(String type, String severity, String requestId, JsonObject data, Promise<AuditEntry> promise, Context caller) {

    void complete(AsyncResult<AuditEntry> mine) {
      if (caller == null || caller == Vertx.currentContext()) {
        promise.handle(mine);
      } else {
        caller.runOnContext(v -> promise.handle(mine));
      }
    }
  }
}
