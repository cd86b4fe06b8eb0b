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
    return out.appendByte((byte) '"').appendBytes(ESCAPE.quoteAsUTF8(value)).appendByte((byte) '"');
  }

  /** {@code "name":"value"}; the name is one of ours, never a source's. */
  static Buffer field(Buffer out, String name, String value) {
    out.appendByte((byte) '"').appendString(name).appendString("\":");
    return string(out, value);
  }
}
