package io.shcr.reconcile;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * One {@code group} event on its way out, already encoded: a group's members are encoded once each,
 * when they join, and every later version of the group copies their bytes, so a group that grows as
 * sources answer costs a copy, not a re-encoding (see docs/performance.md, "Reconciliation").
 *
 * @param section the section's wire name
 * @param group the group's id
 * @param json the event's JSON object, encoded
 */
public record GroupEvent(String section, String group, Buffer json) {

  /** The event as a JSON object (tests and tools; the sinks write {@link #json} as it is). */
  public JsonObject toJson() {
    return new JsonObject(json);
  }
}
