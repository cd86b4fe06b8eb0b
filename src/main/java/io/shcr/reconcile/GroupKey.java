package io.shcr.reconcile;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What makes two released items one clinical fact: the section, the code space ({@code sct} for SNOMED
 * CT and dm+d, whose ids are SNOMED ids; {@code icd10}), the concept (a medicine's VMP), and for an
 * immunisation its date. An item that cannot be grouped safely gets a key of its own ({@link #single}),
 * so it is shown, alone.
 *
 * @param section the section's wire name
 * @param space the code space, or {@code item} for an item alone
 * @param code the concept's code, or the item's source and reference
 * @param date the day, for immunisations; empty otherwise
 */
public record GroupKey(String section, String space, String code, String date) {

  /** An item alone: two groups shown is safe, one wrong group is not. */
  static GroupKey single(String section, String source, String ref) {
    return new GroupKey(section, "item", source + "|" + ref, "");
  }

  boolean single() {
    return "item".equals(space);
  }

  /**
   * The group's id: derived from the key alone (never a counter), so the same fact has the same id in
   * every stream of every view, a resumed one included. A prefix for the section, then 12 hex digits of
   * the key's SHA-256.
   */
  public String id() {
    byte[] digest = sha256().digest((section + "\n" + space + "\n" + code + "\n" + date).getBytes(StandardCharsets.UTF_8));
    return section.charAt(0) + "-" + HexFormat.of().formatHex(digest, 0, 6);
  }

  /** Looking SHA-256 up among the providers cost more than hashing a key: a copy of one found once is used. */
  private static final MessageDigest SHA_256;

  static {
    try {
      SHA_256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return (MessageDigest) SHA_256.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digests can be copied", e);
    }
  }
}
