package io.shcr.audit;

import io.shcr.audit.AuditStore.ChainHead;
import io.vertx.core.json.JsonObject;

/**
 * The chain's head as last committed, kept outside the log (a {@code head} file beside the embedded
 * files, a one-row table beside the PostgreSQL trail) and sealed with an HMAC under the audit key.
 * A trail that ends before its checkpoint has lost its newest records; a trail with records but no
 * checkpoint has lost it; either is refused by {@code audit verify} and by the store on start.
 *
 * @param sequence the head's sequence (0 for an empty trail)
 * @param hash the head's hash
 * @param mac HMAC-SHA256 over both under the audit key
 */
public record Checkpoint(long sequence, String hash, String mac) {

  public static Checkpoint of(ChainHead head, AuditKey key) {
    return new Checkpoint(head.sequence(), head.hash(), key.mac(signed(head.sequence(), head.hash())));
  }

  public boolean authentic(AuditKey key) {
    return hash != null && mac != null && java.security.MessageDigest.isEqual(
        key.mac(signed(sequence, hash)).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        mac.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  public ChainHead head() {
    return new ChainHead(sequence, hash);
  }

  public String toJson() {
    return new JsonObject().put("seq", sequence).put("hash", hash).put("mac", mac).encode();
  }

  /** Parses the stored form; throws IllegalArgumentException when it is damaged. */
  public static Checkpoint parse(String text) {
    try {
      JsonObject json = new JsonObject(text.trim());
      return new Checkpoint(json.getLong("seq"), json.getString("hash"), json.getString("mac"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the audit head checkpoint is unreadable: " + e.getMessage(), e);
    }
  }

  /**
   * Checks a store's head (read from the trail) against its checkpoint at start-up. Returns the
   * problem, or null when the trail may be continued: it ends at the checkpoint, or after it (a crash
   * between the log's sync and the checkpoint's; those records are keyed, so genuine).
   */
  static String startupProblem(ChainHead trailHead, Checkpoint checkpoint, AuditKey key, String where) {
    if (checkpoint == null) {
      return trailHead.sequence() == 0 ? null
          : "the audit head checkpoint (" + where + ") is missing while the trail holds records up to sequence "
              + trailHead.sequence() + "; run `shcr audit verify`";
    }
    if (!checkpoint.authentic(key)) {
      return "the audit head checkpoint (" + where + ") does not match its HMAC: it was edited, or the audit key is wrong";
    }
    if (trailHead.sequence() < checkpoint.sequence()) {
      return "the audit trail ends at sequence " + trailHead.sequence() + " but its checkpoint (" + where + ") records sequence "
          + checkpoint.sequence() + ": records " + (trailHead.sequence() + 1) + ".." + checkpoint.sequence() + " were deleted";
    }
    if (trailHead.sequence() == checkpoint.sequence() && !trailHead.hash().equals(checkpoint.hash())) {
      return "the audit trail's last record (sequence " + trailHead.sequence() + ") is not the one its checkpoint (" + where
          + ") records: the end of the trail was rewritten";
    }
    return null;
  }

  private static String signed(long sequence, String hash) {
    return "shcr-audit-head\n" + sequence + "\n" + hash;
  }
}
