package io.shcr.audit;

import io.shcr.core.Principal;
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
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AuditTrail}: the single writer of the hash chain, with group commit. Callers on any
 * thread enqueue; one flusher (always on the writer's own context, so never two at once) takes
 * everything queued, numbers and seals it after the chain's head, hands the batch to the
 * {@link AuditStore} (one sync for the lot) and only then completes every caller's future, back on
 * the caller's context. A failed batch fails every future in it and leaves the head where it was, so
 * the record API answers 503 and sends nothing: audit fails closed.
 *
 * <p><b>A time limit on every write.</b> A record not durable within {@code writeTimeoutMs} of being
 * asked for fails its caller ({@link AuditUnavailableException}, so 503 AUDIT_UNAVAILABLE, never a
 * hang). One timer, armed at the oldest deadline, does this for everyone. What the limit does not do
 * is abandon a write already handed to the store: the writer waits for the store's own answer (each
 * store bounds its writes) before sealing the next batch, because sealing after a head that a late
 * commit then moves would fork the chain. So:
 * <ul>
 *   <li>a record still queued at its deadline is dropped, never written: nobody was told anything
 *       but "not audited", and no data flowed;</li>
 *   <li>a record whose batch commits after its caller was answered 503 stays in the chain (it was
 *       asked for), and an {@code audit-late} outcome is appended for each such access, so the trail
 *       says that nothing was shown;</li>
 *   <li>after a failed batch the head is read back from the store before the next one: if the batch
 *       did commit (an answer lost with the connection) it is treated as late, otherwise the chain
 *       continues from where it was.</li>
 * </ul>
 */
public final class AuditLog implements AuditTrail {

  /** The time limit of one write when audit.yaml does not set {@code writeTimeoutMs}. */
  public static final long DEFAULT_WRITE_TIMEOUT_MS = 2_000;
  /** The outcome recorded for an access whose record became durable only after its request was refused 503. */
  public static final String AUDIT_LATE = "audit-late";
  private static final int STALE_HEAD_RETRIES = 5;
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

  private final Vertx vertx;
  private final AuditStore store;
  private final Context writer;
  private final int maxBatch;
  private final long writeTimeoutMs;
  private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong appended = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();
  // Writer-context state:
  private ChainHead head;
  private boolean headUncertain;
  private boolean flushing;
  private List<Pending> inFlight = List.of();
  private long expiryTimer = -1;
  private volatile boolean closed;
  private Promise<Void> drained;

  private AuditLog(Vertx vertx, AuditStore store, Context writer, ChainHead head, int maxBatch, long writeTimeoutMs) {
    this.vertx = vertx;
    this.store = store;
    this.writer = writer;
    this.head = head;
    this.maxBatch = maxBatch;
    this.writeTimeoutMs = writeTimeoutMs;
  }

  /** Opens the store and starts the writer after the chain's current head, with the default time limit. */
  public static Future<AuditLog> open(Vertx vertx, AuditStore store, int maxBatch) {
    return open(vertx, store, maxBatch, DEFAULT_WRITE_TIMEOUT_MS);
  }

