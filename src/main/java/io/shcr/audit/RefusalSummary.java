package io.shcr.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Refusals of requests nobody could be identified for (no valid token), counted instead of recorded
 * one by one once {@link UnattributedRefusals} has written its share for the window: how many, when,
 * from where (the busiest addresses, and how many distinct ones), and a few of the paths asked for.
 *
 * @param count refusals summarised
 * @param from the first of them
 * @param to the last of them
 * @param clients the busiest client addresses with their counts (at most {@link #MAX_CLIENTS})
 * @param distinctClients how many distinct addresses (counted up to {@link #MAX_TRACKED_CLIENTS})
 * @param samplePaths a few of the (sanitised) paths, at most {@link #MAX_SAMPLES}
 */
public record RefusalSummary(long count, Instant from, Instant to, Map<String, Long> clients, int distinctClients,
    List<String> samplePaths) {

  public static final int MAX_CLIENTS = 10;
  public static final int MAX_TRACKED_CLIENTS = 1_000;
  public static final int MAX_SAMPLES = 5;
}
