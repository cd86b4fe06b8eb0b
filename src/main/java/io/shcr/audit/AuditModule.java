package io.shcr.audit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Set;

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
   * The ODS codes whose privacy officers see the whole region ({@code privacyOfficers.regionWide} in
   * audit.yaml); every other officer sees their own organisation's records only.
   */
  public Set<String> regionWide() {
    return regionWide;
  }

  /** The configuration directory this module was built from, or null when built from a config object. */
  public Path configDir() {
    return configDir;
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
