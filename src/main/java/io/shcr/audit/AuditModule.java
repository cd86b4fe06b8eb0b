package io.shcr.audit;

import io.shcr.access.AccessPolicyLoader;
import io.shcr.access.Authenticator;
import io.shcr.access.Participation;
import io.shcr.api.ApiRoutes;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The audit capability as the service wires it: the trail the record and break-glass APIs write to,
 * and the privacy officer's routes. Built from {@code audit.yaml} in the configuration directory.
 */
public final class AuditModule {

  private final AuditLog log;
  private final UnattributedRefusals trail;
  private final Set<String> regionWide;
  private final Path configDir;

  private AuditModule(AuditLog log, UnattributedRefusals trail, Set<String> regionWide, Path configDir) {
    this.log = log;
    this.trail = trail;
    this.regionWide = regionWide;
    this.configDir = configDir;
  }

  public static Future<AuditModule> create(Vertx vertx, Path configDir) {
    try {
      return create(vertx, AuditConfig.load(configDir), UnattributedRefusals.Settings.load(configDir), configDir);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  public static Future<AuditModule> create(Vertx vertx, AuditConfig config) {
    return create(vertx, config, UnattributedRefusals.Settings.DEFAULT);
  }

  /** As {@link #create(Vertx, AuditConfig)}, with the limit on refusals nobody could be identified for. */
  public static Future<AuditModule> create(Vertx vertx, AuditConfig config, UnattributedRefusals.Settings unattributed) {
    return create(vertx, config, unattributed, null);
  }

  private static Future<AuditModule> create(Vertx vertx, AuditConfig config, UnattributedRefusals.Settings unattributed,
      Path configDir) {
    try {
      return AuditLog.open(vertx, config.newStore(vertx), config.maxBatch(), config.writeTimeoutMs())
          .map(log -> new AuditModule(log, UnattributedRefusals.start(vertx, log, unattributed), config.regionWide(), configDir));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * The trail: {@code recordAccess} before any data, {@code recordOutcome} at the end of a view.
   * Refusals nobody could be identified for are limited per window ({@link UnattributedRefusals}).
   */
  public AuditTrail trail() {
    return trail;
  }

  /**
   * The privacy officer's API (job role R0001 of a live participating organisation): search, alerts,
   * acknowledgement, FHIR export, scoped to the officer's organisation unless audit.yaml lists it under
   * {@code privacyOfficers.regionWide}.
   *
   * @param liveParticipant whether an ODS code is a live participant (the access capability's check)
   */
  public ApiRoutes routes(Authenticator authenticator, Predicate<String> liveParticipant) {
    return new AuditApi(log, trail, authenticator, liveParticipant, regionWide);
  }

  /**
   * As {@link #routes(Authenticator, Predicate)}, reading participation from {@code sources.yaml} and
   * {@code access-policy.yaml} in the configuration directory this module was built from; with no such
   * directory no organisation counts as live, so the API refuses everyone (fail closed). Prefer passing
   * the access capability's own check.
   */
  public ApiRoutes routes(Authenticator authenticator) {
    Predicate<String> live = configDir == null ? ods -> false
        : new Participation(SourceRegistry.load(configDir.resolve("sources.yaml")), AccessPolicyLoader.load(configDir).participants())::isLive;
    return routes(authenticator, live);
  }

  /** The trail's writer itself (readiness asks it whether the store takes a write). */
  public AuditLog log() {
    return log;
  }

  /** Writes the refusal summaries and what is queued, then closes the store. */
  public Future<Void> close() {
    return trail.close().eventually(log::close);
  }
}
