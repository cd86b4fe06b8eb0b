package io.shcr.api;

/**
 * At most so many log lines a second for one kind of event (refused client input), so that a flood
 * of junk cannot fill the log disk either; lines over the budget are counted and the count is given
 * with the next line that is written.
 */
final class LogBudget {

  private final int perSecond;
  private long second;
  private int used;
  private long suppressed;

  LogBudget(int perSecond) {
    this.perSecond = perSecond;
  }

  /** -1 when this line must not be written; otherwise how many lines were suppressed before it. */
  synchronized long take() {
    long now = System.nanoTime() / 1_000_000_000L;
    if (now != second) {
      second = now;
      used = 0;
    }
    if (used >= perSecond) {
      suppressed++;
      return -1;
    }
    used++;
    long before = suppressed;
    suppressed = 0;
    return before;
  }
}
