package io.shcr.api;

import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.core.AccessRefusedException;
import io.shcr.audit.AccessAudit;
import io.shcr.audit.AuditUnavailableException;
import io.shcr.sources.SourceDirectory;
import io.shcr.core.ErrorResponses;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/sources}: every source with its live flag, breaker and health. Needs a valid
 * token like every /api route, and is audited ({@code sources.list}) before it is sent, like every
 * other call.
 */
final class SourcesApi {

  private final Components components;
  private final SourceDirectory directory;
  private final Refusals refusals;

  SourcesApi(Components components, SourceDirectory directory, Refusals refusals) {
    this.components = components;
    this.directory = directory;
    this.refusals = refusals;
  }

  void handle(RoutingContext ctx) {
    Authentication.of(ctx, components.authenticator()).onComplete(who -> {
      if (who.failed()) {
        refusals.refuse(ctx, who.cause() instanceof AccessRefusedException refused ? refused.error()
            : ErrorCode.UNAUTHORISED.error("Authentication failed."), null);
        return;
      }
      String id = RequestIntake.requestId(ctx);
      AccessAudit listed = new AccessAudit(id, Instant.now(), who.result(), "sources.list", null, null, null, List.of(),
          List.of(), AccessAudit.ALLOWED, null,
          ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress(),
          ctx.request().getHeader(HttpHeaders.USER_AGENT)).withRequest(RequestIntake.facts(ctx));
      components.audit().recordAccess(listed).onComplete(audited -> {
        if (audited.failed()) {
          ErrorResponses.send(ctx.response(), AuditUnavailableException.ERROR, id);
        } else {
          ctx.json(new JsonObject().put("sources", directory.describe()));
        }
      });
    });
  }
}
