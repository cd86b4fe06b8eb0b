package io.shcr.streaming;

import io.reactivex.rxjava3.core.FlowableSubscriber;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.reactivestreams.Subscription;

/**
 * Writes a stream's frames to its response. The first frame handed over in a turn of the event loop is
 * written at once, so an event that starts a burst (a view's first section, say) never waits for the rest
 * of the loop's work; the frames that follow it in the same turn (its {@code source} event, the groups it
 * caused, the events a relationship hold releases at once) are collected into one write of at most
 * {@link SseFrames#FRAME_BYTES}, made at the end of the turn, at once when the next frame would not fit,
 * or when the stream completes: one chunk and one system call instead of one each (every write on its
 * own was a syscall and a flush: ~40 per view). Asks for one frame at a time and only while the
 * response's write queue has room, so the socket still governs how fast events leave the outbox.
 * Single-threaded: the view's event loop.
 */
final class CoalescedWrites implements FlowableSubscriber<SseFrames.Frame> {

  private final Context context;
  private final HttpServerResponse response;
  private final Runnable onFailure;
  private Subscription upstream;
  /** What this turn has handed over and not yet written: one frame as it came, or several copied into one. */
  private Buffer pending;
  private boolean pendingCopied;
  private boolean flushScheduled;
  private boolean asked;
  private boolean done;

  /** @param onFailure runs once if the response fails (the client gone, a write refused) or a frame cannot be made */
  CoalescedWrites(Context context, HttpServerResponse response, Runnable onFailure) {
    this.context = context;
    this.response = response;
    this.onFailure = onFailure;
  }

  @Override
  public void onSubscribe(Subscription subscription) {
    upstream = subscription;
    response.exceptionHandler(t -> fail());
    response.drainHandler(v -> askIfRoom());
    askIfRoom();
  }

  @Override
  public void onNext(SseFrames.Frame frame) {
    asked = false;
    if (done) {
      return;
    }
    Buffer bytes = frame.bytes();
    if (io.vertx.core.Vertx.currentContext() != context) {
      // Not on the stream's own context (no caller does this today): no collecting across threads.
      writePending();
      writeNow(bytes);
      askIfRoom();
      return;
    }
    if (!flushScheduled) {
      // The first frame of this turn goes out now; what follows it this turn is collected behind it.
      flushScheduled = true;
      context.runOnContext(v -> {
        flushScheduled = false;
        writePending();
        askIfRoom();
      });
      writeNow(bytes);
      askIfRoom();
      return;
    }
    if (pending != null && pending.length() + bytes.length() > SseFrames.FRAME_BYTES) {
      // This frame is collected before the full buffer is written, so that a frame a write could bring in
      // (were the upstream ever to deliver during our request) would still come after it.
      Buffer full = pending;
      pending = bytes;
      pendingCopied = false;
      writeNow(full);
      askIfRoom();
      return;
    }
    if (pending == null) {
      pending = bytes;
      pendingCopied = false;
    } else {
      if (!pendingCopied) {
        // A second frame this turn: one buffer for both (frames are small here; a large one fills a write alone).
        pending = Buffer.buffer(Math.min(SseFrames.FRAME_BYTES, pending.length() + bytes.length() * 2)).appendBuffer(pending);
        pendingCopied = true;
      }
      pending.appendBuffer(bytes);
    }
    askIfRoom();
  }

  @Override
  public void onError(Throwable error) {
    // A frame could not be made (its resume token, say): the stream cannot go on truthfully; the client resumes.
    if (done) {
      return;
    }
    done = true;
    pending = null;
    fail();
    if (!response.ended() && !response.closed()) {
      response.reset();
    }
  }

  @Override
  public void onComplete() {
    if (done) {
      return;
    }
    done = true;
    writePending();
    if (!response.ended() && !response.closed()) {
      response.end().onFailure(t -> fail());
    }
  }

  /** One frame more, when none is asked for yet and the socket can take it. */
  private void askIfRoom() {
    if (done || asked || upstream == null || response.writeQueueFull()) {
      return; // the drain handler asks again once the queue has room
    }
    asked = true;
    upstream.request(1);
  }

  private void writePending() {
    Buffer out = pending;
    pending = null;
    if (out == null || response.ended() || response.closed()) {
      return;
    }
    response.write(out);
  }

  private void writeNow(Buffer bytes) {
    if (!response.ended() && !response.closed()) {
      response.write(bytes);
    }
  }

  private void fail() {
    onFailure.run();
  }
}
