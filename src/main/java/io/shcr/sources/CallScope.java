package io.shcr.sources;

import io.vertx.core.http.HttpClientRequest;
import java.util.HashSet;
import java.util.Set;

/**
 * The calls in flight for one source within one request. Cancelling it (the client went away, the
 * request's deadline passed, the source lied about the patient) resets every one of them, so no
 * socket is left reading for a view nobody will see. Used from one event loop only.
 */
public final class CallScope {

  private final Set<HttpClientRequest> inFlight = new HashSet<>();
  private long bytesLeft;
  private boolean cancelled;

  /** A scope with no limit on how much the source may send in total (tests, tools). */
  public CallScope() {
    this(Long.MAX_VALUE);
  }

  /**
   * @param byteBudget how many response bytes the source may send in all within this request: each
   *     response is capped too, but pages times searches could otherwise add up to hundreds of MB
   */
  public CallScope(long byteBudget) {
    this.bytesLeft = byteBudget;
  }

  /** Counts received bytes against the budget; false once it is spent. */
  boolean charge(long bytes) {
    bytesLeft -= bytes;
    return bytesLeft >= 0;
  }

  /** Registers a started request; false (and the request is reset) when the scope is already cancelled. */
  boolean register(HttpClientRequest request) {
    if (cancelled) {
      request.reset();
      return false;
    }
    inFlight.add(request);
    return true;
  }

  void done(HttpClientRequest request) {
    inFlight.remove(request);
  }

  public void cancel() {
    cancelled = true;
    for (HttpClientRequest request : Set.copyOf(inFlight)) {
      request.reset();
    }
    inFlight.clear();
  }

  public boolean cancelled() {
    return cancelled;
  }

  public int inFlightCount() {
    return inFlight.size();
  }
}
