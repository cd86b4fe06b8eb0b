package io.shcr.streaming;

import io.shcr.core.ErrorResponses;
import io.shcr.core.ApiError;
import io.shcr.record.RecordSink;
import io.shcr.record.SectionEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Writes a view as Server-Sent Events on the raw response (Vert.x Web has no server-side SSE
 * handler): {@code meta}, then {@code section} and {@code source} events as they happen, then
 * {@code complete}, each with an {@code id:} and flushed as written, and a comment heartbeat while
 * the stream is idle so proxies and mobile networks keep it open.
 */
public final class SseRecordSink implements RecordSink {

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final long heartbeatMs;
  private final String requestId;
  private long nextId = 1;
  private long heartbeatTimer = -1;
  private boolean ended;
  private int delivered;

  public SseRecordSink(Vertx vertx, HttpServerResponse response, long heartbeatMs, String requestId) {
    this.vertx = vertx;
    this.response = response;
    this.heartbeatMs = heartbeatMs;
    this.requestId = requestId;
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
    write("meta", meta.toBuffer());
    heartbeatTimer = vertx.setPeriodic(heartbeatMs, id -> heartbeat());
  }

  @Override
  public void section(SectionEvent section) {
    if (write("section", section.toBuffer())) {
      delivered += section.resourceCount();
    }
  }

  @Override
  public void source(JsonObject source) {
    write("source", source.toBuffer());
  }

  @Override
  public void complete(JsonObject complete) {
    write("complete", complete.toBuffer());
    end();
  }

  @Override
  public void fail(ApiError error) {
    if (ended) {
      return;
    }
    try {
      if (response.headWritten()) {
        // The client has seen part of the record: say in-stream that it is incomplete, then end.
        write("error", error.toJson(requestId).toBuffer());
        end();
      } else {
        ended = true;
        cancelHeartbeat();
        ErrorResponses.send(response, error, requestId);
      }
    } catch (RuntimeException e) {
      ended = true;
      cancelHeartbeat();
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
    if (response.headWritten()) {
      // Cannot happen through HoldingSink; if it did, say so in-stream rather than send partial data silently.
      write("error", error.toJson(requestId).toBuffer());
      end();
      return;
    }
    ended = true;
    ErrorResponses.send(response, error, requestId);
  }

  /** The client has gone: stop the heartbeat; nothing more is written. */
  public void abandon() {
    ended = true;
    cancelHeartbeat();
  }

  private void heartbeat() {
    if (!ended && !response.closed()) {
      response.write(": heartbeat\n\n");
    }
  }

  /** Writes one event (its JSON is one line: JSON encoding escapes every line break); false when not written. */
  private boolean write(String event, Buffer data) {
    if (ended || response.closed()) {
      return false;
    }
    Buffer frame = Buffer.buffer(data.length() + 48)
        .appendString("id: ").appendString(Long.toString(nextId++)).appendString("\n")
        .appendString("event: ").appendString(event).appendString("\n")
        .appendString("data: ").appendBuffer(data).appendString("\n\n");
    response.write(frame);
    return true;
  }

  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    cancelHeartbeat();
    if (!response.closed()) {
      response.end();
    }
  }

  private void cancelHeartbeat() {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
      heartbeatTimer = -1;
    }
  }
}