  /** Opens the store and starts the writer; a record not durable within {@code writeTimeoutMs} fails its caller. */
  public static Future<AuditLog> open(Vertx vertx, AuditStore store, int maxBatch, long writeTimeoutMs) {
    Context writer = vertx.getOrCreateContext();
    return store.open().map(head -> new AuditLog(vertx, store, writer, head, maxBatch, writeTimeoutMs));
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

  public long writeTimeoutMs() {
    return writeTimeoutMs;
  }

  /**
   * Whether the store takes a write within the time limit now (readiness). Adds nothing to the chain;
   * a store left inconsistent by a failed write restores itself on the way.
   */
  public Future<Void> probeWritable() {
    Promise<Void> result = Promise.promise();
    long timer = vertx.setTimer(writeTimeoutMs, id -> result.tryFail(new AuditUnavailableException(
        "the audit store did not take a test write within " + writeTimeoutMs + " ms", null)));
    Future<Void> probe;
    try {
      probe = store.probeWritable();
    } catch (RuntimeException e) {
      probe = Future.failedFuture(e);
    }
    probe.onComplete(done -> {
      vertx.cancelTimer(timer);
      if (done.succeeded()) {
        result.tryComplete();
      } else {
        result.tryFail(new AuditUnavailableException("the audit store refused a test write", done.cause()));
      }
    });
    return result.future();
  }

  /** Records appended and batches synced since start: their ratio is the group-commit factor. */
  public long appendedCount() {
    return appended.get();
  }

  public long batchCount() {
    return batches.get();
  }

  /** Records whose caller was answered "not audited" because the time limit passed. */
  public long timedOutCount() {
    return timedOut.get();
  }

  /** Stops accepting records, writes what is queued, then closes the store. */
  public Future<Void> close() {
    closed = true;
    Promise<Void> done = Promise.promise();
    writer.runOnContext(v -> {
      drained = done;
      flush();
    });
    return done.future().compose(v -> {
      writer.runOnContext(cancel -> vertx.cancelTimer(expiryTimer));
      return store.close();
    });
  }

  private Future<AuditEntry> append(String type, String severity, String requestId, JsonObject data) {
    if (closed) {
      return Future.failedFuture(new AuditUnavailableException("the audit trail is closed", null));
    }
    Promise<AuditEntry> promise = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(writeTimeoutMs);
    queue.add(new Pending(type, severity, requestId, data, promise, Vertx.currentContext(), deadline));
    writer.runOnContext(v -> {
      flush();
      armExpiry();
    });
    return promise.future();
  }

  private void flush() {
    if (flushing) {
      return;
    }
    expire();
    List<Pending> batch = new ArrayList<>();
    Pending next;
    while (batch.size() < maxBatch && (next = queue.poll()) != null) {
      batch.add(next);
    }
    if (batch.isEmpty()) {
      if (drained != null) {
        drained.tryComplete();
      }
      return;
    }
    flushing = true;
    inFlight = batch;
    Future<Void> knownHead = headUncertain ? store.head().map(current -> {
      head = current;
      headUncertain = false;
      return null;
    }) : Future.succeededFuture();
    long startedNanos = System.nanoTime();
    knownHead.compose(v -> write(batch, 0)).onComplete(result -> onWriter(() -> {
      io.shcr.ops.ShcrMetrics.auditBatch(batch.size(), System.nanoTime() - startedNanos, result.succeeded());
      inFlight = List.of();
      List<AuditEntry> late = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        Pending pending = batch.get(i);
        if (pending.answered && result.succeeded() && AuditEntry.ACCESS.equals(pending.type)) {
          late.add(result.result().get(i));
        }
        int index = i;
        pending.complete(result.map(entries -> entries.get(index)));
      }
      if (result.succeeded()) {
        appended.addAndGet(batch.size());
        batches.incrementAndGet();
        late.forEach(this::recordLate);
      } else {
        headUncertain = true;
      }
      flushing = false;
      flush();
      armExpiry();
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
          // The outcome may be unknown (a commit whose answer was lost): the store's head settles it.
          return store.head().transform(read -> {
            if (read.succeeded() && read.result().equals(newHead)) {
              LOG.warn("An audit batch reported as failed was committed; its {} records stand", sealed.size());
              head = newHead;
              headUncertain = false;
              return Future.succeededFuture(sealed);
            }
            if (read.succeeded()) {
              head = read.result();
              headUncertain = false;
            }
            return Future.failedFuture(new AuditUnavailableException("the audit record could not be made durable", error));
          });
        });
  }

  /** Says in the trail that an access made durable after its request was refused showed nothing. */
  private void recordLate(AuditEntry access) {
    ViewOutcome nothingShown = new ViewOutcome(AUDIT_LATE, Map.of(), 0, 0, 0);
    append(AuditEntry.OUTCOME, AuditEntry.NORMAL, access.requestId(),
        AuditRecords.outcome(new AuditReceipt(access.sequence(), access.requestId()), nothingShown))
        .onFailure(e -> LOG.warn("Could not record that access {} was refused for a late audit write", access.sequence()));
  }

  /** Answers every caller whose deadline has passed: queued records are dropped, written ones stay. */
  private void expire() {
    long now = System.nanoTime();
    int expired = 0;
    for (Pending pending : inFlight) {
      if (pending.deadline - now > 0) {
        break;
      }
      if (!pending.answered) {
        pending.timeOut(writeTimeoutMs);
        expired++;
      }
    }
    Pending head;
    while ((head = queue.peek()) != null && head.deadline - now <= 0) {
      queue.poll();
      head.timeOut(writeTimeoutMs);
      expired++;
    }
    if (expired > 0) {
      timedOut.addAndGet(expired);
      LOG.warn("{} audit record(s) not durable within {} ms: their requests are refused 503 AUDIT_UNAVAILABLE", expired, writeTimeoutMs);
    }
  }

  /** One timer at the oldest caller's deadline, while anyone is waiting. */
  private void armExpiry() {
    if (expiryTimer != -1) {
      return;
    }
    Long oldest = null;
    for (Pending pending : inFlight) {
      if (!pending.answered) {
        oldest = pending.deadline;
        break;
      }
    }
    Pending queued = queue.peek();
    if (queued != null && (oldest == null || queued.deadline - oldest < 0)) {
      oldest = queued.deadline;
    }
    if (oldest == null) {
      return;
    }
    long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(oldest - System.nanoTime()) + 1);
    expiryTimer = vertx.setTimer(delayMs, id -> {
      expiryTimer = -1;
      expire();
      armExpiry();
    });
  }

  private void onWriter(Runnable action) {
    if (Vertx.currentContext() == writer) {
      action.run();
    } else {
      writer.runOnContext(v -> action.run());
    }
  }

  /** One record waiting to be durable; {@code answered} once its caller has been told anything. */
  private static final class Pending {
    final String type;
    final String severity;
    final String requestId;
    final JsonObject data;
    final Promise<AuditEntry> promise;
    final Context caller;
    final long deadline;
    boolean answered;

    Pending(String type, String severity, String requestId, JsonObject data, Promise<AuditEntry> promise, Context caller, long deadline) {
      this.type = type;
      this.severity = severity;
      this.requestId = requestId;
      this.data = data;
      this.promise = promise;
      this.caller = caller;
      this.deadline = deadline;
    }

    void timeOut(long limitMs) {
      answered = true;
      deliver(Future.failedFuture(new AuditUnavailableException("the audit record was not durable within " + limitMs + " ms", null)));
    }

    void complete(AsyncResult<AuditEntry> mine) {
      if (answered) {
        return;
      }
      answered = true;
      deliver(mine);
    }

    private void deliver(AsyncResult<AuditEntry> result) {
      if (caller == null || caller == Vertx.currentContext()) {
        promise.handle(result);
      } else {
        caller.runOnContext(v -> promise.handle(result));
      }
    }
  }
}
