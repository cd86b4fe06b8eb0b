package io.shcr.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

class ConcurrencyLimitTest {

  @Test
  void queuesBeyondPermitsAndFailsFastWhenTheQueueIsFull() {
    ConcurrencyLimit limit = new ConcurrencyLimit(2, 1);
    assertThat(limit.acquire().succeeded()).isTrue();
    assertThat(limit.acquire().succeeded()).isTrue();
    Future<Void> queued = limit.acquire();
    assertThat(queued.isComplete()).isFalse();
    Future<Void> refused = limit.acquire();
    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause()).hasMessageContaining("waiting");
    limit.release();
    assertThat(queued.succeeded()).isTrue();
    assertThat(limit.inUse()).isEqualTo(2);
  }

  @Test
  void abandonedWaitersAreNotAdmitted() {
    ConcurrencyLimit limit = new ConcurrencyLimit(1, 5);
    limit.acquire();
    Future<Void> queued = limit.acquire();
    assertThat(limit.abandon(queued)).isTrue();
    limit.release();
    assertThat(queued.isComplete()).isFalse();
    assertThat(limit.inUse()).isZero();
  }

  @Test
  void resizingToASmallerShareDrainsAndALargerOneAdmits() {
    ConcurrencyLimit limit = new ConcurrencyLimit(4, 10);
    for (int i = 0; i < 4; i++) {
      limit.acquire();
    }
    limit.resize(2);
    Future<Void> queued = limit.acquire();
    limit.release();
    limit.release();
    assertThat(queued.isComplete()).isFalse();
    limit.release();
    assertThat(queued.succeeded()).isTrue();
    limit.resize(5);
    Future<Void> next = limit.acquire();
    assertThat(next.succeeded()).isTrue();
  }
}
