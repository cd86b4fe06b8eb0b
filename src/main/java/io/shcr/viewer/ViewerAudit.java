package io.shcr.viewer;

import io.shcr.core.Principal;
import io.shcr.core.ApiError;
import io.shcr.api.RequestIntake;
import io.shcr.audit.AccessAudit;
import io.shcr.audit.AuditTrail;
import io.shcr.audit.AuditUnavailableException;
import io.shcr.audit.RequestFacts;
import io.shcr.core.ErrorResponses;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;

/**
 * The viewer's audit records: sign-in ({@code viewer.sign-in}), sign-out ({@code viewer.sign-out}) and
 * every refusal the viewer itself makes (no session, a failed CSRF check), recorded like every other
 * request before the answer goes out. Record views and break-glass through the viewer are audited by
 * the record and break-glass pipelines themselves, as from the API.
 */
final class ViewerAudit {

  static final String SIGN_IN = "viewer.sign-in";
  static final String SIGN_OUT = "viewer.sign-out";
  static final String SESSION = "viewer.session";

  private final AuditTrail audit;
  private final Clock clock;

  ViewerAudit(AuditTrail audit, Clock clock) {
    this.audit = audit;
    this.clock = clock;
  }

  /** Records an allowed action; fails when the audit trail cannot take it (then nothing may follow). */
  Future<Void> allowed(RoutingContext ctx, String action, Principal principal, String nhsNumber) {
    return audit.recordAccess(entry(ctx, action, principal, nhsNumber, AccessAudit.ALLOWED, null, 0)).mapEmpty();
  }

  /** Records a refusal; succeeds whether or not the trail took it, telling which. */
  Future<Boolean> refused(RoutingContext ctx, String action, Principal principal, String nhsNumber, ApiError error) {
    return audit.recordAccess(entry(ctx, action, principal, nhsNumber, AccessAudit.REFUSED, error.code(), error.status()))
        .map(receipt -> true).otherwise(false);
  }

  /** Audits the refusal, then sends it (503 AUDIT_UNAVAILABLE instead if it could not be audited). */
  void refuse(RoutingContext ctx, String action, Principal principal, String nhsNumber, ApiError error) {
    refused(ctx, action, principal, nhsNumber, error).onComplete(audited ->
        ErrorResponses.send(ctx.response(), audited.result() ? error : AuditUnavailableException.ERROR, RequestIntake.requestId(ctx)));
  }

  private AccessAudit entry(RoutingContext ctx, String action, Principal principal, String nhsNumber, String outcome, String code,
      int status) {
    return new AccessAudit(RequestIntake.requestId(ctx), clock.instant(), principal, action, nhsNumber, null, null, List.of(), List.of(),
        outcome, code, ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress(),
        ctx.request().getHeader(HttpHeaders.USER_AGENT))
        .withRequest(RequestFacts.of(ctx.request()).withStatus(status));
  }
}
