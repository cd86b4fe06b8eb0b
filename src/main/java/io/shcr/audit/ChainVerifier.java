package io.shcr.audit;

import io.shcr.audit.AuditStore.LineVisitor;
import io.vertx.core.Future;

/**
 * Walks a trail in stored order and stops at the first record that shows tampering: one that does not
 * parse or no longer matches its own hash (edited), a sequence that jumps ahead (records deleted), one
 * that repeats or goes back (inserted or reordered), or a previous-hash that is not the hash of the
 * record before (the chain broken by an insertion or removal).
 */
public final class ChainVerifier implements LineVisitor {

  private long expectedSequence = 1;
  private String expectedPrev = AuditEntry.GENESIS;
  private long checked;
  private Problem problem;

  /** Verifies a store's whole trail; read-only, usable while a service appends to it. */
  public static Future<Report> verify(AuditStore store) {
    ChainVerifier verifier = new ChainVerifier();
    return store.scan(verifier).map(v -> verifier.report());
  }

  @Override
  public boolean accept(String location, String line) {
    AuditEntry entry;
    try {
      entry = AuditEntry.parse(line);
    } catch (IllegalArgumentException e) {
      return fail(location, expectedSequence, "unreadable record (edited or damaged): " + e.getMessage());
    }
    if (!entry.computedHash().equals(entry.hash())) {
      return fail(location, entry.sequence(), "record " + entry.sequence() + " does not match its hash: it was edited");
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
    expectedSequence++;
    expectedPrev = entry.hash();
    checked++;
    return true;
  }

  public Report report() {
    return new Report(checked, expectedSequence - 1, expectedPrev, problem);
  }

  private boolean fail(String location, long sequence, String message) {
    problem = new Problem(location, sequence, message);
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
