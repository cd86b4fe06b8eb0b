package io.shcr.sources;

import io.shcr.fhir.BoundedJson;
import io.shcr.tls.HandshakeFailures;

/**
 * Why a source call, or a source's run, did not produce data: a value (timeout, error, circuit-open,
 * ...), handed back inside a succeeded result ({@link CallResult}, {@link ResponseRead},
 * {@link SourceOutcome}), never thrown. It carries no clinical content.
 *
 * <p>Its detail is our own fixed wording: each kind of failure has one factory here, filled in only
 * with our own figures (a limit, a deadline, an HTTP status) and Spine codes from the list we ship
 * ({@link SpineCodes}). Nothing a source writes, and no class name, ever reaches a client.
 */
public final class SourceFailure {

  private final SourceStatus status;
  private final String detail;
  private final boolean sourcesFault;

  SourceFailure(SourceStatus status, String detail) {
    this(status, detail, true);
  }

  private SourceFailure(SourceStatus status, String detail, boolean sourcesFault) {
    this.status = status;
    this.detail = detail;
    this.sourcesFault = sourcesFault;
  }

  /** False for failures on our side (our queue, our deadline, a cancellation, our open breaker). */
  public boolean sourcesFault() {
    return sourcesFault;
  }

  public SourceStatus status() {
    return status;
  }

  public String detail() {
    return detail;
  }

  /** Anything that went wrong on our side while reading (an exception): one fixed error, never its class or message. */
  public static SourceFailure from(Throwable t) {
    return unprocessable();
  }

  /** True for a timeout while this node could not keep up (never counted against the source). */
  public boolean whileOverloaded() {
    return status == SourceStatus.TIMEOUT && !sourcesFault && detail.endsWith("(this service was overloaded)");
  }

  /** True for the failure a cancelled call ends with (never the source's doing, never counted). */
  public boolean cancellation() {
    return status == SourceStatus.ERROR && "cancelled".equals(detail);
  }

  @Override
  public String toString() {
    return status.wireName() + ": " + detail;
  }

  /** The more telling of two failures: another patient's data first, then anything but our own breaker or cancellation. */
  public static SourceFailure worse(SourceFailure a, SourceFailure b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    return rank(b) > rank(a) ? b : a;
  }

  private static int rank(SourceFailure failure) {
    return switch (failure.status) {
      case PATIENT_MISMATCH -> 3;
      case ERROR -> "cancelled".equals(failure.detail()) ? 0 : 2;
      case TIMEOUT -> 2;
      default -> 1;
    };
  }

  // Our side: queueing, deadlines, cancellation, the breaker.

  /**
   * The Spine Directory Service gave no usable endpoint for the practice ({@code why} is one of the
   * fixed phrases of {@link PracticeEndpoints} and {@link io.shcr.sources.sds.SdsAnswers}): the practice
   * was not asked, and it is not its fault.
   */
  public static SourceFailure directory(String why) {
    return new SourceFailure(SourceStatus.ERROR, "the Spine Directory Service " + why
        + ", so this practice's GP Connect endpoint is not known and it was not asked", false);
  }

  /** We could not make the call as the source's protocol requires ({@code why} in our words): it was not asked. */
  public static SourceFailure notAsked(String why) {
    return new SourceFailure(SourceStatus.ERROR, why, false);
  }

  public static SourceFailure cancelled() {
    return new SourceFailure(SourceStatus.ERROR, "cancelled", false);
  }

  public static SourceFailure circuitOpen() {
    return new SourceFailure(SourceStatus.CIRCUIT_OPEN, "circuit breaker open after repeated failures", false);
  }

  public static SourceFailure queueFull() {
    return new SourceFailure(SourceStatus.ERROR, "too many calls waiting for this source", false);
  }

  public static SourceFailure noTimeLeft() {
    return new SourceFailure(SourceStatus.TIMEOUT, "no time left before the deadline", false);
  }

  public static SourceFailure noConnectionFree() {
    return new SourceFailure(SourceStatus.TIMEOUT, "no connection to the source became free before the deadline", false);
  }

  /** Out of time while this node could not keep up (its event loop was late): reported as a timeout, never counted against the source. */
  public static SourceFailure timedOutWhileOverloaded(long ms) {
    return new SourceFailure(SourceStatus.TIMEOUT, "no complete answer within " + ms + " ms (this service was overloaded)", false);
  }

  public static SourceFailure timedOut(long ms) {
    return new SourceFailure(SourceStatus.TIMEOUT, "no complete answer within " + ms + " ms");
  }

