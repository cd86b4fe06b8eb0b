package io.shcr.audit;

import io.shcr.access.Authenticator;
import io.shcr.api.ApiRoutes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * The audit capability as the service wires it: the trail the record and break-glass APIs write to,
 * and the privacy officer's routes. Built from {@code audit.yaml} in the configuration directory.
 */
public final class AuditModule {

  private final AuditLog log;

  private AuditModule(AuditLog log) {
    this.log = log;
  }

  public static Future<AuditModule> create(Vertx vertx, Path configDir) {
    try {
      return create(vertx, AuditConfig.load(configDir));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  public static Future<AuditModule> create(Vertx vertx, AuditConfig config) {
    try {
      return AuditLog.open(vertx, config.newStore(vertx), config.maxBatch()).map(AuditModule::new);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** The trail: {@code recordAccess} before any data, {@code recordOutcome} at the end of a view. */
  public AuditTrail trail() {
    return log;
  }

  /** The privacy officer's API (job role R0001): search, alerts, acknowledgement, FHIR export. */
  public ApiRoutes routes(Authenticator authenticator) {
    return new AuditApi(log, authenticator);
  }

  /** Writes what is queued and closes the store. */
  public Future<Void> close() {
    return log.close();
  }
}
