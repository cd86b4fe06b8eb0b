package io.shcr.support;

import io.shcr.access.AccessDecision;
import io.shcr.access.AccessGate;
import io.shcr.core.Principal;
import io.shcr.access.Purpose;
import io.shcr.access.ResourceTransform;
import io.shcr.api.Components;
import io.shcr.audit.AccessAudit;
import io.shcr.audit.AuditReceipt;
import io.shcr.audit.AuditTrail;
import io.shcr.audit.ViewOutcome;
import io.shcr.fhir.ResourceIndex;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stand-ins for the capabilities a streaming test is not about: an access gate that allows every
 * section, a privacy filter that passes resources through (minus narrative), and an in-memory audit.
 * Test scope only; the service itself is always wired with the real ones.
 */
public final class TestComponents {

  private TestComponents() {}

  /** Named as the access gate names a live organisation's user (GP Connect is asked only for a named organisation). */
  public static final Principal DOCTOR = new Principal("555000000001", "Dr Test", "555000000001-01", "R8000", "RXN",
      Set.of("B0370"), null, null, null, "Lancashire Teaching Hospitals NHS Foundation Trust");

  public static AccessGate allowAll() {
    return (ctx, request) -> Future.succeededFuture(new AccessDecision(DOCTOR, null, request.sections(),
        Purpose.DIRECT_CARE, null, null, ResourceTransform.IDENTITY));
  }

  public static PrivacyFilter passThrough() {
    return new PrivacyFilter() {
      @Override
      public Set<String> referencesToResolve(List<JsonObject> resources, ResourceIndex known) {
        return Set.of();
      }

      @Override
      public FilterResult filter(List<JsonObject> resources, ResourceIndex context) {
        return new FilterResult(resources.stream().map(r -> {
          JsonObject copy = r.copy();
          copy.remove("text");
          return copy;
        }).toList(), 0);
      }
    };
  }

  /** Audit kept in memory for assertions; {@code failing} makes every write fail. */
  public static final class MemoryAudit implements AuditTrail {
    public final List<AccessAudit> accesses = new CopyOnWriteArrayList<>();
    public final List<ViewOutcome> outcomes = new CopyOnWriteArrayList<>();
    public volatile boolean failing;
    private final AtomicLong sequence = new AtomicLong();

    @Override
    public Future<AuditReceipt> recordAccess(AccessAudit access) {
      if (failing) {
        return Future.failedFuture(new IllegalStateException("audit store down"));
      }
      accesses.add(access);
      return Future.succeededFuture(new AuditReceipt(sequence.incrementAndGet(), access.requestId()));
    }

    @Override
    public Future<Void> recordOutcome(AuditReceipt receipt, ViewOutcome outcome) {
      outcomes.add(outcome);
      return Future.succeededFuture();
    }
  }

  public static Components components(SourceRegistry registry, AccessGate access, MemoryAudit audit) {
    return new Components(registry, passThrough(), access, ctx -> Future.succeededFuture(DOCTOR), audit, List.of(),
        Future::succeededFuture);
  }
}
