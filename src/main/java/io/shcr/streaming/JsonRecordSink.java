package io.shcr.streaming;

import io.shcr.api.ApiError;
import io.shcr.record.RecordSink;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The same view as one JSON document, sent once every source has finished or the deadline passed:
 * the meta fields, every section, and every source's final status.
 */
public final class JsonRecordSink implements RecordSink {

  private final HttpServerResponse response;
  private final String requestId;
  private final JsonObject document = new JsonObject();
  private final JsonArray sections = new JsonArray();
  private boolean ended;

  public JsonRecordSink(HttpServerResponse response, String requestId) {
    this.response = response;
    this.requestId = requestId;
  }

  @Override
  public void meta(JsonObject meta) {
    document.mergeIn(meta.copy());
    document.remove("sources");
  }

  @Override
  public void section(JsonObject section) {
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
    ended = true;
    document.put("sources", complete.getJsonArray("sources"))
        .put("sections", sections)
        .put("elapsedMs", complete.getLong("elapsedMs"));
    response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Request-Id", requestId)
        .end(document.encode());
  }

  @Override
  public void refuse(ApiError error) {
    if (ended || response.closed()) {
      return;
    }
    ended = true;
    ErrorResponses.send(response, error, requestId);
  }
}
