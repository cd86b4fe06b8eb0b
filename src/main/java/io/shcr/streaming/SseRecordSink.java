package io.shcr.streaming;

import io.shcr.api.ApiError;
import io.shcr.record.RecordSink;
import io.vertx.core.Vertx;
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
    write("meta", meta);
    heartbeatTimer = vertx.setPeriodic(heartbeatMs, id -> heartbeat());
  }

  @Override
  public void section(JsonObject section) {
    write("section", section);
  }

  @Override
  public void source(JsonObject source) {
    write("source", source);
  }

  @Override
  public void complete(JsonObject complete) {
    write("complete", complete);
    end();
  }

  @Override
  public void refuse(ApiError error) {
    if (ended) {
      return;
    }
    if (response.headWritten()) {
      // Cannot happen through HoldingSink; if it did, say so in-stream rather than send partial data silently.
      write("error", error.toJson(requestId));
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

  private void write(String event, JsonObject data) {
    if (ended || response.closed()) {
      return;
    }
    StringBuilder frame = new StringBuilder(256)
        .append("id: ").append(nextId++).append('\n')
        .append("event: ").append(event).append('\n')
        .append("data: ").append(data.encode()).append("\n\n");
    response.write(frame.toString());
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
