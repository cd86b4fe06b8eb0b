package io.shcr.access;

import io.shcr.core.Principal;
import io.shcr.access.ThrottleLedger.SeenEntry;
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
 * {@code putIfAbsent} (holding a one-off claim token), and only then recording the patient as "seen",
 * naming that slot. A patient counts as seen only while it holds a slot, so concurrent requests can
 * never admit more patients than there are slots: of two requests racing for the same new patient, the
 * one that records "seen" first keeps its slot and the other gives its slot back. The user's "seen" is
 * written only once the organisation has admitted the patient too, so a patient the organisation
 * refuses costs the user nothing. Every entry carries the window's time to live. A node-local hint
 * remembers the next slot to try, so a node probes each slot about once per window. Keys are keyed
 * hashes.
 *
 * <p>Shared state cannot be trusted to stay as written. Every value is sealed to its key
 * ({@link SharedValueSeal}); one that is not counts for nothing (a forged "seen" never makes a patient
 * free) and a slot holding one stays taken, both raising an alert. "Seen" entries are never removed by
 * shcr, and each node keeps a {@link ThrottleLedger} of every sealed "seen" written anywhere in the
 * cluster: if entries are deleted or the map is cleared, the ledger still counts them, so the limit
 * holds and an alert is raised.
 */
public final class PatientThrottle {

  public static final String MAP_NAME = "shcr.access.throttle";
  /** How integrity alerts name this map. */
  static final String SUBJECT = "THROTTLE";

  private final Supplier<Future<AsyncMap<String, Object>>> maps;
  private final KeyedHash hash;
  private final SharedValueSeal seal;
  private final IntegrityAlarm alarm;
  private final ThrottleLedger ledger;
  private final Clock clock;
  private final AccessPolicy.Throttle settings;
  private final Map<String, Integer> nextSlot = new ConcurrentHashMap<>();
  private volatile long hintBucket = -1;

  public PatientThrottle(Vertx vertx, KeyedHash hash, SharedValueSeal seal, IntegrityAlarm alarm, Clock clock,
      AccessPolicy.Throttle settings) {
    this(() -> vertx.sharedData().getAsyncMap(MAP_NAME), hash, seal, alarm, clock, settings);
  }

  /** With the shared map supplied, so tests can interleave its operations as a cluster would. */
  PatientThrottle(Supplier<Future<AsyncMap<String, Object>>> maps, KeyedHash hash, SharedValueSeal seal, IntegrityAlarm alarm,
      Clock clock, AccessPolicy.Throttle settings) {
    this.maps = maps;
    this.hash = hash;
    this.seal = seal;
    this.alarm = alarm;
    this.ledger = new ThrottleLedger(MAP_NAME, seal);
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
    Asker asker = new Asker(principal, patient);
    return map().compose(map -> reserve(map, user, asker, window).compose(userHold -> {
      if (userHold == null) {
        return Future.succeededFuture(new Verdict(false, "user", retryAfter));
      }
      return reserve(map, org, asker, window).compose(orgHold -> orgHold == null
          ? giveBack(map, userHold).map(new Verdict(false, "organisation", retryAfter))
          : commit(map, orgHold, asker, window).compose(v -> commit(map, userHold, asker, window))
              .map(new Verdict(true, null, 0)));
    }));
  }

  /**
   * Watches the shared map: the ledger learns every sealed "seen" written anywhere, and changes shcr
   * never makes (unsealed values, removed "seen" entries, a cleared map) raise alerts.
   */
  void watch(SharedMapWatch watch) {
    watch.watchAll(MAP_NAME, ledger);
    watch.watchOnce(MAP_NAME, new SharedMapSentry(MAP_NAME, SUBJECT, seal, alarm, PatientThrottle::isSlotKey));
  }

  /** How many distinct patients this node's ledger knows the user has opened in the current window. */
  int countedForUser(Principal principal) {
    long bucket = clock.millis() / settings.windowMs();
    return ledger.count(bucket, hash.of("throttle-user", principal.userId(), Long.toString(bucket)));
  }

  private record Window(long bucket, long ttlMs) {}

  private record Scope(String id, int limit) {}

  /** Whose request it is, for alerts. */
  private record Asker(Principal principal, NhsNumber patient) {}

  /**
   * A scope's hold on a patient: {@code counted} when the patient was already counted (no slot taken),
   * else the slot claimed with {@code token}, to be confirmed by {@link #commit} or given back.
   */
  private record Hold(Scope scope, String seenKey, boolean counted, String slotKey, int slot, String token) {}

