package io.shcr.audit;

import java.util.Map;

/**
 * How a view ended.
 *
 * @param outcome {@code complete}, {@code client-gone}, {@code client-too-slow} (the client took the
 *     stream too slowly: it was cut off and the view stopped), {@code error}, or {@code refused} (the
 *     relationship the access rested on was not confirmed: nothing was sent)
 * @param sourceStatuses each source asked, with its final status
 * @param resourcesDelivered resources sent to the client
 * @param resourcesWithheld resources the privacy filter or patient guard held back (audit only)
 * @param elapsedMs time from request to end
 * @param refusalCode when refused, the code the client was sent ({@code NO_RELATIONSHIP},
 *     {@code RELATIONSHIP_UNAVAILABLE}); null otherwise
 */
public record ViewOutcome(
    String outcome,
    Map<String, String> sourceStatuses,
    int resourcesDelivered,
    int resourcesWithheld,
    long elapsedMs,
    String refusalCode) {

  public static final String REFUSED = "refused";

  /** An outcome that is not a refusal. */
  public ViewOutcome(String outcome, Map<String, String> sourceStatuses, int resourcesDelivered, int resourcesWithheld,
      long elapsedMs) {
    this(outcome, sourceStatuses, resourcesDelivered, resourcesWithheld, elapsedMs, null);
  }
}
