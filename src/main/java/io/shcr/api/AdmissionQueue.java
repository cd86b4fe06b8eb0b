package io.shcr.api;

/**
 * The node's places for record views, and the views waiting in order for one ({@link ViewAdmission}).
 * A view takes a free place, or waits at the back of a bounded queue, or is turned away; a place given
 * back goes straight to the view at the head of the queue (counted as taken throughout), so no place is
 * lost or given twice and no waiter is woken for nothing.
 *
 * <p>Both event loops take and give back places, so one lock guards the count and the queue: a few field
 * writes under it, and the waiter is told outside it. The queue is a linked list through the waiters
 * themselves, so a waiter that leaves (its client gone, its time up) is unlinked at once wherever it is.
 * Invariant: while anyone waits, every place is taken. Once closed (the node drains), it gives no place
 * and queues no one, and those waiting are told so ({@link Waiter#drained}).
 */
final class AdmissionQueue {

  /** What became of an arriving view. */
  enum Arrival {
    /** It holds a place now. */
    PLACE,
    /** It is queued; {@link Waiter#granted} is called when it is given a place. */
    WAITING,
    /** Every place is taken and the queue is full (or there is none, or the view was not to wait): nothing was kept. */
    FULL,
    /** The node drains: no new view, nothing was kept. */
    CLOSED
  }

  /**
   * A view waiting for a place. {@link #granted} is called once, on the thread that gave the place back
   * (any event loop), when the place is this waiter's; it must only hand the work to the waiter's own context.
   */
  abstract static class Waiter {
    private Waiter previous;
    private Waiter next;
    /** In the queue (guarded by the queue's lock). */
    private boolean queued;

    protected abstract void granted();

    /**
     * Called once, on the thread that closed the queue, when the waiter has been taken out of it because the
     * node drains (it holds no place); it must only hand the refusal to the waiter's own context.
     */
    protected abstract void drained();
  }

  private final int places;
  private final int maxWaiting;
  private int taken;
  private int waiting;
  private Waiter head;
  private Waiter tail;
  private boolean closed;

  AdmissionQueue(int places, int maxWaiting) {
    this.places = places;
    this.maxWaiting = maxWaiting;
  }

  /** Takes a free place now ({@link Arrival#PLACE}), else keeps nothing ({@link Arrival#FULL}, or {@link Arrival#CLOSED}). */
  Arrival take() {
    synchronized (this) {
      if (closed) {
        return Arrival.CLOSED;
      }
      if (taken < places) {
        taken++;
        return Arrival.PLACE;
      }
      return Arrival.FULL;
    }
  }

  /** Takes a place for this view now, else queues it (if there is room), else refuses it. */
  Arrival arrive(Waiter view) {
    synchronized (this) {
      if (closed) {
        return Arrival.CLOSED;
      }
      if (taken < places) {
        taken++;
        return Arrival.PLACE;
      }
      if (waiting >= maxWaiting) {
        return Arrival.FULL;
      }
      view.queued = true;
      view.previous = tail;
      if (tail == null) {
        head = view;
      } else {
        tail.next = view;
      }
      tail = view;
      waiting++;
      return Arrival.WAITING;
    }
  }

  /** Gives a place back: to the head waiter if there is one (told at once), else to the free places. */
  void release() {
    Waiter next;
    synchronized (this) {
      next = head;
      if (next == null) {
        taken--;
        return;
      }
      unlink(next);
    }
    next.granted();
  }

  /**
   * Takes a waiter out of the queue (its client gone, its time up): true if it was still waiting, false if
   * it has already been given a place (its {@link Waiter#granted} has been or is being called: the place
   * is its to use or give back).
   */
  boolean leave(Waiter view) {
    synchronized (this) {
      if (!view.queued) {
        return false;
      }
      unlink(view);
      return true;
    }
  }

  /**
   * Closes the queue (the node drains): from now on no place is given and no one queued; everyone waiting
   * is taken out and told ({@link Waiter#drained}), outside the lock. Places taken stay taken until given back.
   */
  void close() {
    java.util.List<Waiter> drained = new java.util.ArrayList<>();
    synchronized (this) {
      closed = true;
      while (head != null) {
        Waiter view = head;
        unlink(view);
        drained.add(view);
      }
    }
    drained.forEach(Waiter::drained);
  }

  private void unlink(Waiter view) {
    if (view.previous == null) {
      head = view.next;
    } else {
      view.previous.next = view.next;
    }
    if (view.next == null) {
      tail = view.previous;
    } else {
      view.next.previous = view.previous;
    }
    view.previous = null;
    view.next = null;
    view.queued = false;
    waiting--;
  }

  /** Places taken now (views admitted, including any just handed a place). */
  synchronized int taken() {
    return taken;
  }

  /** Places taken and views waiting, read together. */
  synchronized int held() {
    return taken + waiting;
  }

  /** Views waiting for a place now. */
  synchronized int waiting() {
    return waiting;
  }
}
