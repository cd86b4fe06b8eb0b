package io.shcr.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared timer wheel: a timeout never fires before its delay, fires once on the context that set
 * it, a cancelled one never fires, timeouts longer than one turn of the wheel wait their turns, a loop
 * holding thousands fires each exactly once, and off an event loop it falls back to a Vert.x timer.
 */
class SharedTimersTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void firesOnceNeverEarlyOnTheContextThatSetIt() throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Long> fired = new CompletableFuture<>();
    AtomicInteger runs = new AtomicInteger();
    long[] setAt = new long[1];
    context.runOnContext(v -> {
      setAt[0] = System.nanoTime();
      SharedTimers.after(vertx, 30, () -> {
        runs.incrementAndGet();
        assertThat(Vertx.currentContext()).isSameAs(context);
        fired.complete(System.nanoTime());
      });
    });
    long at = fired.get(10, TimeUnit.SECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(at - setAt[0])).isGreaterThanOrEqualTo(30);
    Thread.sleep(50);
    assertThat(runs).hasValue(1);
  }

  @Test
  void aCancelledTimeoutNeverFiresAndOthersInItsSlotStill() throws Exception {
    List<String> fired = new CopyOnWriteArrayList<>();
    CountDownLatch kept = new CountDownLatch(1);
    vertx.getOrCreateContext().runOnContext(v -> {
      SharedTimers.Timeout cancelled = SharedTimers.after(vertx, 20, () -> fired.add("cancelled"));
      SharedTimers.after(vertx, 20, () -> {
        fired.add("kept");
        kept.countDown();
      });
      assertThat(cancelled.cancel()).isTrue();
      assertThat(cancelled.cancel()).as("idempotent").isFalse();
    });
    assertThat(kept.await(10, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(50);
    assertThat(fired).containsExactly("kept");
  }

  @Test
  void longerThanOneTurnWaitsItsTurnsAndThousandsFireEachOnce() throws Exception {
    long turnMs = SharedTimers.TICK_MS * 1024;
    int many = 5_000;
    CountDownLatch all = new CountDownLatch(many + 1);
    AtomicInteger runs = new AtomicInteger();
    long[] setAt = new long[1];
    long[] longFiredAt = new long[1];
    vertx.getOrCreateContext().runOnContext(v -> {
      setAt[0] = System.nanoTime();
      SharedTimers.after(vertx, turnMs + 40, () -> {
        longFiredAt[0] = System.nanoTime();
        all.countDown();
      });
      for (int i = 0; i < many; i++) {
        SharedTimers.after(vertx, 1 + i % 200, () -> {
          runs.incrementAndGet();
          all.countDown();
        });
      }
    });
    assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(TimeUnit.NANOSECONDS.toMillis(longFiredAt[0] - setAt[0])).isGreaterThanOrEqualTo(turnMs + 40);
    Thread.sleep(50);
    assertThat(runs).hasValue(many);
  }

  @Test
  void aLoopThatFallsBehindKnowsItWasLate() throws Exception {
    CompletableFuture<Boolean> before = new CompletableFuture<>();
    CompletableFuture<Boolean> after = new CompletableFuture<>();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      SharedTimers.after(vertx, 20, () -> {
        before.complete(SharedTimers.laggedWithin(10_000));
        SharedTimers.after(vertx, 10, () -> after.complete(SharedTimers.laggedWithin(10_000)));
        busy(250); // the loop does not keep up: its next ticks run late
      });
    });
    assertThat(before.get(10, TimeUnit.SECONDS)).as("on time so far").isFalse();
    assertThat(after.get(10, TimeUnit.SECONDS)).as("the wheel saw itself late").isTrue();
    assertThat(SharedTimers.laggedWithin(10_000)).as("off an event loop: never").isFalse();
  }

  private static void busy(long ms) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  @Test
  void offAnEventLoopItIsAPlainTimer() throws Exception {
    CountDownLatch fired = new CountDownLatch(1);
    SharedTimers.after(vertx, 10, fired::countDown);
    assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
    CountDownLatch never = new CountDownLatch(1);
    SharedTimers.after(vertx, 20, never::countDown).cancel();
    assertThat(never.await(100, TimeUnit.MILLISECONDS)).isFalse();
  }
}
