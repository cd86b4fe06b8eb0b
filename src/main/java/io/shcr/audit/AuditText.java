package io.shcr.audit;

/**
 * Makes text a client sent safe to keep in the trail and to show a privacy officer: control and
 * invisible formatting characters (line breaks, bidirectional overrides, zero-width marks, lone
 * surrogates) become spaces, runs of spaces become one, and the result is cut to a bound, saying how
 * much was cut. Letters of every script are kept: a person's own words are what a review needs.
 */
public final class AuditText {

  private AuditText() {}

  /** The cleaned text, at most {@code max} characters plus a cut marker; null stays null. */
  public static String clean(String text, int max) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder((int) Math.min(text.length(), max + 16L));
    boolean space = false;
    int kept = 0;
    int i = 0;
    for (; i < text.length() && kept < max; ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (invisible(cp) || Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        space = out.length() > 0;
        continue;
      }
      if (space) {
        out.append(' ');
        kept++;
        space = false;
        if (kept >= max) {
          break;
        }
      }
      out.appendCodePoint(cp);
      kept++;
    }
    if (i < text.length()) {
      out.append(" [cut: ").append(text.length() - i).append(" more characters]");
    }
    return out.toString();
  }

  /**
   * A token-like value (a path, a method, a user agent): printable ASCII and spaces only, anything
   * else as {@code ?}, cut to {@code max}.
   */
  public static String ascii(String text, int max) {
    if (text == null) {
      return null;
    }
    int end = Math.min(text.length(), max);
    StringBuilder out = new StringBuilder(end + 24);
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c <= 0x7e ? c : '?');
    }
    if (text.length() > max) {
      out.append("...[cut: ").append(text.length() - max).append(" more]");
    }
    return out.toString();
  }

  private static boolean invisible(int cp) {
    int type = Character.getType(cp);
    return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
        || type == Character.PRIVATE_USE || type == Character.UNASSIGNED
        || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
  }
}
