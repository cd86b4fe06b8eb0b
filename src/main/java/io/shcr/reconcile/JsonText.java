package io.shcr.reconcile;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.buffer.Buffer;

/**
 * A group event written straight into bytes: its fields are few and fixed, so building a Jackson tree
 * for each version of each group (and encoding it) cost more than the grouping itself (see
 * docs/performance.md, "Reconciliation"). Strings are escaped by Jackson's own encoder, so the output
 * is the JSON {@code JsonObject.encode()} would give. Commas are the caller's.
 */
final class JsonText {

  private static final JsonStringEncoder ESCAPE = JsonStringEncoder.getInstance();

  private JsonText() {}

  /** {@code "value"} escaped, or {@code null}. */
  static Buffer string(Buffer out, String value) {
    if (value == null) {
      return out.appendString("null");
    }
    return out.appendByte((byte) '"').appendBytes(ESCAPE.quoteAsUTF8(wellFormed(value))).appendByte((byte) '"');
  }

  /**
   * The string with every unpaired surrogate replaced by U+FFFD: a source can send a lone {@code \ud800}
   * (JSON allows the escape), and Jackson's UTF-8 encoder throws on one rather than write bytes no
   * client could decode.
   */
  static String wellFormed(String value) {
    StringBuilder fixed = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean paired = Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
      if (paired) {
        if (fixed != null) {
          fixed.append(c).append(value.charAt(i + 1));
        }
        i++;
      } else if (Character.isSurrogate(c)) {
        fixed = fixed != null ? fixed : new StringBuilder(value.length()).append(value, 0, i);
        fixed.append('\uFFFD');
      } else if (fixed != null) {
        fixed.append(c);
      }
    }
    return fixed == null ? value : fixed.toString();
  }

  /** At most {@code max} chars of the string, cut on a code-point boundary (never between a surrogate pair). */
  static String cut(String value, int max) {
    if (value.length() <= max) {
      return value;
    }
    int end = Character.isHighSurrogate(value.charAt(max - 1)) && Character.isLowSurrogate(value.charAt(max)) ? max - 1 : max;
    return value.substring(0, end);
  }

  /** {@code "name":"value"}; the name is one of ours, never a source's. */
  static Buffer field(Buffer out, String name, String value) {
    out.appendByte((byte) '"').appendString(name).appendString("\":");
    return string(out, value);
  }
}
