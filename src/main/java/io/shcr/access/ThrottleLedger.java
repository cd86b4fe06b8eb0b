package io.shcr.access;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's own memory of which patients each throttle scope has opened in the current window, so a
 * deleted or cleared shared map cannot let a user or organisation past its limit. It learns from this
 * node's admissions and, in a cluster, from every sealed "seen" entry written anywhere (Hazelcast entry
 * events, and the entries already present when it starts watching). It never forgets within a window:
 * removals are not believed (shcr never removes a "seen" entry; only its time to live ends it). A value
 * that is not sealed for its key teaches it nothing. Holds keyed hashes only; memory is bounded by the
 * limits (at most {@code limit} patients per scope per window, older windows dropped).
 */
final class ThrottleLedger implements SharedMapWatch.Observer {

  private final String map;
  private final SharedValueSeal seal;
  /** window bucket, then scope id, then the seen keys of the patients counted. */
  private final Map<Long, Map<String, Set<String>>> windows = new ConcurrentHashMap<>();
  private volatile long newest = Long.MIN_VALUE;

  ThrottleLedger(String map, SharedValueSeal seal) {
    this.map = map;
    this.seal = seal;
  }

  /** Remembers that {@code scopeId} counted the patient behind {@code seenKey} in window {@code bucket}. */
  void record(long bucket, String scopeId, String seenKey) {
    if (bucket > newest) {
      newest = bucket;
      windows.keySet().removeIf(b -> b < bucket - 1);
    }
    if (bucket < newest - 1) {
      return;
    }
    windows.computeIfAbsent(bucket, b -> new ConcurrentHashMap<>())
        .computeIfAbsent(scopeId, s -> ConcurrentHashMap.newKeySet()).add(seenKey);
  }

  boolean knows(long bucket, String scopeId, String seenKey) {
    return scope(bucket, scopeId).contains(seenKey);
  }

  /** How many distinct patients this node knows the scope has counted in the window. */
  int count(long bucket, String scopeId) {
    return scope(bucket, scopeId).size();
  }

  @Override
  public void written(String key, Object value) {
    seal.open(map, key, value).flatMap(SeenEntry::parse).ifPresent(seen -> record(seen.bucket(), seen.scopeId(), key));
  }

  private Set<String> scope(long bucket, String scopeId) {
    Map<String, Set<String>> window = windows.get(bucket);
    Set<String> seen = window == null ? null : window.get(scopeId);
    return seen == null ? Set.of() : seen;
  }

  /**
   * The payload of a "seen" entry: {@code seen:<bucket>:<scope id>:<slot>}, saying which scope counted
   * the patient, in which window, in which slot.
   */
  record SeenEntry(long bucket, String scopeId, int slot) {

    String payload() {
      return "seen:" + bucket + ":" + scopeId + ":" + slot;
    }

    static Optional<SeenEntry> parse(String payload) {
      String[] parts = payload.split(":", -1);
      if (parts.length != 4 || !parts[0].equals("seen")) {
        return Optional.empty();
      }
      try {
        return Optional.of(new SeenEntry(Long.parseLong(parts[1]), parts[2], Integer.parseInt(parts[3])));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }
}
