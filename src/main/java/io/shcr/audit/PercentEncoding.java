package io.shcr.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Whether text is well-formed percent-encoding: every {@code %} followed by two hex digits, and the
 * decoded bytes valid UTF-8. What Vert.x would throw on (or silently garble) while decoding, checked
 * without throwing.
 */
public final class PercentEncoding {

  private PercentEncoding() {}

  public static boolean valid(String text) {
    if (text.indexOf('%') < 0) {
      return wellFormedUtf16(text);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    int run = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) != '%') {
        continue;
      }
      bytes.writeBytes(text.substring(run, i).getBytes(StandardCharsets.UTF_8));
      if (i + 2 >= text.length()) {
        return false;
      }
      int hi = Character.digit(text.charAt(i + 1), 16);
      int lo = Character.digit(text.charAt(i + 2), 16);
      if (hi < 0 || lo < 0) {
        return false;
      }
      bytes.write(hi * 16 + lo);
      i += 2;
      run = i + 1;
    }
    bytes.writeBytes(text.substring(run).getBytes(StandardCharsets.UTF_8));
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()));
      return wellFormedUtf16(text);
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean wellFormedUtf16(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
