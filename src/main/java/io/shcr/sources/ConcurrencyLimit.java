package io.shcr.sources;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * This node's share of a source's concurrency cap: at most {@code permits} calls at once, at most
 * {@code maxWaiting} queued behind them (beyond that a call fails fast rather than waiting without
 * bound). In a cluster each node holds cap / members permits, re-balanced when membership changes,
 * so the cap holds region-wide with no cluster round trip per call.
 */
public final class ConcurrencyLimit {

  private final int maxWaiting;
  private final Deque<Promise<Void>> waiting = new ArrayDeque<>();
  private int permits;
  private int inUse;

  public ConcurrencyLimit(int permits, int maxWaiting) {
    this.permits = Math.max(1, permits);
    this.maxWaiting = maxWaiting;
  }

  /** Completes when a permit is held; fails at once when the wait queue is full. */
  public synchronized Future<Void> acquire() {
    if (inUse < permits) {
      inUse++;
      return Future.succeededFuture();
    }
    if (waiting.size() >= maxWaiting) {
      return Future.failedFuture(QueueFull.INSTANCE);
    }
    Promise<Void> promise = Promise.promise();
    waiting.add(promise);
    return promise.future();
  }

  /** Gives up a place in the queue (the caller's deadline passed); false if the permit was already granted. */
  public synchronized boolean abandon(Future<Void> pending) {
    return waiting.removeIf(p -> p.future() == pending);
  }

  public void release() {
    Promise<Void> next;
    synchronized (this) {
      if (inUse > permits || waiting.isEmpty()) {
        inUse--;
        return;
      }
      next = waiting.poll();
    }
    next.complete();
  }

  /** Changes this node's share; waiting calls are let through if the share grew. */
  public void resize(int newPermits) {
    Deque<Promise<Void>> admitted = new ArrayDeque<>();
    synchronized (this) {
      permits = Math.max(1, newPermits);
      while (inUse < permits && !waiting.isEmpty()) {
        inUse++;
        admitted.add(waiting.poll());
      }
    }
    admitted.forEach(Promise::complete);
  }

  /** Calls queued for a permit now (metrics). */
  public synchronized int waitingCount() {
    return waiting.size();
  }

  /** Permits held now (metrics). */
  public synchronized int inUseCount() {
    return inUse;
  }

  public synchronized int permits() {
    return permits;
  }

  public synchronized int inUse() {
    return inUse;
  }

  /** What {@link #acquire} fails with when the wait queue is full (the client reports it as {@link SourceFailure#queueFull()}). */
  static final class QueueFull extends RuntimeException {
    static final QueueFull INSTANCE = new QueueFull();

    private QueueFull() {
      super("too many calls waiting for this source", null, false, false);
    }
  }
}
