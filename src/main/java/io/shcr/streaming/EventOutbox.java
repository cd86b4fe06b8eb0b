package io.shcr.streaming;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.internal.subscriptions.EmptySubscription;
import io.reactivex.rxjava3.internal.util.BackpressureHelper;
import io.shcr.config.ServiceConfig;
import io.shcr.ops.ShcrMetrics;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The events of one stream that its client has not yet taken, as a publisher ({@link #events()}) that emits only
 * what its subscriber (the socket) asks for. The view pushes events as they happen; the outbox holds
 * them, counting an event as held from {@link #offer} until its last frame is handed to the socket
 * ({@link #handedOver}). It says when it is {@link #pastBounds()} or an event {@link #wouldPassCeiling}
 * (the sink decides from the client's progress whether that makes it too slow), and {@link #cutOff}
 * drops what no frame of has gone out yet, so a client that cannot keep up costs a bounded amount. Single-threaded: everything runs on the view's event loop.
 */
final class EventOutbox implements Publisher<EventOutbox.Outgoing> {

  private static final AtomicLong HELD_BYTES = new AtomicLong();
  private static final AtomicLong HELD_EVENTS = new AtomicLong();

  static {
    ShcrMetrics.gauge("shcr.streams.held.bytes", "Bytes of SSE events written but not yet taken by their clients",
        HELD_BYTES::get);
    ShcrMetrics.gauge("shcr.streams.held.events", "SSE events written but not yet taken by their clients",
        HELD_EVENTS::get);
  }

  /**
   * One event on its way out.
   *
   * @param event the event's name; null for a heartbeat comment
   * @param data the event's JSON, in parts (a section's resources stay one shared buffer)
   * @param resources how many resources it carries (for audit)
   * @param source for a {@code source} event, the source's entry; otherwise null
   * @param section for a {@code section} event, its source and section (for its resume token); otherwise null
   */
  record Outgoing(String event, List<Buffer> data, int resources, io.vertx.core.json.JsonObject source,
      io.shcr.record.SectionEvent section) {
    static final Outgoing HEARTBEAT = new Outgoing(null, List.of(), 0);

    Outgoing(String event, List<Buffer> data, int resources) {
      this(event, data, resources, null, null);
    }

    Outgoing(String event, List<Buffer> data, int resources, io.vertx.core.json.JsonObject source) {
      this(event, data, resources, source, null);
    }

    long bytes() {
      long bytes = 48; // id, event name, data prefix and the blank line, near enough
      for (Buffer part : data) {
        bytes += part.length();
      }
      return bytes;
    }
  }

  private final ServiceConfig.SlowReader bounds;
  private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
  private Subscriber<? super Outgoing> downstream;
  private long requested;
  private boolean draining;
  private boolean closed;
  private boolean done;
  private int heldEvents;
  private long heldBytes;
  private long peakBytes;

  EventOutbox(ServiceConfig.SlowReader bounds) {
    this.bounds = bounds;
  }

  /** Every stream's held bytes now, in all (the {@code shcr.streams.held.bytes} gauge). */
  static long heldBytesAllStreams() {
    return HELD_BYTES.get();
  }

  /**
   * Takes an event to send (false: the outbox is closed). It does not refuse past the ceiling: whether a
   * client that far behind is too slow depends on how fast it is taking, which the sink judges
   * ({@link #wouldPassCeiling}).
   */
  boolean offer(Outgoing event) {
    if (closed) {
      return false;
    }
    long bytes = event.bytes();
    hold(bytes);
    queue.add(event);
    drain();
    return true;
  }

  /** Sends this last event after everything held (null: none), then completes; takes nothing more. */
  void close(Outgoing last) {
    if (closed) {
      return;
    }
    if (last != null) {
      hold(last.bytes());
      queue.add(last);
    }
    closed = true;
    drain();
  }

  /**
   * Drops every event still queued here, sends this last event after the one going out (and after the one
   * event already taken into the framing step, if any), and completes. Returns the events dropped.
   */
  List<Outgoing> cutOff(Outgoing last) {
    List<Outgoing> dropped = new ArrayList<>(queue);
    queue.clear();
    dropped.forEach(event -> release(event.bytes(), true));
    closed = false;
    close(last);
    return dropped;
  }

  /** A frame has been handed to the socket: it is no longer held here, nor is its event after its last frame. */
  void handedOver(SseFrames.Frame frame) {
    release(frame.bytes().length(), frame.last());
  }

  /** Taking this event would hold more than the ceiling of the bounds (an event alone never does). */
  boolean wouldPassCeiling(Outgoing event) {
    return heldEvents > 0
        && (heldEvents + 1 > bounds.ceilingEvents() || heldBytes + event.bytes() > bounds.ceilingBytes());
  }

  /** More held than the bounds allow beyond a burst (an event alone never is). */
  boolean pastBounds() {
    return heldEvents > 1 && (heldEvents > bounds.maxEvents() || heldBytes > bounds.maxBytes());
  }

  /** Nothing held: every event has gone to the socket. */
  boolean nothingHeld() {
    return heldEvents == 0;
  }

  /** The most this stream has held at once, in bytes. */
  long peakBytes() {
    return peakBytes;
  }

  /** The client has gone: drop everything, emit nothing more. */
  void cancel() {
    done = true;
    closed = true;
    queue.clear();
    downstream = null;
    HELD_BYTES.addAndGet(-heldBytes);
    HELD_EVENTS.addAndGet(-heldEvents);
    heldBytes = 0;
    heldEvents = 0;
  }

  /** The events as the socket asks for them; one subscriber. */
  Flowable<Outgoing> events() {
    return Flowable.fromPublisher(this);
  }

  @Override
  public void subscribe(Subscriber<? super Outgoing> subscriber) {
    if (downstream != null || done) {
      EmptySubscription.error(new IllegalStateException("an outbox has one subscriber"), subscriber);
      return;
    }
    downstream = subscriber;
    subscriber.onSubscribe(new Subscription() {
      @Override
      public void request(long n) {
        if (n > 0) {
          requested = BackpressureHelper.addCap(requested, n);
          drain();
        }
      }

      @Override
      public void cancel() {
        EventOutbox.this.cancel();
      }
    });
    drain();
  }

  private void drain() {
    if (draining || downstream == null) {
      return;
    }
    draining = true;
    try {
      while (!done && requested > 0 && !queue.isEmpty()) {
        requested--;
        downstream.onNext(queue.poll());
      }
      if (!done && closed && queue.isEmpty() && downstream != null) {
        done = true;
        downstream.onComplete();
      }
    } finally {
      draining = false;
    }
  }

  private void hold(long bytes) {
    heldEvents++;
    heldBytes += bytes;
    peakBytes = Math.max(peakBytes, heldBytes);
    HELD_EVENTS.incrementAndGet();
    HELD_BYTES.addAndGet(bytes);
  }

  private void release(long bytes, boolean wholeEvent) {
    if (done && downstream == null) {
      return; // cancelled: already released
    }
    long freed = Math.min(bytes, heldBytes);
    heldBytes -= freed;
    HELD_BYTES.addAndGet(-freed);
    if (wholeEvent && heldEvents > 0) {
      heldEvents--;
      HELD_EVENTS.decrementAndGet();
      if (heldEvents == 0) {
        HELD_BYTES.addAndGet(-heldBytes); // the estimate of an event's framing never leaves a remainder behind
        heldBytes = 0;
      }
    }
  }
}
