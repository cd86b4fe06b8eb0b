package io.shcr.record;

import io.shcr.core.ApiError;
import io.vertx.core.json.JsonObject;

/**
 * Where a view's events go: an SSE stream, a JSON document, or a holding pen while the relationship
 * is being settled. Events arrive in order: meta, then sections and source statuses as they happen,
 * then complete; or a refusal before anything was sent; or a failure at any point. A sink may throw
 * while writing: the view then fails it (see {@link #fail}) and audits the failure.
 */
public interface RecordSink {

  void meta(JsonObject meta);

  void section(SectionEvent section);

  void source(JsonObject source);

  /**
   * A reconciled group created or changed by the section event just before it (never before that
   * section): {@code {"section","group","summary","members","organisations","differences"}}, with every
   * member this view has seen so far, already encoded. A sink that does not show groups ignores it.
   */
  default void group(io.shcr.reconcile.GroupEvent group) {
  }

  /**
   * The view's timeline across organisations, newest first, once, just before {@link #complete}.
   * A sink that does not show it ignores it.
   */
  default void timeline(io.vertx.core.json.JsonArray timeline) {
  }

  /**
   * Whether this sink shows the timeline: when it does not (the SSE stream, whose clients build theirs
   * from the section events), the view does not build one.
   */
  default boolean wantsTimeline() {
    return false;
  }

  void complete(JsonObject complete);

  /** The view was refused after it began (no relationship); nothing has reached the client yet. */
  void refuse(ApiError error);

  /**
   * The view cannot be finished (a write failed, or it ran past its deadline): end the response now
   * with this error, as an error document if nothing was sent yet, in-stream if the stream had begun,
   * or by breaking the connection off if neither is possible. Never throws.
   */
  void fail(ApiError error);

  /** How many resources have actually been written to the client so far (for audit). */
  int delivered();

  /**
   * How many resources reached the client, once the response is fully written. A sink that finishes
   * its response off the event loop after {@link #complete} (a FHIR Bundle) completes this later.
   */
  default io.vertx.core.Future<Integer> written() {
    return io.vertx.core.Future.succeededFuture(delivered());
  }

  /**
   * Gives the sink a way to stop the view (every source call cancelled, the view ended) when the sink
   * cannot go on: a client reading too slowly. The view is then audited as {@link #endedAs()} says.
   */
  default void stopViewWith(Runnable stop) {
  }

  /**
   * How the sink ended the view itself, when it did (a client too slow: {@code client-too-slow}); null
   * when the view's own ending stands.
   */
  default String endedAs() {
    return null;
  }
}
