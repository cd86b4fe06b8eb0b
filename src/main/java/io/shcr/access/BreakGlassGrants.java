package io.shcr.access;

import io.shcr.core.Principal;
import io.shcr.nhs.NhsNumber;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Active break-glass grants, in a Vert.x shared-data map so every node of a cluster honours a grant
 * made on any one. A grant belongs to one user acting in one role profile ({@code person_roleid}: a role
 * at one organisation) for one patient, so it never follows the user into another role or organisation.
 * The key is a keyed hash of user, role profile and NHS number (never the number itself); the value holds
 * only the reason code and the expiry, sealed ({@link SharedValueSeal}) to its key; the entry's time to
 * live is the grant's window. A value whose seal does not match grants nothing and raises an alert: a
 * grant cannot be forged, moved to another user or patient, given another reason or a longer life.
 */
public final class BreakGlassGrants {

  public static final String MAP_NAME = "shcr.access.break-glass";
  /** How integrity alerts name this map. */
  static final String SUBJECT = "BREAK_GLASS";

  private final Supplier<Future<AsyncMap<String, Object>>> maps;
  private final KeyedHash hash;
  private final SharedValueSeal seal;
  private final IntegrityAlarm alarm;
  private final Clock clock;

  public BreakGlassGrants(Vertx vertx, KeyedHash hash, SharedValueSeal seal, IntegrityAlarm alarm, Clock clock) {
    this(() -> vertx.sharedData().getAsyncMap(MAP_NAME), hash, seal, alarm, clock);
  }

  /** With the shared map supplied (tests make it fail). */
  BreakGlassGrants(Supplier<Future<AsyncMap<String, Object>>> maps, KeyedHash hash, SharedValueSeal seal, IntegrityAlarm alarm,
      Clock clock) {
    this.maps = maps;
    this.hash = hash;
    this.seal = seal;
    this.alarm = alarm;
    this.clock = clock;
  }

  /** An active grant. */
  public record Grant(String reasonCode, Instant expiresAt) {}

  public Future<Grant> grant(Principal principal, NhsNumber patient, String reasonCode, long windowMs) {
    Instant expires = clock.instant().plusMillis(windowMs);
    String key = key(principal, patient);
    String payload = new JsonObject().put("reason", reasonCode).put("expiresAt", expires.toEpochMilli()).encode();
    return map().compose(map -> map.put(key, seal.seal(MAP_NAME, key, payload), windowMs)).map(done -> new Grant(reasonCode, expires));
  }

  /**
   * The active grant of this user in this role for this patient, if any: never an expired one, and never
   * one whose seal does not match (that raises an alert naming the user and patient).
   */
  public Future<Optional<Grant>> find(Principal principal, NhsNumber patient) {
    String key = key(principal, patient);
    return map().compose(map -> map.get(key)).map(stored -> {
      if (stored == null) {
        return Optional.empty();
      }
      Optional<JsonObject> value = seal.open(MAP_NAME, key, stored).flatMap(BreakGlassGrants::parse);
      if (value.isEmpty()) {
        alarm.raise(SUBJECT, IntegrityAlarm.Finding.FORGED, key, principal, patient);
        return Optional.empty();
      }
      long expiresAt = value.get().getLong("expiresAt");
      if (clock.millis() >= expiresAt) {
        return Optional.empty();
      }
      return Optional.of(new Grant(value.get().getString("reason"), Instant.ofEpochMilli(expiresAt)));
    });
  }

  /** Alerts on grants changed behind the service's back: shcr writes only sealed grants and never removes one. */
  void watch(SharedMapWatch watch) {
    watch.watchOnce(MAP_NAME, new SharedMapSentry(MAP_NAME, SUBJECT, seal, alarm, key -> false));
  }

  private static Optional<JsonObject> parse(String payload) {
    try {
      JsonObject json = new JsonObject(payload);
      return json.getValue("reason") instanceof String && json.getValue("expiresAt") instanceof Number
          ? Optional.of(json) : Optional.empty();
    } catch (DecodeException | ClassCastException e) {
      return Optional.empty();
    }
  }

  private Future<AsyncMap<String, Object>> map() {
    return maps.get();
  }

  private String key(Principal principal, NhsNumber patient) {
    return hash.of("break-glass", principal.userId(), String.valueOf(principal.roleProfileId()), patient.value());
  }
}