  /** The hold, or null when the scope's limit is reached. */
  private Future<Hold> reserve(AsyncMap<String, Object> map, Scope scope, Asker asker, Window window) {
    String seenKey = hash.of("throttle-seen", scope.id(), asker.patient().value());
    Hold counted = new Hold(scope, seenKey, true, null, -1, null);
    return map.get(seenKey).compose(stored -> {
      if (stored != null && isSeen(seenKey, stored)) {
        ledger.record(window.bucket(), scope.id(), seenKey);
        return Future.succeededFuture(counted);
      }
      if (stored != null) {
        alarm.raise(SUBJECT, IntegrityAlarm.Finding.FORGED, seenKey, asker.principal(), asker.patient());
      }
      if (ledger.knows(window.bucket(), scope.id(), seenKey)) {
        // Counted before, and the map has lost or spoilt the entry: still counted, never counted twice.
        if (stored == null) {
          alarm.raise(SUBJECT, IntegrityAlarm.Finding.MISSING, seenKey, asker.principal(), asker.patient());
        }
        return Future.succeededFuture(counted);
      }
      String token = UUID.randomUUID().toString();
      return claimSlot(map, scope, token, nextSlot.getOrDefault(scope.id(), 0), window, asker).compose(slot -> {
        if (slot < 0) {
          return map.get(seenKey).map(lateSeen -> isSeen(seenKey, lateSeen) ? counted : null);
        }
        Hold hold = new Hold(scope, seenKey, false, slotKey(scope, slot), slot, token);
        if (ledger.count(window.bucket(), scope.id()) >= scope.limit()) {
          // A free slot, yet this node knows the scope has reached its limit: entries were deleted.
          alarm.raise(SUBJECT, IntegrityAlarm.Finding.MISSING, scope.id(), asker.principal(), asker.patient());
          return giveBack(map, hold).map((Hold) null);
        }
        return Future.succeededFuture(hold);
      });
    });
  }

  /** Records the held patient as seen; if another request got there first, gives the slot back. */
  private Future<Void> commit(AsyncMap<String, Object> map, Hold hold, Asker asker, Window window) {
    if (hold.counted()) {
      return Future.succeededFuture();
    }
    String seen = seal.seal(MAP_NAME, hold.seenKey(), new SeenEntry(window.bucket(), hold.scope().id(), hold.slot()).payload());
    return map.putIfAbsent(hold.seenKey(), seen, window.ttlMs()).compose(previous -> {
      ledger.record(window.bucket(), hold.scope().id(), hold.seenKey());
      if (previous == null) {
        return Future.succeededFuture();
      }
      if (isSeen(hold.seenKey(), previous)) {
        return giveBack(map, hold);
      }
      // A forged "seen" sits where ours belongs: replace it, and keep our slot whatever happens.
      alarm.raise(SUBJECT, IntegrityAlarm.Finding.FORGED, hold.seenKey(), asker.principal(), asker.patient());
      return map.replaceIfPresent(hold.seenKey(), previous, seen, window.ttlMs()).mapEmpty();
    });
  }

  /** The slot claimed, or -1 when every slot is taken. A slot holding an unsealed value stays taken. */
  private Future<Integer> claimSlot(AsyncMap<String, Object> map, Scope scope, String token, int slot, Window window, Asker asker) {
    if (slot >= scope.limit()) {
      nextSlot.put(scope.id(), slot);
      return Future.succeededFuture(-1);
    }
    String slotKey = slotKey(scope, slot);
    return map.putIfAbsent(slotKey, slotValue(slotKey, token), window.ttlMs()).compose(holder -> {
      if (holder == null) {
        nextSlot.merge(scope.id(), slot + 1, Math::max);
        return Future.succeededFuture(slot);
      }
      if (seal.open(MAP_NAME, slotKey, holder).filter(p -> p.startsWith("slot:")).isEmpty()) {
        alarm.raise(SUBJECT, IntegrityAlarm.Finding.FORGED, slotKey, asker.principal(), asker.patient());
      }
      return claimSlot(map, scope, token, slot + 1, window, asker);
    });
  }

  private Future<Void> giveBack(AsyncMap<String, Object> map, Hold hold) {
    if (hold.counted()) {
      return Future.succeededFuture();
    }
    nextSlot.computeIfPresent(hold.scope().id(), (scope, next) -> Math.min(next, hold.slot()));
    return map.removeIfPresent(hold.slotKey(), slotValue(hold.slotKey(), hold.token())).mapEmpty();
  }

  private boolean isSeen(String seenKey, Object stored) {
    return seal.open(MAP_NAME, seenKey, stored).flatMap(SeenEntry::parse).isPresent();
  }

  private String slotValue(String slotKey, String token) {
    return seal.seal(MAP_NAME, slotKey, "slot:" + token);
  }

  /** Slot keys are {@code <scope id>:<n>}; "seen" keys are bare hashes. Only slots are ever removed by shcr. */
  private static boolean isSlotKey(String key) {
    return key.indexOf(':') >= 0;
  }

  private static String slotKey(Scope scope, int slot) {
    return scope.id() + ":" + slot;
  }

  private Future<AsyncMap<String, Object>> map() {
    return maps.get();
  }
}
