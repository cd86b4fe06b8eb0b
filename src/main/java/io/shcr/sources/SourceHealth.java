package io.shcr.sources;

import io.vertx.core.json.JsonObject;

/**
 * Recent behaviour of one source on this node: a smoothed latency and the last outcome. Figures only;
 * nothing about any patient.
 */
public final class SourceHealth {

  private static final double WEIGHT = 0.2;

  private volatile double latencyMs = -1;
  private volatile boolean lastSucceeded = true;
  private volatile long lastCallEpochMs;

  void record(long latency, boolean succeeded) {
    latencyMs = latencyMs < 0 ? latency : latencyMs * (1 - WEIGHT) + latency * WEIGHT;
    lastSucceeded = succeeded;
    lastCallEpochMs = System.currentTimeMillis();
  }

  /** The source failed in a way no single call showed (another patient's data, pages without end). */
  void recordFailure() {
    lastSucceeded = false;
    lastCallEpochMs = System.currentTimeMillis();
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("lastCallSucceeded", lastSucceeded);
    if (latencyMs >= 0) {
      json.put("recentLatencyMs", Math.round(latencyMs));
      json.put("lastCallAt", java.time.Instant.ofEpochMilli(lastCallEpochMs).toString());
    }
    return json;
  }
}
