package io.shcr.simulator;

/**
 * The ways one simulated organisation misbehaves, so the service's handling of partial results can be
 * seen and tested.
 *
 * @param errorRate share of requests (0 to 1) answered 500 with an OperationOutcome
 * @param hang accept every request and never answer
 * @param slowDripMs when above zero, answer 200 but trickle the body out over this many milliseconds
 * @param garbage answer 200 {@code application/fhir+json} with a body that is not JSON
 * @param wrongPatient answer with another patient's Patient and records
 * @param down whether the organisation is down, and how that shows
 */
public record FaultProfile(double errorRate, boolean hang, long slowDripMs, boolean garbage, boolean wrongPatient, Down down) {

  public static final FaultProfile NONE = new FaultProfile(0, false, 0, false, false, Down.NONE);

  /** How a down organisation shows to a caller. */
  public enum Down {
    /** Up. */
    NONE,
    /** Every connection is closed without an answer, as a refused or reset connection looks. */
    REFUSED,
    /** 503 Service Unavailable with an OperationOutcome. */
    UNAVAILABLE
  }

  public boolean any() {
    return !equals(NONE);
  }
}
