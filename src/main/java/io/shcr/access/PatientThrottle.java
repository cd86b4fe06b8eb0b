package io.shcr.access;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Limits how many distinct patients one user, and one organisation, may open in a fixed window, so
 * trawling through records is stopped and reported. Re-opening a patient within the window is free.
 *
 * <p>State lives in a Vert.x shared-data map so a cluster enforces one limit. Hazelcast's counters
 * never expire and its async map cannot compare-and-set with a time to live, so a count is kept as
 * slots instead: a scope admits a new patient by first claiming a free slot {@code 0..limit-1} with
 * {@code putIfAbsent} (holding a one-off claim token), and only then recording the patient as seen,
 * pointing at that slot. A patient counts as seen only while it holds a slot, so concurrent requests
 * can never admit more patients than there are slots: of two requests racing for the same new patient,
 * the one that records "seen" first keeps its slot and the other gives its slot back. Every entry
 * carries the window's time to live. A node-local hint remembers the next slot to try, so a node
 * probes each slot about once per window. Keys are keyed hashes.
 */
public final class PatientThrottle {

  public static final String MAP_NAME = "shcr.access.throttle";

  private final Supplier<Future<AsyncMap<String, String>>> maps;
  private final KeyedHash hash;
  private final Clock clock;
  private final AccessPolicy.Throttle settings;
  private final Map<String, Integer> nextSlot = new ConcurrentHashMap<>();
  private volatile long hintBucket = -1;

  public PatientThrottle(Vertx vertx, KeyedHash hash, Clock clock, AccessPolicy.Throttle settings) {
    this(() -> vertx.sharedData().getAsyncMap(MAP_NAME), hash, clock, settings);
  }

  /** With the shared map supplied, so tests can interleave its operations as a cluster would. */
  PatientThrottle(Supplier<Future<AsyncMap<String, String>>> maps, KeyedHash hash, Clock clock, AccessPolicy.Throttle settings) {
    this.maps = maps;
    this.hash = hash;
    this.clock = clock;
    this.settings = settings;
  }

  /**
   * @param admitted whether the patient may be opened
   * @param limitedBy {@code user} or {@code organisation} when refused
   * @param retryAfterSeconds when the window ends, when refused
   */
  public record Verdict(boolean admitted, String limitedBy, long retryAfterSeconds) {}

  public Future<Verdict> admit(Principal principal, NhsNumber patient) {
    long now = clock.millis();
    long bucket = now / settings.windowMs();
    long windowEnd = (bucket + 1) * settings.windowMs();
    Window window = new Window(bucket, windowEnd - now + 1_000);
    long retryAfter = Math.max(1, (windowEnd - now + 999) / 1000);
    if (hintBucket != bucket) {
      nextSlot.clear();
      hintBucket = bucket;
    }
    Scope user = new Scope(hash.of("throttle-user", principal.userId(), Long.toString(bucket)), settings.perUser());
    Scope org = new Scope(hash.of("throttle-org", principal.organisation(), Long.toString(bucket)), settings.perOrganisation());
    return map().compose(map -> claim(map, user, patient, window).compose(userClaim -> {
      if (userClaim == null) {
        return Future.succeededFuture(new Verdict(false, "user", retryAfter));
      }
      return claim(map, org, patient, window).compose(orgClaim -> orgClaim != null
          ? Future.succeededFuture(new Verdict(true, null, 0))
          : release(map, userClaim).map(new Verdict(false, "organisation", retryAfter)));
    }));
  }

  private record Window(long bucket, long ttlMs) {}

  private record Scope(String id, int limit) {}

  /**
   * A scope's hold on a patient; {@code slotKey} is null when the patient was already counted.
   * {@code token} is what this claim wrote into its slot.
   */
  private record Claim(String scopeId, String seenKey, String slotKey, int slot, String token) {}

  /** The claim, or null when the scope's limit is reached. */
  private Future<Claim> claim(AsyncMap<String, String> map, Scope scope, NhsNumber patient, Window window) {
    String seenKey = hash.of("throttle-seen", scope.id(), patient.value());
    Claim counted = new Claim(scope.id(), seenKey, null, -1, null);
    return map.get(seenKey).compose(seen -> {
      if (seen != null) {
        return Future.succeededFuture(counted);
      }
      String token = UUID.randomUUID().toString();
      return claimSlot(map, scope, token, nextSlot.getOrDefault(scope.id(), 0), window).compose(slot -> {
        if (slot < 0) {
          return map.get(seenKey).map(lateSeen -> lateSeen != null ? counted : null);
        }
        String slotKey = slotKey(scope, slot);
        return map.putIfAbsent(seenKey, slotKey, window.ttlMs()).compose(previous -> previous == null
            ? Future.succeededFuture(new Claim(scope.id(), seenKey, slotKey, slot, token))
            : freeSlot(map, scope.id(), slotKey, slot, token).map(counted));
      });
    });
  }

  /** The slot claimed, or -1 when every slot is taken. */
  private Future<Integer> claimSlot(AsyncMap<String, String> map, Scope scope, String token, int slot, Window window) {
    if (slot >= scope.limit()) {
      nextSlot.put(scope.id(), slot);
      return Future.succeededFuture(-1);
    }
    return map.putIfAbsent(slotKey(scope, slot), token, window.ttlMs()).compose(holder -> {
      if (holder == null) {
        nextSlot.merge(scope.id(), slot + 1, Math::max);
        return Future.succeededFuture(slot);
      }
      return claimSlot(map, scope, token, slot + 1, window);
    });
  }

  private Future<Void> release(AsyncMap<String, String> map, Claim claim) {
    if (claim.slotKey() == null) {
      return Future.succeededFuture();
    }
    return map.removeIfPresent(claim.seenKey(), claim.slotKey())
        .compose(removed -> freeSlot(map, claim.scopeId(), claim.slotKey(), claim.slot(), claim.token()));
  }

  private Future<Void> freeSlot(AsyncMap<String, String> map, String scopeId, String slotKey, int slot, String token) {
    nextSlot.computeIfPresent(scopeId, (scope, next) -> Math.min(next, slot));
    return map.removeIfPresent(slotKey, token).mapEmpty();
  }

  private static String slotKey(Scope scope, int slot) {
    return scope.id() + ":" + slot;
  }

  private Future<AsyncMap<String, String>> map() {
    return maps.get();
  }
}
