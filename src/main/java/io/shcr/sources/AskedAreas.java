package io.shcr.sources;

import io.shcr.fhir.ResourceIndex;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The GP Connect areas asked of one practice within one request, and whether each came back: each area
 * is asked at most once, however many sections need it. Kept in the source's {@link ResourceIndex}, so it
 * lives and dies with the request; used only on the request's event loop.
 */
final class AskedAreas {

  private final Map<GpConnectArea, Future<Boolean>> asked = new EnumMap<>(GpConnectArea.class);

  static AskedAreas of(ResourceIndex index) {
    return index.memo("gpconnect.askedAreas", AskedAreas::new);
  }

  /** Those of the areas not asked yet in this request. */
  Set<GpConnectArea> notAsked(Collection<GpConnectArea> areas) {
    Set<GpConnectArea> out = EnumSet.noneOf(GpConnectArea.class);
    areas.stream().filter(a -> !asked.containsKey(a)).forEach(out::add);
    return out;
  }

  /** Records that these areas are being asked; {@code returned} completes with those that came back. */
  void asking(Set<GpConnectArea> areas, Future<Set<GpConnectArea>> returned) {
    for (GpConnectArea area : areas) {
      asked.put(area, returned.map(back -> back.contains(area)).otherwise(false));
    }
  }

  /** Completes (never fails) with whether the area was asked and came back. */
  Future<Boolean> returned(GpConnectArea area) {
    return asked.getOrDefault(area, Future.succeededFuture(false));
  }

  /** Completes (never fails) with whether every area asked so far came back. */
  Future<Boolean> allReturned() {
    List<Future<Boolean>> all = new ArrayList<>(asked.values());
    return Future.all(all).map(done -> all.stream().allMatch(Future::result)).otherwise(false);
  }
}
