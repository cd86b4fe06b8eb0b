package io.shcr.simulator;

import java.util.Random;

/**
 * How long an organisation takes to answer: a log-normal distribution given by its median and 95th
 * percentile, the long right tail that real clinical systems show. A zero median means no delay.
 *
 * @param medianMs the median delay
 * @param p95Ms the 95th percentile delay (at least the median)
 */
public record LatencyProfile(long medianMs, long p95Ms) {

  public static final LatencyProfile NONE = new LatencyProfile(0, 0);
  private static final double Z_95 = 1.645;
  private static final double TAIL_CAP = 2.5;

  /** One delay drawn from the distribution, capped at a few times the 95th percentile. */
  public long sampleMs(Random random) {
    if (medianMs <= 0) {
      return 0;
    }
    double sigma = Math.log((double) Math.max(p95Ms, medianMs) / medianMs) / Z_95;
    double value = medianMs * Math.exp(sigma * random.nextGaussian());
    return Math.round(Math.min(value, TAIL_CAP * Math.max(p95Ms, medianMs)));
  }
}
