package io.shcr.streaming;

import io.shcr.config.ServiceConfig;
import io.shcr.core.ApiError;
import io.shcr.core.ErrorResponses;
import io.shcr.record.RecordSink;
import io.shcr.record.SectionEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.rxjava3.RxHelper;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a view as Server-Sent Events on the raw response (Vert.x Web has no server-side SSE
 * handler): {@code meta}, then {@code section} and {@code source} events as they happen, then
 * {@code complete}, each with an {@code id:}. The events go through one {@link EventOutbox}, a
 * {@code Flowable} cut into frames of 16 KiB and written by Vert.x's {@code WriteStreamSubscriber}, so
 * the socket's write queue governs how fast they leave. A client that takes less than the view writes
 * may fall behind by {@code record.slowReader} (events, bytes; a burst past them for its grace, never
 * past their ceiling); beyond that the stream ends with a {@code complete} whose status is
 * {@code client-too-slow}, and the view is stopped. A comment
 * heartbeat goes out only when the stream has been idle for the heartbeat interval and nothing waits.
 */
public final class SseRecordSink implements RecordSink {

  public static final String CLIENT_TOO_SLOW = "client-too-slow";

  /** After a cut-off, how long the client has to take the last frames before the connection is closed. */
  static final long CUT_OFF_GRACE_MS = 30_000;

  private static final Logger LOG = LoggerFactory.getLogger(SseRecordSink.class);

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final long heartbeatMs;
  private final String requestId;
  private final ServiceConfig.SlowReader bounds;
  private final EventOutbox outbox;
  private final JsonArray finishedSources = new JsonArray();
  private final long startedNanos = System.nanoTime();
  private Runnable stopView = () -> { };
  private long nextId = 1;
  private long heartbeatTimer = -1;
  private long graceTimer = -1;
  private long lastWriteNanos = System.nanoTime();
  private boolean begun;
  private boolean ended;
  private String endedAs;
  private int delivered;

  public SseRecordSink(Vertx vertx, HttpServerResponse response, long heartbeatMs, String requestId) {
    this(vertx, response, heartbeatMs, requestId, ServiceConfig.SlowReader.DEFAULT);
  }

  public SseRecordSink(Vertx vertx, HttpServerResponse response, long heartbeatMs, String requestId,
      ServiceConfig.SlowReader bounds) {
    this.vertx = vertx;
    this.response = response;
    this.heartbeatMs = heartbeatMs;
    this.requestId = requestId;
    this.bounds = bounds;
    this.outbox = new EventOutbox(bounds);
  }

  @Override
  public void meta(JsonObject meta) {
    if (ended) {
      return;
    }
    response.setStatusCode(200)
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Accel-Buffering", "no")
        .putHeader("X-Request-Id", requestId);
    begun = true;
    outbox.events()
        .concatMapIterable(this::frames, 1)
        .doOnNext(this::handedOver)
        .subscribe(RxHelper.toSubscriber(response, SseFrames.Frame::bytes)
            .onWriteStreamError(t -> abandon())
            .onWriteStreamEndError(t -> abandon()));
    send("meta", List.of(meta.toBuffer()), 0);
    scheduleHeartbeat(heartbeatMs);
  }

  @Override
  public void section(SectionEvent section) {
    if (send("section", SseFrames.sectionData(section), section.resourceCount())) {
      delivered += section.resourceCount();
    }
  }

  @Override
  public void source(JsonObject source) {
    if (send("source", List.of(source.toBuffer()), 0)) {
      finishedSources.add(source);
    }
  }

  @Override
  public void complete(JsonObject complete) {
    finish(new EventOutbox.Outgoing("complete", List.of(complete.toBuffer()), 0));
  }

  @Override
  public void fail(ApiError error) {
    if (ended) {
      return;
    }
    try {
      if (begun) {
        // The client has seen part of the record: say in-stream that it is incomplete, then end.
        finish(new EventOutbox.Outgoing("error", List.of(error.toJson(requestId).toBuffer()), 0));
      } else {
        ended = true;
        cancelHeartbeat();
        ErrorResponses.send(response, error, requestId);
      }
    } catch (RuntimeException e) {
      ended = true;
      cancelHeartbeat();
      outbox.cancel();
      response.reset();
    }
  }

  @Override
  public int delivered() {
    return delivered;
  }

