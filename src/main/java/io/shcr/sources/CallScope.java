package io.shcr.sources;

import io.vertx.core.http.HttpClientRequest;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The calls in flight for one source within one request, what the source may still send, and the
 * lane its answers are read and checked on. Cancelling it (the client went away, the request's
 * deadline passed, the source lied about the patient) resets every call, so no socket is left reading
 * for a view nobody will see. Calls are registered from one event loop only; the budgets and flags
 * may be read from the lane's worker.
 */
public final class CallScope {

  private final Set<HttpClientRequest> inFlight = new HashSet<>();
  private final WorkLane lane;
  private final long resourceBudget;
  private final AtomicLong resourcesLeft;
  private long bytesLeft;
  private volatile boolean cancelled;
  private volatile CallHeaders headers = CallHeaders.NONE;
  private volatile boolean anotherPatient;

  /** A scope with no limit on how much the source may send in total, reading answers inline (tests, tools). */
  public CallScope() {
    this(WorkLane.inline(), Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /**
   * @param lane where the source's answers are read and its sections checked
   * @param byteBudget how many response bytes the source may send in all within this request: each
   *     response is capped too, but pages times searches could otherwise add up to hundreds of MB
   * @param resourceBudget how many resources the source may send in all within this request
   */
  public CallScope(WorkLane lane, long byteBudget, long resourceBudget) {
    this.lane = lane;
    this.bytesLeft = byteBudget;
    this.resourceBudget = resourceBudget;
    this.resourcesLeft = new AtomicLong(resourceBudget);
  }

  public WorkLane lane() {
    return lane;
  }

  /** What every call of this scope tells the source about the request it serves (request id, trace). */
  public CallScope tracedAs(CallHeaders callHeaders) {
    this.headers = callHeaders;
    return this;
  }

  public CallHeaders headers() {
    return headers;
  }

  /** Counts received bytes against the budget; false once it is spent. */
  boolean charge(long bytes) {
    bytesLeft -= bytes;
    return bytesLeft >= 0;
  }

  /** Counts an answer's resources against the budget; false once it is spent. */
  boolean chargeResources(long resources) {
    return resourcesLeft.addAndGet(-resources) >= 0;
  }

  long resourceBudget() {
    return resourceBudget;
  }

  /** Marks that an answer named another patient: nothing more of this source may be released. */
  void sawAnotherPatient() {
    anotherPatient = true;
  }

  public boolean sawAnotherPatientsData() {
    return anotherPatient;
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
