package io.shcr.audit;

import io.vertx.core.Future;

/**
 * The durable, tamper-evident trail of every access. {@link #recordAccess} completes only once the
 * record is durable; the record API sends no data before it has. No clinical content is ever given
 * to it.
 */
public interface AuditTrail {

  /** Appends an access record (allowed or refused); fails if it cannot be made durable. */
  Future<AuditReceipt> recordAccess(AccessAudit access);

  /** Appends the outcome of an allowed view (complete, client gone, error) to the same request's trail. */
  Future<Void> recordOutcome(AuditReceipt receipt, ViewOutcome outcome);
}
