package io.shcr.access;

import io.shcr.audit.AccessAudit;
import io.shcr.audit.AuditReceipt;
import io.shcr.audit.AuditTrail;
import io.shcr.audit.ViewOutcome;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** An in-memory audit trail that can be told to fail, for access tests. */
final class FakeAuditTrail implements AuditTrail {

  final List<AccessAudit> records = new CopyOnWriteArrayList<>();
  final List<ViewOutcome> outcomes = new CopyOnWriteArrayList<>();
  volatile boolean failing;
  private final AtomicLong sequence = new AtomicLong();

  @Override
  public Future<AuditReceipt> recordAccess(AccessAudit access) {
    if (failing) {
      return Future.failedFuture("audit store down");
    }
    records.add(access);
    return Future.succeededFuture(new AuditReceipt(sequence.incrementAndGet(), access.requestId()));
  }

  @Override
  public Future<Void> recordOutcome(AuditReceipt receipt, ViewOutcome outcome) {
    outcomes.add(outcome);
    return Future.succeededFuture();
  }
}