  @Override
  public void refuse(ApiError error) {
    if (ended) {
      return;
    }
    if (begun) {
      // Cannot happen behind a RelationshipHold (it refuses before anything is sent); if it did,
      // say so in-stream rather than send partial data silently.
      finish(new EventOutbox.Outgoing("error", List.of(error.toJson(requestId).toBuffer()), 0));
      return;
    }
    ended = true;
    ErrorResponses.send(response, error, requestId);
  }

  @Override
  public void stopViewWith(Runnable stop) {
    this.stopView = stop;
  }

  @Override
  public String endedAs() {
    return endedAs;
  }

  /** The client has gone: stop the heartbeat, drop what is held; nothing more is written. */
  public void abandon() {
    ended = true;
    stopView = () -> { };
    cancelHeartbeat();
    outbox.cancel();
  }

  /** The most this stream has held at once for its client, in bytes. */
  public long peakHeldBytes() {
    return outbox.peakBytes();
  }

  /** Queues one event; false when not queued (the stream has ended, or the client was too slow). */
  private boolean send(String event, List<Buffer> data, int resources) {
    if (ended || response.closed()) {
      return false;
    }
    if (!outbox.offer(new EventOutbox.Outgoing(event, data, resources))) {
      cutOff();
      return false;
    }
    if (outbox.pastBounds() && graceTimer < 0) {
      // A burst may pass the bounds for a moment; a client still that far behind after the grace is too slow.
      graceTimer = vertx.setTimer(Math.max(1, bounds.graceMs()), id -> {
        graceTimer = -1;
        if (!ended && outbox.pastBounds()) {
          cutOff();
        }
      });
    }
    return true;
  }

  /**
   * The client has fallen too far behind: drop what it has not begun to receive, tell it so, stop the
   * view (no source is asked anything more), and end.
   */
  private void cutOff() {
    ended = true;
    endedAs = CLIENT_TOO_SLOW;
    cancelHeartbeat();
    JsonObject complete = new JsonObject()
        .put("requestId", requestId)
        .put("status", CLIENT_TOO_SLOW)
        .put("detail", "The stream was ended because the connection took the record more slowly than it was "
            + "being sent; what arrived is incomplete. Try again on a better connection, or ask for fewer sections.")
        .put("sources", finishedSources.copy())
        .put("elapsedMs", (System.nanoTime() - startedNanos) / 1_000_000L);
    List<EventOutbox.Outgoing> dropped = outbox.cutOff(new EventOutbox.Outgoing("complete", List.of(complete.toBuffer()), 0));
    dropped.forEach(event -> delivered -= event.resources());
    LOG.warn("request {}: client too slow; stream cut off holding at most {} bytes ({} events dropped)", requestId,
        outbox.peakBytes(), dropped.size());
    vertx.setTimer(CUT_OFF_GRACE_MS, id -> {
      if (!response.ended() && !response.closed()) {
        response.reset();
      }
    });
    Runnable stop = stopView;
    stopView = () -> { };
    stop.run();
  }

  private void finish(EventOutbox.Outgoing last) {
    if (ended) {
      return;
    }
    ended = true;
    cancelHeartbeat();
    stopView = () -> { }; // the view ends by itself now; do not keep it alive while the client takes the rest
    if (!response.closed()) {
      outbox.close(last);
    }
  }

  private Iterable<SseFrames.Frame> frames(EventOutbox.Outgoing event) {
    return event.event() == null ? SseFrames.heartbeat() : SseFrames.event(nextId++, event.event(), event.data());
  }

  private void handedOver(SseFrames.Frame frame) {
    lastWriteNanos = System.nanoTime();
    outbox.handedOver(frame);
  }

  /** Only an idle stream gets a heartbeat: nothing written for the interval, nothing waiting, room to write. */
  private void scheduleHeartbeat(long delayMs) {
    heartbeatTimer = vertx.setTimer(Math.max(1, delayMs), id -> {
      heartbeatTimer = -1;
      if (ended || response.closed()) {
        return;
      }
      long idleMs = (System.nanoTime() - lastWriteNanos) / 1_000_000L;
      if (idleMs >= heartbeatMs && outbox.nothingHeld() && !response.writeQueueFull()) {
        outbox.offer(EventOutbox.Outgoing.HEARTBEAT);
        scheduleHeartbeat(heartbeatMs);
      } else {
        scheduleHeartbeat(Math.max(heartbeatMs - idleMs, heartbeatMs / 4));
      }
    });
  }

  private void cancelHeartbeat() {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
      heartbeatTimer = -1;
    }
    if (graceTimer >= 0) {
      vertx.cancelTimer(graceTimer);
      graceTimer = -1;
    }
  }
}
