package io.shcr.core;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of views and calls, shared: one wheel per event loop, ticking every {@value #TICK_MS} ms
 * on that loop while it holds any timeout, instead of one Vert.x timer (a Netty task, its handler and an
 * entry in Vert.x's timer map, ~200 bytes) per deadline. A held view keeps tens of deadlines (its own,
 * one per source, one per call); almost all are cancelled, so a cancelled timeout only lets go of its
 * action and is dropped when its slot next comes round.
 *
 * <p>A timeout fires at most one tick late, never early, on the context that set it. Used off an
 * event loop (a worker, a test's main thread) it falls back to a plain Vert.x timer.
 *
 * <p>The wheel also notices when its own loop is late ({@link #laggedWithin}): a tick that runs
 * {@value #LAG_MS} ms or more after it was due means this node could not keep up (too much work, or no
 * CPU), so a call that timed out meanwhile says nothing about the service it called, and must not
 * count against that service's breaker (else an overload opens breakers and refuses everything).
 */
public final class SharedTimers {

  static final long TICK_MS = 5;
  /** A tick this late means the loop was not keeping up. */
  static final long LAG_MS = 100;
  private static final int SLOTS = 1024;
  private static final ThreadLocal<Wheel> WHEELS = new ThreadLocal<>();

  private SharedTimers() {
  }

  /** A pending action; {@link #cancel()} is idempotent and never fails. */
  public interface Timeout {
    /** Stops the action if it has not run; true if this call stopped it. */
    boolean cancel();
  }

  /**
   * Whether the calling event loop's wheel found itself {@value #LAG_MS} ms or more late within the last
   * {@code windowMs}; false off an event loop or where no timeout was ever set.
   */
  public static boolean laggedWithin(long windowMs) {
    Wheel wheel = WHEELS.get();
    return wheel != null && wheel.laggedAtNanos != 0
        && System.nanoTime() - wheel.laggedAtNanos <= TimeUnit.MILLISECONDS.toNanos(windowMs);
  }

  /** Runs {@code action} on the caller's context after {@code delayMs} (at least 1 ms). */
  public static Timeout after(Vertx vertx, long delayMs, Runnable action) {
    long delay = Math.max(1, delayMs);
    Context context = Vertx.currentContext();
    if (context instanceof ContextInternal internal && context.isEventLoopContext() && Context.isOnEventLoopThread()
        && internal.nettyEventLoop().inEventLoop()) {
      Wheel wheel = WHEELS.get();
      if (wheel == null || wheel.loop != internal.nettyEventLoop()) {
        wheel = new Wheel(internal.nettyEventLoop());
        WHEELS.set(wheel);
      }
      return wheel.add(delay, internal, action);
    }
    long id = vertx.setTimer(delay, t -> action.run());
    return () -> vertx.cancelTimer(id);
  }

  /** One event loop's timeouts, in slots of one tick each; touched only on that loop's thread. */
  private static final class Wheel {
    private final EventLoop loop;
    private final Entry[] slots = new Entry[SLOTS];
    private final long startNanos = System.nanoTime();
    private long ticked;
    private int pending;
    private ScheduledFuture<?> ticking;
    /** When a tick last ran {@link #LAG_MS} or more late (0: never). */
    private long laggedAtNanos;

    Wheel(EventLoop loop) {
      this.loop = loop;
    }

    Timeout add(long delayMs, ContextInternal context, Runnable action) {
      // Rounded up, so a timeout never fires before its delay has passed.
      long dueTick = (System.nanoTime() - startNanos + TimeUnit.MILLISECONDS.toNanos(delayMs) + TimeUnit.MILLISECONDS.toNanos(TICK_MS) - 1)
          / TimeUnit.MILLISECONDS.toNanos(TICK_MS);
      Entry entry = new Entry(dueTick, context, action);
      int slot = (int) (dueTick % SLOTS);
      entry.next = slots[slot];
      slots[slot] = entry;
      pending++;
      if (ticking == null) {
        ticked = Math.max(ticked, currentTick() - 1);
        ticking = loop.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
      }
      return entry;
    }

    private long currentTick() {
      return (System.nanoTime() - startNanos) / TimeUnit.MILLISECONDS.toNanos(TICK_MS);
    }

    /** Visits every slot whose tick has come (several, if the loop was late), firing what is due. */
    private void tick() {
      long now = currentTick();
      if ((now - ticked - 1) * TICK_MS >= LAG_MS) {
        laggedAtNanos = System.nanoTime();
      }
      long from = ticked + 1;
      // A loop late by more than a whole turn visits each slot once.
      if (now - from >= SLOTS) {
        from = now - SLOTS + 1;
      }
      for (long t = from; t <= now; t++) {
        visit((int) (t % SLOTS), now);
      }
      ticked = now;
      if (pending == 0 && ticking != null) {
        ticking.cancel(false);
        ticking = null;
      }
    }

    private void visit(int slot, long now) {
      Entry previous = null;
      Entry entry = slots[slot];
      while (entry != null) {
        Entry next = entry.next;
        boolean due = entry.dueTick <= now;
        if (entry.action == null || due) {
          if (previous == null) {
            slots[slot] = next;
          } else {
            previous.next = next;
          }
          pending--;
          if (due && entry.action != null) {
            Runnable action = entry.action;
            entry.action = null;
            entry.context.runOnContext(v -> action.run());
          }
        } else {
          previous = entry;
        }
        entry = next;
      }
    }
  }

  private static final class Entry implements Timeout {
    final long dueTick;
    final ContextInternal context;
    /** Null once fired or cancelled; volatile since a cancel may come from another thread (it then races the tick, as Vert.x's own timers do). */
    volatile Runnable action;
    Entry next;

    Entry(long dueTick, ContextInternal context, Runnable action) {
      this.dueTick = dueTick;
      this.context = context;
      this.action = action;
    }

    @Override
    public boolean cancel() {
      // Cancelled on the loop that set it (every caller's state lives there); the slot drops it later.
      boolean stopped = action != null;
      action = null;
      return stopped;
    }
  }
}
