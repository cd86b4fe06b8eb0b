package io.shcr.core;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One request's W3C trace context: the trace it belongs to (the caller's, from a valid
 * {@code traceparent}, or the OpenTelemetry server span's when tracing is on, else a new one) and the
 * span every source call is made under. {@link #traceparent()} is what each source call sends.
 */
public record TraceContext(String traceId, String spanId, boolean sampled) {

  private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  /**
   * The context of an incoming request: the active OpenTelemetry span's (tracing on, so spans line
   * up), else a child of a well-formed {@code traceparent}, else a new trace. A malformed or all-zero
   * header is ignored, never echoed.
   */
  public static TraceContext forRequest(String traceparent) {
    SpanContext active = Span.current().getSpanContext();
    if (active.isValid()) {
      return new TraceContext(active.getTraceId(), active.getSpanId(), active.isSampled());
    }
    if (traceparent != null) {
      var m = TRACEPARENT.matcher(traceparent.trim());
      if (m.matches() && !m.group(1).equals("0".repeat(32)) && !m.group(2).equals("0".repeat(16))) {
        return new TraceContext(m.group(1), newSpanId(), (Integer.parseInt(m.group(3), 16) & 1) == 1);
      }
    }
    return new TraceContext(random(16), newSpanId(), false);
  }

  /** The header a source call carries: version 00, this trace, this request's span. */
  public String traceparent() {
    return "00-" + traceId + "-" + spanId + "-" + (sampled ? "01" : "00");
  }

  private static String newSpanId() {
    return random(8);
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    do {
      RANDOM.nextBytes(b);
    } while (allZero(b));
    return HEX.formatHex(b);
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}
