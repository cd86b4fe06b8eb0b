package io.shcr.record;

import java.util.Map;

/**
 * How a view ended, for audit: outcome, each source's final status, and counts (the withheld count
 * never goes to the client).
 */
public record ViewSummary(String outcome, Map<String, String> sourceStatuses, int delivered, int withheld, long elapsedMs) {}
