package io.shcr.audit;

import io.shcr.audit.AuditStore.LineVisitor;
import io.vertx.core.Future;

/**
 * Walks a trail in stored order and stops at the first record that shows tampering: one that does not
 * parse or whose hash is not its content's HMAC under the audit key (edited, or rewritten without the
 * key), a sequence that jumps ahead (records deleted), one that repeats or goes back (inserted or
 * reordered), a previous-hash that is not the hash of the record before (the chain broken), or search
 * columns a store keeps beside the line that disagree with it. Then it checks the head
 * {@link Checkpoint}, read before the walk so that records appended meanwhile never look like
 * tampering: a trail that ends before it has lost its newest records; records without one, the
 * checkpoint itself is gone.
 */
public final class ChainVerifier implements LineVisitor {

  private final AuditKey key;
  private final Checkpoint checkpoint;
  private long expectedSequence = 1;
  private String expectedPrev = AuditEntry.GENESIS;
  private long checked;
  private Problem problem;

  public ChainVerifier(AuditKey key, Checkpoint checkpoint) {
    this.key = key;
    this.checkpoint = checkpoint;
  }

  /** Verifies a store's whole trail; read-only, usable while a service appends to it. */
  public static Future<Report> verify(AuditStore store) {
    return store.checkpoint().compose(checkpoint -> {
      ChainVerifier verifier = new ChainVerifier(store.key(), checkpoint);
      if (checkpoint != null && !checkpoint.authentic(store.key())) {
        verifier.fail("head checkpoint", checkpoint.sequence(),
            "the head checkpoint does not match its HMAC: it was edited, or this is not the trail's audit key");
        return Future.succeededFuture(verifier.report());
      }
      return store.scan(verifier).map(v -> verifier.finish());
    });
  }

  @Override
  public boolean accept(String location, String line) {
    AuditEntry entry;
    try {
      entry = AuditEntry.parse(line);
    } catch (IllegalArgumentException e) {
      return fail(location, expectedSequence, "unreadable record (edited or damaged): " + e.getMessage());
    }
    if (!entry.sealedBy(key)) {
      return fail(location, entry.sequence(), "record " + entry.sequence()
          + " does not match its hash under the audit key: it was edited (or the key is wrong)");
    }
    if (entry.sequence() > expectedSequence) {
      return fail(location, entry.sequence(), "sequence jumps from " + (expectedSequence - 1) + " to " + entry.sequence()
          + ": records " + expectedSequence + (entry.sequence() - 1 > expectedSequence ? ".." + (entry.sequence() - 1) : "")
          + " were deleted");
    }
    if (entry.sequence() < expectedSequence) {
      return fail(location, entry.sequence(), "sequence " + entry.sequence() + " after " + (expectedSequence - 1)
          + ": a record was inserted or the records were reordered");
    }
    if (!entry.prevHash().equals(expectedPrev)) {
      return fail(location, entry.sequence(), "record " + entry.sequence()
          + " does not follow the record before it (previous-hash mismatch): the chain was rewritten here");
    }
    if (checkpoint != null && entry.sequence() == checkpoint.sequence() && !entry.hash().equals(checkpoint.hash())) {
      return fail(location, entry.sequence(), "record " + entry.sequence()
          + " is not the one the head checkpoint records: the trail was rewritten from here");
    }
    expectedSequence++;
    expectedPrev = entry.hash();
    checked++;
    return true;
  }

  @Override
  public boolean mismatch(String location, long sequence, String what) {
    return fail(location, sequence, "record " + sequence + ": " + what + " (a search column was edited)");
  }

  /** The report after the walk, with the checkpoint's verdict when the walk found nothing. */
  public Report finish() {
    if (problem == null) {
      long last = expectedSequence - 1;
      if (checkpoint == null && last > 0) {
        fail("head checkpoint", last, "the head checkpoint is missing while the trail holds " + checked
            + " records: it was deleted, so a truncation could not be detected");
      } else if (checkpoint != null && last < checkpoint.sequence()) {
        fail("end of trail", last + 1, "the trail ends at sequence " + last + " but the head checkpoint records sequence "
            + checkpoint.sequence() + ": records " + (last + 1) + (checkpoint.sequence() > last + 1 ? ".." + checkpoint.sequence() : "")
            + " were deleted (truncated)");
      }
    }
    return report();
  }

  public Report report() {
    return new Report(checked, expectedSequence - 1, expectedPrev, problem);
  }

  private boolean fail(String location, long sequence, String message) {
    if (problem == null) {
      problem = new Problem(location, sequence, message);
    }
    return false;
  }

  /** The first sign of tampering: where, at which sequence, and what. */
  public record Problem(String location, long sequence, String message) {}

  /**
   * What a walk found.
   *
   * @param checked records verified before the first problem (all of them when intact)
   * @param lastSequence the last verified sequence
   * @param lastHash the last verified hash (the chain's head when intact)
   * @param problem the first problem, or null when the trail is intact
   */
  public record Report(long checked, long lastSequence, String lastHash, Problem problem) {
    public boolean intact() {
      return problem == null;
    }
  }
}