  // The transport.

  public static SourceFailure couldNotConnect() {
    return new SourceFailure(SourceStatus.ERROR, "could not connect to the source");
  }

  /** Could not connect; a TLS failure (an untrusted certificate, our certificate refused) says which, in our words. */
  public static SourceFailure couldNotConnect(Throwable cause) {
    String tls = HandshakeFailures.describe(cause, "the source");
    return tls == null ? couldNotConnect() : new SourceFailure(SourceStatus.ERROR, tls);
  }

  public static SourceFailure connectionFailed() {
    return new SourceFailure(SourceStatus.ERROR, "the connection to the source failed");
  }

  /** The connection failed; as {@link #couldNotConnect(Throwable)} for a TLS failure (TLS 1.3 refuses a client certificate only after the handshake). */
  public static SourceFailure connectionFailed(Throwable cause) {
    String tls = HandshakeFailures.describe(cause, "the source");
    return tls == null ? connectionFailed() : new SourceFailure(SourceStatus.ERROR, tls);
  }

  public static SourceFailure brokenOff() {
    return new SourceFailure(SourceStatus.ERROR, "the answer was broken off");
  }

  public static SourceFailure tooLarge(long maxBytes) {
    return new SourceFailure(SourceStatus.ERROR, "answer larger than the " + maxBytes + " byte limit");
  }

  public static SourceFailure overByteBudget() {
    return new SourceFailure(SourceStatus.ERROR, "answers larger in all than this source's budget for one record");
  }

  // What the source answered.

  /** An HTTP error status, with the answer's Spine code only when it is one we ship. */
  public static SourceFailure httpStatus(int status, String spineCode) {
    String code = SpineCodes.known(spineCode);
    return new SourceFailure(SourceStatus.ERROR, "source answered HTTP " + status + (code == null ? "" : " (" + code + ")"));
  }

  public static SourceFailure redirected(int status) {
    return new SourceFailure(SourceStatus.ERROR, "source answered with a redirect (HTTP " + status + "), which is not followed");
  }

  public static SourceFailure wrongContentType() {
    return new SourceFailure(SourceStatus.ERROR, "answer was not declared as FHIR JSON");
  }

  public static SourceFailure unreadable(BoundedJson.Problem problem, int maxResources) {
    return switch (problem) {
      case NOT_JSON -> new SourceFailure(SourceStatus.ERROR, "answer was not valid FHIR JSON");
      case TOO_DEEP -> new SourceFailure(SourceStatus.ERROR, "answer nested deeper than " + BoundedJson.MAX_DEPTH + " levels");
      case TOO_MANY_ENTRIES -> new SourceFailure(SourceStatus.ERROR,
          "answer held more than " + maxResources + " resources (this source's limit for one answer)");
      case OUT_OF_RANGE -> new SourceFailure(SourceStatus.ERROR, "answer held a number or text out of range");
    };
  }

  public static SourceFailure notABundle() {
    return new SourceFailure(SourceStatus.ERROR, "answer was not a FHIR Bundle");
  }

  /** A GP Connect answer that is not STU3 HAPI can read, or that does not convert to R4: nothing of it is used. */
  public static SourceFailure notConvertible() {
    return new SourceFailure(SourceStatus.ERROR, "answer could not be read as STU3 and converted to R4");
  }

  public static SourceFailure overResourceBudget(long maxResources) {
    return new SourceFailure(SourceStatus.ERROR,
        "answers held more than " + maxResources + " resources in all (this source's limit for one record)");
  }

  public static SourceFailure nextOutsideSource() {
    return new SourceFailure(SourceStatus.ERROR, "next page link points outside the source");
  }

  public static SourceFailure endlessPages() {
    return new SourceFailure(SourceStatus.ERROR, "the source's search pages did not end");
  }

  /** A batch response that does not answer, one for one, the searches we sent. */
  public static SourceFailure batchMismatch() {
    return new SourceFailure(SourceStatus.ERROR, "batch answer did not match the searches asked");
  }

  /** A search whose matches are not of the type searched (a misordered batch answer, or a source that lies). */
  public static SourceFailure wrongResourceType() {
    return new SourceFailure(SourceStatus.ERROR, "search answer held resources of a type not asked for");
  }

  public static SourceFailure anotherPatient() {
    return new SourceFailure(SourceStatus.PATIENT_MISMATCH, "returned data about another patient: withheld");
  }

  public static SourceFailure unprocessable() {
    return new SourceFailure(SourceStatus.ERROR, "the answer could not be processed", false);
  }
}
