package io.shcr.sources;

import io.shcr.fhir.ResourceIndex;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The GP Connect areas asked of one practice within one request, and whether each came back whole: each
 * area is asked at most once, however many sections need it. Kept in the source's {@link ResourceIndex},
 * so it lives and dies with the request. An area asked and not yet answered (or whose request failed)
 * counts as not returned; a lookup that needs an area still being asked waits for that request first
 * (the {@link SourceRequester} does the waiting, by the area's key).
 */
final class AskedAreas {

  private enum State { ASKED, WHOLE, NOT_WHOLE }

  private final Map<GpConnectArea, State> asked = new EnumMap<>(GpConnectArea.class);

  static AskedAreas of(ResourceIndex index) {
    return index.memo("gpconnect.askedAreas", AskedAreas::new);
  }

  /** The key a request asking this area carries, so that a lookup can wait for it. */
  static String key(GpConnectArea area) {
    return "gpconnect:" + area.name();
  }

  /** Those of the areas not asked yet in this request. */
  synchronized Set<GpConnectArea> notAsked(Collection<GpConnectArea> areas) {
    Set<GpConnectArea> out = EnumSet.noneOf(GpConnectArea.class);
    areas.stream().filter(a -> !asked.containsKey(a)).forEach(out::add);
    return out;
  }

  /** Records that these areas are being asked now. */
  synchronized void asking(Set<GpConnectArea> areas) {
    areas.forEach(area -> asked.put(area, State.ASKED));
  }

  /** The answer to a request for {@code areas} came: {@code whole} are those that came back whole. */
  synchronized void answered(Set<GpConnectArea> areas, Set<GpConnectArea> whole) {
    areas.forEach(area -> asked.put(area, whole.contains(area) ? State.WHOLE : State.NOT_WHOLE));
  }

  /** Whether the area was asked and came back whole. */
  synchronized boolean returned(GpConnectArea area) {
    return asked.get(area) == State.WHOLE;
  }

  /** Whether every area asked so far came back whole. */
  synchronized boolean allReturned() {
    return asked.values().stream().allMatch(state -> state == State.WHOLE);
  }

  /** The keys of every area asked so far. */
  synchronized Set<String> keys() {
    Set<String> keys = new java.util.HashSet<>();
    asked.keySet().forEach(area -> keys.add(key(area)));
    return keys;
  }
}
