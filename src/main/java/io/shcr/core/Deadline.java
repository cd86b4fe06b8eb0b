package io.shcr.core;

/**
 * A point in time by which work must be done (prebid's Timeout shape). Every call downstream takes
 * its budget from one of these, so no layer invents its own timeout.
 */
public final class Deadline {

  private final long expiresAtNanos;

  private Deadline(long expiresAtNanos) {
    this.expiresAtNanos = expiresAtNanos;
  }

  public static Deadline in(long millis) {
    return new Deadline(System.nanoTime() + millis * 1_000_000L);
  }

  /** Milliseconds left, never negative. */
  public long remainingMs() {
    return Math.max(0, (expiresAtNanos - System.nanoTime()) / 1_000_000L);
  }

  public boolean expired() {
    return remainingMs() == 0;
  }

  /** A sub-budget: this deadline or {@code millis} from now, whichever comes first. */
  public Deadline cappedAt(long millis) {
    return new Deadline(Math.min(expiresAtNanos, System.nanoTime() + millis * 1_000_000L));
  }
}
