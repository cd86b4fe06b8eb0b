package io.shcr.audit;

import java.util.Map;

/**
 * How an allowed view ended.
 *
 * @param outcome {@code complete}, {@code client-gone} or {@code error}
 * @param sourceStatuses each source asked, with its final status
 * @param resourcesDelivered resources sent to the client
 * @param resourcesWithheld resources the privacy filter or patient guard held back (audit only)
 * @param elapsedMs time from request to end
 */
public record ViewOutcome(
    String outcome,
    Map<String, String> sourceStatuses,
    int resourcesDelivered,
    int resourcesWithheld,
    long elapsedMs) {}
