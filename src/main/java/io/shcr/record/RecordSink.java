package io.shcr.record;

import io.shcr.api.ApiError;
import io.vertx.core.json.JsonObject;

/**
 * Where a view's events go: an SSE stream, a JSON document, or a holding pen while the relationship
 * is being settled. Events arrive in order: meta, then sections and source statuses as they happen,
 * then complete; or a refusal before anything was sent.
 */
public interface RecordSink {

  void meta(JsonObject meta);

  void section(JsonObject section);

  void source(JsonObject source);

  void complete(JsonObject complete);

  /** The view was refused after it began (no relationship); nothing has reached the client yet. */
  void refuse(ApiError error);
}
