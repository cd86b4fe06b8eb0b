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
  private boolean cancelled;

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
