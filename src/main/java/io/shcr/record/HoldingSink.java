package io.shcr.record;

import io.shcr.core.ApiError;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Holds every event back until the relationship is settled, then lets them through in order or
 * refuses without having sent anything. The fan-out is not slowed: sources are asked at once, only
 * their data waits. What it holds lives only for this request.
 */
public final class HoldingSink implements RecordSink {

  private final RecordSink delegate;
  private List<Consumer<RecordSink>> held = new ArrayList<>();
  private boolean refused;

  public HoldingSink(RecordSink delegate) {
    this.delegate = delegate;
  }

  public void release() {
    if (held == null || refused) {
      return;
    }
    List<Consumer<RecordSink>> pending = held;
    held = null;
    pending.forEach(event -> event.accept(delegate));
  }

  @Override
  public void refuse(ApiError error) {
    if (held == null || refused) {
      return;
    }
    refused = true;
    held.clear();
    delegate.refuse(error);
  }

  public boolean released() {
    return held == null;
  }

  private void pass(Consumer<RecordSink> event) {
    if (refused) {
      return;
    }
    if (held != null) {
      held.add(event);
    } else {
      event.accept(delegate);
    }
  }

  @Override
  public void meta(JsonObject meta) {
    pass(sink -> sink.meta(meta));
  }

  @Override
  public void fail(ApiError error) {
    refused = true;
    if (held != null) {
      held.clear();
    }
    delegate.fail(error);
  }

  @Override
  public int delivered() {
    return delegate.delivered();
  }

  @Override
  public io.vertx.core.Future<Integer> written() {
    return delegate.written();
  }

  @Override
  public void section(SectionEvent section) {
    pass(sink -> sink.section(section));
  }

  @Override
  public void source(JsonObject source) {
    pass(sink -> sink.source(source));
  }

  @Override
  public void complete(JsonObject complete) {
    pass(sink -> sink.complete(complete));
  }
}
