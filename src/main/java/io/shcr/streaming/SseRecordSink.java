package io.shcr.streaming;

import io.shcr.config.ServiceConfig;
import io.shcr.core.ApiError;
import io.shcr.core.ErrorResponses;
import io.shcr.record.RecordSink;
import io.shcr.record.SectionEvent;
import io.shcr.resume.ResumeLedger;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a view as Server-Sent Events on the raw response (Vert.x Web has no server-side SSE
 * handler): {@code meta}, then {@code section} and {@code source} events as they happen, then
 * {@code complete}, each with an {@code id:}. The events go through one {@link EventOutbox}, a
 * {@code Flowable} cut into frames of 16 KiB and written by {@link CoalescedWrites} (what one turn of the
 * event loop hands over, in one write), so the socket's write queue governs how fast they leave. A client that takes less than the view writes
 * may fall behind by {@code record.slowReader} (events, bytes); a stream over them is cut off only when
 * its client is also not keeping up (took less than {@code maxBytes / }{@link #KEEPING_UP_DIVISOR} in the
 * last grace), or is past their ceiling having taken nothing for the grace: the stream ends with a
 * {@code complete} whose status is {@code client-too-slow}, and the view is stopped. Once the view has
 * finished, a client that takes nothing for {@link #CUT_OFF_GRACE_MS} is disconnected. A comment
 * heartbeat goes out only when the stream has been idle for the heartbeat interval and nothing waits.
 * A resumable stream ({@link #resumable}) starts with {@code retry:}, and each event's id is its resume
 * token, minted as the event goes to the socket ({@link ResumeLedger}); an {@code error} and a
 * {@code client-too-slow} complete carry no id, so a client resumes from the last event it was sent. A
 * resumed stream does not send {@code meta} again.
 */
public final class SseRecordSink implements RecordSink {

  public static final String CLIENT_TOO_SLOW = "client-too-slow";

  /**
   * Once the view has finished or the stream was cut off, how long a client may take nothing while
   * something is still held for it before the connection is reset (and what it was never sent dropped).
   */
  static final long CUT_OFF_GRACE_MS = 30_000;

  /**
   * A stream over its bounds is cut off only if its client took less than {@code maxBytes / KEEPING_UP_DIVISOR}
   * in the last {@code graceMs} (512 KiB per 2 s with the defaults, some 256 KiB/s): the bounds measure
   * the backlog, this measures the reading speed, and only a client both behind and slow is too slow.
   */
  static final int KEEPING_UP_DIVISOR = 8;

  private static final Logger LOG = LoggerFactory.getLogger(SseRecordSink.class);

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final long heartbeatMs;
  private final String requestId;
  private final ServiceConfig.SlowReader bounds;
  private final EventOutbox outbox;
  /** The sources whose {@code source} event has been handed to the socket, in that order. */
  private final JsonArray handedOverSources = new JsonArray();
  private final long stallMs;
  private EventOutbox.Outgoing framing;
  private EventOutbox.Outgoing tooSlowComplete;
  private final long startedNanos = System.nanoTime();
  private Runnable stopView = () -> { };
  private long nextId = 1;
  private ResumeLedger ledger;
  private long retryMs;
  private EventOutbox.Outgoing retryLine;
  private io.shcr.core.SharedTimers.Timeout heartbeatTimer;
  private long graceTimer = -1;
  private long lastWriteNanos = System.nanoTime();
  /** The last time the client made progress: a frame handed over, or the outbox going from empty to holding. */
  private long progressNanos = System.nanoTime();
  /** Bytes handed to the socket in all, and at the start of the current check of the bounds. */
  private long takenBytes;
  private long takenAtCheck;
  private long stallTimer = -1;
  private boolean begun;
  private boolean ended;
  private String endedAs;
  private int delivered;

  public SseRecordSink(Vertx vertx, HttpServerResponse response, long heartbeatMs, String requestId) {
    this(vertx, response, heartbeatMs, requestId, ServiceConfig.SlowReader.DEFAULT);
  }

  public SseRecordSink(Vertx vertx, HttpServerResponse response, long heartbeatMs, String requestId,
      ServiceConfig.SlowReader bounds) {
    this(vertx, response, heartbeatMs, requestId, bounds, CUT_OFF_GRACE_MS);
  }

  /** As above, with how long a finished or cut-off stream may take nothing before it is reset (tests). */
  SseRecordSink(Vertx vertx, HttpServerResponse response, long heartbeatMs, String requestId,
      ServiceConfig.SlowReader bounds, long stallMs) {
    this.stallMs = stallMs;
    this.vertx = vertx;
    this.response = response;
    this.heartbeatMs = heartbeatMs;
    this.requestId = requestId;
    this.bounds = bounds;
    this.outbox = new EventOutbox(bounds);
  }

  /**
   * Makes every event id a resume token from this ledger, and starts the stream with {@code retry: retryMs}
   * (none when 0). Before {@link #meta}.
   */
  public SseRecordSink resumable(ResumeLedger resume, long retry) {
    this.ledger = resume;
    this.retryMs = retry;
    return this;
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
        .subscribe(new CoalescedWrites(vertx.getOrCreateContext(), response, this::abandon));
    if (retryMs > 0) {
      retryLine = new EventOutbox.Outgoing("retry", List.of(), 0);
      outbox.offer(retryLine);
    }
    if (ledger == null || !ledger.resumed()) {
      send("meta", List.of(meta.toBuffer()), 0);
    }
    scheduleHeartbeat(heartbeatMs);
  }

  @Override
  public void section(SectionEvent section) {
    if (send("section", SseFrames.sectionData(section), section.resourceCount(), null, section)) {
      delivered += section.resourceCount();
    }
  }

  @Override
  public void source(JsonObject source) {
    send("source", List.of(source.toBuffer()), 0, source);
  }

  /** A {@code group} event, after the section that caused it (docs/api.md). */
  @Override
  public void group(io.shcr.reconcile.GroupEvent group) {
    send("group", List.of(group.json()), 0);
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
    cancelStallWatch();
    outbox.cancel();
  }

  /** The most this stream has held at once for its client, in bytes. */
  public long peakHeldBytes() {
    return outbox.peakBytes();
  }

  /** Queues one event; false when not queued (the stream has ended, or the client was too slow). */
  private boolean send(String event, List<Buffer> data, int resources) {
    return send(event, data, resources, null, null);
  }

  private boolean send(String event, List<Buffer> data, int resources, JsonObject source) {
    return send(event, data, resources, source, null);
  }

  private boolean send(String event, List<Buffer> data, int resources, JsonObject source, SectionEvent section) {
    if (ended || response.closed()) {
      return false;
    }
    EventOutbox.Outgoing outgoing = new EventOutbox.Outgoing(event, data, resources, source, section);
    if (outbox.wouldPassCeiling(outgoing) && stalled(bounds.graceMs())) {
      // Far behind and taking nothing at all: no need to wait for the next check.
      cutOff();
      return false;
    }
    noteBusy();
    if (!outbox.offer(outgoing)) {
      return false;
    }
    if (outbox.pastBounds() && graceTimer < 0) {
      armBoundsCheck();
    }
    return true;
  }

  /**
   * A burst may pass the bounds (the view pushes; a source's answer or a relationship hold's release
   * lands at once). Every {@code graceMs} while over them: a client that took less than
   * {@link #keepingUpBytes()} since the last check is too slow; one that took more is keeping up.
   */
  private void armBoundsCheck() {
    takenAtCheck = takenBytes;
    graceTimer = vertx.setTimer(Math.max(1, bounds.graceMs()), id -> {
      graceTimer = -1;
      if (ended || !outbox.pastBounds()) {
        return;
      }
      if (takenBytes - takenAtCheck < keepingUpBytes()) {
        cutOff();
      } else {
        armBoundsCheck();
      }
    });
  }

  /** What a client over its bounds must take per {@code graceMs} not to be cut off. */
  long keepingUpBytes() {
    return Math.max(1, bounds.maxBytes() / KEEPING_UP_DIVISOR);
  }

  /** Something has been held for the client for this long and it has taken nothing of it. */
  private boolean stalled(long ms) {
    return !outbox.nothingHeld() && System.nanoTime() - progressNanos >= ms * 1_000_000L;
  }

  /** The outbox is about to hold something: if it held nothing, the client had nothing to take until now. */
  private void noteBusy() {
    if (outbox.nothingHeld()) {
      progressNanos = System.nanoTime();
    }
  }

  /**
   * Once the view has finished (or the stream was cut off), nothing else enforces the bounds: a client
   * that takes nothing for {@code stallMs} while something is still held for it is disconnected, and what
   * it was never sent is dropped.
   */
  private void watchStall(long delayMs) {
    stallTimer = vertx.setTimer(Math.max(1, delayMs), id -> {
      stallTimer = -1;
      if (response.ended() || response.closed() || outbox.nothingHeld()) {
        return;
      }
      long idleMs = (System.nanoTime() - progressNanos) / 1_000_000L;
      if (idleMs >= stallMs) {
        LOG.warn("request {}: client took nothing for {} ms after the view ended; connection reset", requestId, idleMs);
        outbox.cancel();
        response.reset();
      } else {
        watchStall(stallMs - idleMs);
      }
    });
  }

  /** The {@code client-too-slow} complete, made as it goes out: {@code sources} is what was handed over by then. */
  private JsonObject tooSlowCompleteData() {
    return new JsonObject()
        .put("requestId", requestId)
        .put("status", CLIENT_TOO_SLOW)
        .put("detail", "The stream was ended because the connection took the record more slowly than it was "
            + "being sent; what arrived is incomplete. Try again on a better connection, or ask for fewer sections.")
        .put("sources", handedOverSources.copy())
        .put("elapsedMs", (System.nanoTime() - startedNanos) / 1_000_000L);
  }

  /**
   * The client has fallen too far behind: drop what it has not begun to receive, tell it so, stop the
   * view (no source is asked anything more), and end.
   */
  private void cutOff() {
    ended = true;
    endedAs = CLIENT_TOO_SLOW;
    cancelHeartbeat();
    // Its data is made again as it goes out (frames()), when every source event before it has been handed over.
    tooSlowComplete = new EventOutbox.Outgoing("complete", List.of(tooSlowCompleteData().toBuffer()), 0);
    noteBusy();
    List<EventOutbox.Outgoing> dropped = outbox.cutOff(tooSlowComplete);
    dropped.forEach(event -> delivered -= event.resources());
    LOG.warn("request {}: client too slow; stream cut off holding at most {} bytes ({} events dropped)", requestId,
        outbox.peakBytes(), dropped.size());
    watchStall(stallMs);
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
      noteBusy();
      outbox.close(last);
      watchStall(stallMs);
    }
  }

  private Iterable<SseFrames.Frame> frames(EventOutbox.Outgoing event) {
    framing = event;
    if (event.event() == null) {
      return SseFrames.heartbeat();
    }
    if (event == retryLine) {
      return SseFrames.retry(retryMs);
    }
    List<Buffer> data = event == tooSlowComplete ? List.of(tooSlowCompleteData().toBuffer()) : event.data();
    return SseFrames.event(idFor(event), event.event(), data);
  }

  /**
   * The id of an event going out now. Without a ledger, a count; with one, the resume token of everything
   * sent up to and including this event. An error or a cut-off complete gets none: resuming from the event
   * before it is what the client needs.
   */
  private String idFor(EventOutbox.Outgoing event) {
    if (ledger == null) {
      return String.valueOf(nextId++);
    }
    if (event == tooSlowComplete || "error".equals(event.event())) {
      return null;
    }
    if (event.section() != null) {
      return ledger.section(event.section().source(), event.section().section());
    }
    if (event.source() != null) {
      return ledger.source(event.source());
    }
    return ledger.now();
  }

  private void handedOver(SseFrames.Frame frame) {
    lastWriteNanos = System.nanoTime();
    progressNanos = lastWriteNanos;
    takenBytes += frame.bytes().length();
    if (frame.last() && framing != null && framing.source() != null) {
      handedOverSources.add(framing.source());
    }
    outbox.handedOver(frame);
  }

  /** Only an idle stream gets a heartbeat: nothing written for the interval, nothing waiting, room to write. */
  private void scheduleHeartbeat(long delayMs) {
    heartbeatTimer = io.shcr.core.SharedTimers.after(vertx, delayMs, () -> {
      heartbeatTimer = null;
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
    if (heartbeatTimer != null) {
      heartbeatTimer.cancel();
      heartbeatTimer = null;
    }
    if (graceTimer >= 0) {
      vertx.cancelTimer(graceTimer);
      graceTimer = -1;
    }
  }

  private void cancelStallWatch() {
    if (stallTimer >= 0) {
      vertx.cancelTimer(stallTimer);
      stallTimer = -1;
    }
  }
}
