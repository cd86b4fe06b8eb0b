package io.shcr.record;

import io.shcr.sources.SourceStatus;
import io.vertx.core.json.JsonObject;

/** A source's final status within one view: what the {@code source} event and audit report. */
public record SourceResult(String sourceId, SourceStatus status, long latencyMs, String detail) {

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("source", sourceId).put("status", status.wireName()).put("latencyMs", latencyMs);
    if (detail != null && !detail.isBlank()) {
      json.put("detail", detail);
    }
    return json;
  }
}
