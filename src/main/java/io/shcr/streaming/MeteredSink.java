package io.shcr.streaming;

import io.shcr.core.ApiError;
import io.shcr.ops.ShcrMetrics;
import io.shcr.record.RecordSink;
import io.shcr.record.SectionEvent;
import io.vertx.core.json.JsonObject;

/** A sink that counts what passes to the one it wraps (sections, resources, time to the first). */
public final class MeteredSink implements RecordSink {

  private final RecordSink sink;
  private final ShcrMetrics.View metrics;

  public MeteredSink(RecordSink sink, ShcrMetrics.View metrics) {
    this.sink = sink;
    this.metrics = metrics;
  }

  @Override
  public void meta(JsonObject meta) {
    sink.meta(meta);
  }

  @Override
  public void section(SectionEvent section) {
    sink.section(section);
    metrics.section(section.section(), section.resourceCount());
  }

  @Override
  public void source(JsonObject source) {
    sink.source(source);
  }

  @Override
  public void group(io.shcr.reconcile.GroupEvent group) {
    sink.group(group);
  }

  @Override
  public void timeline(io.vertx.core.json.JsonArray timeline) {
    sink.timeline(timeline);
  }

  @Override
  public boolean wantsTimeline() {
    return sink.wantsTimeline();
  }

  @Override
  public void complete(JsonObject complete) {
    sink.complete(complete);
  }

  @Override
  public void refuse(ApiError error) {
    sink.refuse(error);
  }

  @Override
  public void fail(ApiError error) {
    sink.fail(error);
  }

  @Override
  public int delivered() {
    return sink.delivered();
  }

  @Override
  public io.vertx.core.Future<Integer> written() {
    return sink.written();
  }

  @Override
  public void stopViewWith(Runnable stop) {
    sink.stopViewWith(stop);
  }

  @Override
  public String endedAs() {
    return sink.endedAs();
  }
}
