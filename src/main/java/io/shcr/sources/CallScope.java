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

  /** Made on the first call: a run still waiting for its source holds no set. */
  private Set<HttpClientRequest> inFlight;
  /** A permit reserved for this scope's first call ({@link SourceClient#reserve}), from this limit; null when none is held. */
  private ConcurrencyLimit reserved;
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
    if (inFlight == null) {
      inFlight = new HashSet<>(4);
    }
    inFlight.add(request);
    return true;
  }

  void done(HttpClientRequest request) {
    if (inFlight != null) {
      inFlight.remove(request);
    }
  }

  /** Holds a permit of {@code limit} for the first call; false when one is held already (the caller gives this one back). */
  boolean reserve(ConcurrencyLimit limit) {
    if (reserved != null) {
      return false;
    }
    reserved = limit;
    return true;
  }

  /** Whether this scope held a permit of {@code limit}, which the caller now spends (it is the scope's no more). */
  boolean takeReserved(ConcurrencyLimit limit) {
    if (reserved != limit) {
      return false;
    }
    reserved = null;
    return true;
  }

  /** Gives back a reserved permit no call spent (the run ended first, or asked nothing); nothing when none is held. */
  public void giveBackReserved() {
    ConcurrencyLimit limit = reserved;
    reserved = null;
    if (limit != null) {
      limit.release();
    }
  }

  /** Whether a reserved permit is held, unspent (tests). */
  public boolean holdsReservedPermit() {
    return reserved != null;
  }

  public void cancel() {
    cancelled = true;
    giveBackReserved();
    if (inFlight == null) {
      return;
    }
    for (HttpClientRequest request : Set.copyOf(inFlight)) {
      request.reset();
    }
    inFlight.clear();
  }

  public boolean cancelled() {
    return cancelled;
  }

  public int inFlightCount() {
    return inFlight == null ? 0 : inFlight.size();
  }
}
