package io.shcr.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The admission queue's hand-off under concurrency, without a server: threads (more than a node's event
 * loops) arrive, wait, leave and give places back at random. Whatever the interleaving, no more views
 * ever hold a place than there are places, every waiter is granted at most once and only while it has not
 * left, every arrival ends one way, and at the end no place is taken and nobody waits.
 */
class AdmissionQueueHandOffTest {

  private static final int PLACES = 2;
  private static final int MAX_WAITING = 3;
  private static final int THREADS = 6;
  private static final int ROUNDS = 20_000;

  @Test
  void placesAreNeverLostNorGivenTwice() throws Exception {
    AdmissionQueue queue = new AdmissionQueue(PLACES, MAX_WAITING);
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger mostHeld = new AtomicInteger();
    AtomicInteger grantedTwice = new AtomicInteger();
    AtomicInteger grantedAfterLeaving = new AtomicInteger();
    AtomicLong placed = new AtomicLong();
    AtomicLong waited = new AtomicLong();
    AtomicLong left = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      threads.add(new Thread(() -> {
        try {
          for (int round = 0; round < ROUNDS; round++) {
            Probe view = new Probe(grantedTwice, grantedAfterLeaving);
            switch (queue.arrive(view)) {
              case FULL -> refused.incrementAndGet();
              case PLACE -> {
                placed.incrementAndGet();
                hold(queue, holding, mostHeld);
              }
              case WAITING -> {
                if (ThreadLocalRandom.current().nextInt(4) == 0 && queue.leave(view)) {
                  view.left = true;
                  left.incrementAndGet();
                } else {
                  assertThat(view.granted.await(30, TimeUnit.SECONDS)).as("a waiter is granted a place").isTrue();
                  waited.incrementAndGet();
                  hold(queue, holding, mostHeld);
                }
              }
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join(TimeUnit.MINUTES.toMillis(2));
    }
    assertThat(failures).isEmpty();
    assertThat(mostHeld.get()).as("never more views hold a place than there are places").isLessThanOrEqualTo(PLACES);
    assertThat(grantedTwice.get()).isZero();
    assertThat(grantedAfterLeaving.get()).isZero();
    assertThat(placed.get() + waited.get() + left.get() + refused.get()).as("every arrival ended one way")
        .isEqualTo((long) THREADS * ROUNDS);
    assertThat(waited.get()).as("the run did make views wait").isPositive();
    assertThat(queue.taken()).as("no place was leaked").isZero();
    assertThat(queue.waiting()).isZero();
    assertThat(queue.arrive(new Probe(grantedTwice, grantedAfterLeaving))).isEqualTo(AdmissionQueue.Arrival.PLACE);
  }

  private static void hold(AdmissionQueue queue, AtomicInteger holding, AtomicInteger mostHeld) {
    int now = holding.incrementAndGet();
    mostHeld.accumulateAndGet(now, Math::max);
    Thread.onSpinWait();
    holding.decrementAndGet();
    queue.release();
  }

  /** A waiter that counts how it was granted. */
  private static final class Probe extends AdmissionQueue.Waiter {
    final CountDownLatch granted = new CountDownLatch(1);
    final AtomicInteger times = new AtomicInteger();
    final AtomicInteger grantedTwice;
    final AtomicInteger grantedAfterLeaving;
    volatile boolean left;

    Probe(AtomicInteger grantedTwice, AtomicInteger grantedAfterLeaving) {
      this.grantedTwice = grantedTwice;
      this.grantedAfterLeaving = grantedAfterLeaving;
    }

    @Override
    protected void granted() {
      if (times.incrementAndGet() > 1) {
        grantedTwice.incrementAndGet();
      }
      if (left) {
        grantedAfterLeaving.incrementAndGet();
      }
      granted.countDown();
    }

    @Override
    protected void drained() {
      throw new AssertionError("this queue is never closed");
    }
  }
}
