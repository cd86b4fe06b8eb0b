package io.shcr.streaming;

import io.shcr.core.ErrorResponses;
import io.shcr.core.ApiError;
import io.shcr.record.RecordSink;
import io.shcr.record.SectionEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.rxjava3.RxHelper;
import io.reactivex.rxjava3.core.Flowable;
import java.util.ArrayList;
import java.util.List;

/**
 * The same view as one JSON document, sent once every source has finished or the deadline passed:
 * the meta fields, every section, and every source's final status. Sections arrive already encoded,
 * so the document is assembled from their bytes, never by encoding a large tree on the event loop, and
 * written in parts as the socket takes them (a {@code Flowable} into Vert.x's {@code WriteStreamSubscriber}).
 */
public final class JsonRecordSink implements RecordSink {

  private static final Buffer CLOSE_SECTION = Buffer.buffer("}");

  private final HttpServerResponse response;
  private final String requestId;
  private final JsonObject document = new JsonObject();
  private final List<SectionEvent> sections = new ArrayList<>();
  /** The latest version of each group, by id, in the order first seen. */
  private final java.util.Map<String, io.shcr.reconcile.GroupEvent> groups = new java.util.LinkedHashMap<>();
  private io.vertx.core.json.JsonArray timeline = new io.vertx.core.json.JsonArray();
  private boolean ended;
  private int delivered;

  public JsonRecordSink(HttpServerResponse response, String requestId) {
    this.response = response;
    this.requestId = requestId;
  }

  @Override
  public void meta(JsonObject meta) {
    document.mergeIn(meta.copy());
    document.remove("sources");
    document.remove("sections"); // the document's sections are the released ones, appended at the end
  }

  @Override
  public void section(SectionEvent section) {
    sections.add(section);
  }

  @Override
  public void source(JsonObject source) {
    // Final statuses come with complete.
  }

  @Override
  public void group(io.shcr.reconcile.GroupEvent group) {
    groups.put(group.group(), group);
  }

  @Override
  public void timeline(io.vertx.core.json.JsonArray entries) {
    this.timeline = entries;
  }

  @Override
  public boolean wantsTimeline() {
    return true;
  }

  @Override
  public void complete(JsonObject complete) {
    if (ended || response.closed()) {
      return;
    }
    document.put("sources", complete.getJsonArray("sources")).put("elapsedMs", complete.getLong("elapsedMs"));
    document.put("timeline", timeline);
    String head = document.encode();
    List<Buffer> parts = new ArrayList<>(sections.size() * 2 + 2);
    parts.add(Buffer.buffer(head.substring(0, head.length() - 1) + (document.isEmpty() ? "" : ",")));
    parts.add(reconciled());
    parts.add(Buffer.buffer(",\"sections\":["));
    int count = 0;
    for (int i = 0; i < sections.size(); i++) {
      SectionEvent section = sections.get(i);
      parts.add(Buffer.buffer((i > 0 ? ",{\"source\":" : "{\"source\":") + Json.encode(section.source())
          + ",\"section\":" + Json.encode(section.section()) + ",\"resources\":"));
      parts.add(section.resources());
      parts.add(CLOSE_SECTION);
      count += section.resourceCount();
    }
    parts.add(Buffer.buffer("]}"));
    sections.clear();
    long length = parts.stream().mapToLong(Buffer::length).sum();
    ended = true;
    response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Request-Id", requestId)
        .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
    // In parts of at most 16 KiB, each written when the socket has room: the document is never copied whole.
    Flowable.fromIterable(parts)
        .concatMapIterable(JsonRecordSink::slices, 1)
        .subscribe(RxHelper.toSubscriber(response)
            .onWriteStreamError(t -> response.reset())
            .onWriteStreamEndError(t -> { }));
    delivered = count;
  }

  /**
   * {@code "reconciled":{"medications":[…],…}}: each group's last version, by section, from the bytes
   * its event already holds (never re-encoded).
   */
  private Buffer reconciled() {
    java.util.Map<String, List<Buffer>> bySection = new java.util.LinkedHashMap<>();
    groups.values().forEach(g -> bySection.computeIfAbsent(g.section(), s -> new ArrayList<>()).add(g.json()));
    groups.clear();
    Buffer out = Buffer.buffer().appendString("\"reconciled\":{");
    boolean firstSection = true;
    for (var entry : bySection.entrySet()) {
      out.appendString((firstSection ? "" : ",") + Json.encode(entry.getKey()) + ":[");
      firstSection = false;
      for (int i = 0; i < entry.getValue().size(); i++) {
        if (i > 0) {
          out.appendByte((byte) ',');
        }
        out.appendBuffer(entry.getValue().get(i));
      }
      out.appendByte((byte) ']');
    }
    return out.appendByte((byte) '}');
  }

  /** A part as slices of at most one frame each (slices share the part's bytes). */
  private static List<Buffer> slices(Buffer part) {
    if (part.length() <= SseFrames.FRAME_BYTES) {
      return List.of(part);
    }
    List<Buffer> slices = new ArrayList<>(part.length() / SseFrames.FRAME_BYTES + 1);
    for (int at = 0; at < part.length(); at += SseFrames.FRAME_BYTES) {
      slices.add(part.slice(at, Math.min(part.length(), at + SseFrames.FRAME_BYTES)));
    }
    return slices;
  }

  @Override
  public void refuse(ApiError error) {
    if (ended || response.closed()) {
      return;
    }
    ended = true;
    ErrorResponses.send(response, error, requestId);
  }

  @Override
  public void fail(ApiError error) {
    if (ended || response.closed()) {
      return;
    }
    ended = true;
    sections.clear();
    try {
      if (response.headWritten()) {
        response.reset(); // part of a document went out: break it off rather than let it pass as whole
      } else {
        ErrorResponses.send(response, error, requestId);
      }
    } catch (RuntimeException e) {
      response.reset();
    }
  }

  @Override
  public int delivered() {
    return delivered;
  }
}
