package io.shcr.streaming;

import io.shcr.core.ErrorResponses;
import io.shcr.core.ApiError;
import io.shcr.record.RecordSink;
import io.shcr.record.SectionEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The same view as one JSON document, sent once every source has finished or the deadline passed:
 * the meta fields, every section, and every source's final status. Sections arrive already encoded,
 * so the document is assembled by copying bytes, never by encoding a large tree on the event loop.
 */
public final class JsonRecordSink implements RecordSink {

  private final HttpServerResponse response;
  private final String requestId;
  private final JsonObject document = new JsonObject();
  private final List<SectionEvent> sections = new ArrayList<>();
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
  public void complete(JsonObject complete) {
    if (ended || response.closed()) {
      return;
    }
    document.put("sources", complete.getJsonArray("sources")).put("elapsedMs", complete.getLong("elapsedMs"));
    String head = document.encode();
    Buffer body = Buffer.buffer(head.length() + sections.stream().mapToInt(s -> s.resources().length() + 96).sum() + 16)
        .appendString(head.substring(0, head.length() - 1))
        .appendString(document.isEmpty() ? "\"sections\":[" : ",\"sections\":[");
    int count = 0;
    for (int i = 0; i < sections.size(); i++) {
      if (i > 0) {
        body.appendString(",");
      }
      body.appendBuffer(sections.get(i).toBuffer());
      count += sections.get(i).resourceCount();
    }
    body.appendString("]}");
    ended = true;
    response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Request-Id", requestId)
        .end(body);
    delivered = count;
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
