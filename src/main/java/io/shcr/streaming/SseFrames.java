package io.shcr.streaming;

import io.shcr.record.SectionEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Server-Sent Events as bytes, cut into frames of at most {@link #FRAME_BYTES}: a large section written
 * whole would sit in Netty's buffer whole before the write queue could say it is full, so it leaves a
 * frame at a time, each as the socket takes the last. A frame over a section's resources is copied from the encoded array one frame at a time, as the socket asks.
 */
final class SseFrames {

  /** The most one write to the socket carries. */
  static final int FRAME_BYTES = 16 * 1024;

  private static final Buffer DATA_END = Buffer.buffer("\n\n");
  private static final Buffer HEARTBEAT = Buffer.buffer(": heartbeat\n\n");

  private SseFrames() {}

  /** One write to the socket; {@code last} when it ends its event. */
  record Frame(Buffer bytes, boolean last) {}

  /** A section event's JSON as parts, its resources untouched: {@code {"source","section","resources"}}. */
  static List<Buffer> sectionData(SectionEvent section) {
    return List.of(Buffer.buffer("{\"source\":" + Json.encode(section.source()) + ",\"section\":"
        + Json.encode(section.section()) + ",\"resources\":"), section.resources(), Buffer.buffer("}"));
  }

  /**
   * The frames of one event ({@code id}, {@code event} and one {@code data} line: its JSON is one line),
   * made one at a time as the socket asks for them, so an event is never held twice over.
   */
  static Iterable<Frame> event(String id, String event, List<Buffer> data) {
    return () -> new Iterator<>() {
      // No id line: the client's last event id stays that of the event before (an error, a cut-off complete).
      private final Buffer head = Buffer.buffer((id == null ? "" : "id: " + id + "\n") + "event: " + event + "\ndata: ");
      private int part;
      private int at;
      private boolean ended;

      @Override
      public boolean hasNext() {
        return !ended;
      }

      @Override
      public Frame next() {
        if (ended) {
          throw new NoSuchElementException();
        }
        Buffer frame = Buffer.buffer(size());
        if (part == 0 && at == 0) {
          frame.appendBuffer(head);
        }
        while (part < data.size() && frame.length() < FRAME_BYTES) {
          Buffer piece = data.get(part);
          int end = Math.min(piece.length(), at + FRAME_BYTES - frame.length());
          frame.appendBuffer(piece, at, end - at);
          at = end;
          if (at >= piece.length()) {
            part++;
            at = 0;
          }
        }
        if (part >= data.size() && frame.length() + DATA_END.length() <= FRAME_BYTES) {
          ended = true;
          frame.appendBuffer(DATA_END);
        }
        return new Frame(frame, ended);
      }

      /** This next frame's size: what is left of the event, at most a frame (a small event gets a small buffer). */
      private int size() {
        long left = DATA_END.length();
        if (part == 0 && at == 0) {
          left += head.length();
        }
        for (int i = part; i < data.size() && left < FRAME_BYTES; i++) {
          left += data.get(i).length() - (i == part ? at : 0);
        }
        return (int) Math.min(left, FRAME_BYTES);
      }
    };
  }

  /** How long a client waits before reconnecting once the connection is lost: no event, only the field. */
  static List<Frame> retry(long ms) {
    return List.of(new Frame(Buffer.buffer("retry: " + ms + "\n\n"), true));
  }

  /** The comment that keeps an idle stream open through proxies and mobile networks. */
  static List<Frame> heartbeat() {
    return List.of(new Frame(HEARTBEAT.copy(), true));
  }
}
