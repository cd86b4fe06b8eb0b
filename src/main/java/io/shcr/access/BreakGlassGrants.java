package io.shcr.access;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
 * only the reason code and the expiry; the entry's time to live is the grant's window.
 */
public final class BreakGlassGrants {

  public static final String MAP_NAME = "shcr.access.break-glass";

  private final Supplier<Future<AsyncMap<String, JsonObject>>> maps;
  private final KeyedHash hash;
  private final Clock clock;

  public BreakGlassGrants(Vertx vertx, KeyedHash hash, Clock clock) {
    this(() -> vertx.sharedData().getAsyncMap(MAP_NAME), hash, clock);
  }

  /** With the shared map supplied (tests make it fail). */
  BreakGlassGrants(Supplier<Future<AsyncMap<String, JsonObject>>> maps, KeyedHash hash, Clock clock) {
    this.maps = maps;
    this.hash = hash;
    this.clock = clock;
  }

  /** An active grant. */
  public record Grant(String reasonCode, Instant expiresAt) {}

  public Future<Grant> grant(Principal principal, NhsNumber patient, String reasonCode, long windowMs) {
    Instant expires = clock.instant().plusMillis(windowMs);
    JsonObject value = new JsonObject().put("reason", reasonCode).put("expiresAt", expires.toEpochMilli());
    return map().compose(map -> map.put(key(principal, patient), value, windowMs)).map(done -> new Grant(reasonCode, expires));
  }

  /** The active grant of this user in this role for this patient, if any (an expired one is never returned). */
  public Future<Optional<Grant>> find(Principal principal, NhsNumber patient) {
    return map().compose(map -> map.get(key(principal, patient))).map(value -> {
      if (value == null || clock.millis() >= value.getLong("expiresAt", 0L)) {
        return Optional.empty();
      }
      return Optional.of(new Grant(value.getString("reason"), Instant.ofEpochMilli(value.getLong("expiresAt"))));
    });
  }

  private Future<AsyncMap<String, JsonObject>> map() {
    return maps.get();
  }

  private String key(Principal principal, NhsNumber patient) {
    return hash.of("break-glass", principal.userId(), String.valueOf(principal.roleProfileId()), patient.value());
  }
}
