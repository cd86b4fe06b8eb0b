package io.shcr.access;

import io.shcr.api.ApiError;
import io.shcr.api.ApiRoutes;
import io.shcr.api.ShcrServer;
import io.shcr.audit.AccessAudit;
import io.shcr.audit.AuditTrail;
import io.shcr.audit.ViewOutcome;
import io.shcr.nhs.NhsNumber;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/patients/{nhsNumber}/break-glass}: emergency access to a patient without a
 * recorded relationship. Body {@code {"reasonCode": ..., "justification": ...}}. Every attempt is
 * audited, an invalid NHS number included; a grant is made only after its audit record (high severity:
 * purpose {@code emergency}, the reason code) is durable, so a privacy officer always sees it. Without
 * audit there is no grant (503 AUDIT_UNAVAILABLE); if the grant then cannot be stored, the audit entry
 * gets an {@code error} outcome. Only the roles {@code breakGlass.roles} names (clinical roles), a
 * reason's {@code alsoRoles}, or a role holding the Emergency access activity may break glass. The
 * justification is checked but never stored in audit, shared state or logs.
 */
public final class BreakGlassRoutes implements ApiRoutes {

  public static final String PATH = "/api/v1/patients/:nhsNumber/break-glass";
  public static final String ACTION = "break-glass";
  private static final Pattern NHS_NUMBER_LIKE = Pattern.compile("[0-9 ]{1,12}");
  private static final Logger LOG = LoggerFactory.getLogger(BreakGlassRoutes.class);

  private final Authenticator authenticator;
  private final PolicyGate gate;
  private final RoleViews roleViews;
  private final BreakGlassGrants grants;
  private final AuditTrail audit;
  private final AccessPolicy.BreakGlass settings;
  private final Clock clock;

  public BreakGlassRoutes(Authenticator authenticator, PolicyGate gate, RoleViews roleViews, BreakGlassGrants grants,
      AuditTrail audit, AccessPolicy.BreakGlass settings, Clock clock) {
    this.authenticator = authenticator;
    this.gate = gate;
    this.roleViews = roleViews;
    this.grants = grants;
    this.audit = audit;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public void mount(Router router) {
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(16_384)).handler(this::breakGlass);
  }

  private void breakGlass(RoutingContext ctx) {
    String requestId = ShcrServer.requestId(ctx);
    String pathNumber = ctx.pathParam("nhsNumber");
    NhsNumber patient = NhsNumber.parse(pathNumber).orElse(null);
    String audited = patient != null ? patient.value() : auditable(pathNumber);
    authenticator.authenticate(ctx)
        .compose(principal -> {
          if (patient == null) {
            return refuse(ctx, requestId, principal, audited, null,
                ApiError.badRequest("INVALID_NHS_NUMBER", "The NHS number in the path is not valid."));
          }
          JsonObject body = jsonBody(ctx);
          ApiError refusal = refusal(principal, body);
          if (refusal != null) {
            return refuse(ctx, requestId, principal, audited, null, refusal);
          }
          String reason = body.getString("reasonCode");
          return audit.recordAccess(entry(ctx, requestId, principal, audited, reason, "allowed", null))
              .recover(e -> Future.failedFuture(new AccessRefusedException(new ApiError(503, "AUDIT_UNAVAILABLE",
                  "Break-glass cannot be recorded in the audit trail right now, so it is not granted; try again shortly."))))
              .compose(receipt -> grants.grant(principal, patient, reason, settings.windowMs())
                  .recover(e -> audit.recordOutcome(receipt, new ViewOutcome("error", Map.of(), 0, 0, 0))
                      .onFailure(a -> LOG.warn("Could not record the failed outcome of break-glass {}", requestId))
                      .transform(done -> Future.failedFuture(e))))
              .compose(grant -> ctx.response().setStatusCode(201).putHeader("X-Request-ID", requestId)
                  .putHeader("Content-Type", "application/json")
                  .end(new JsonObject()
                      .put("requestId", requestId)
                      .put("reasonCode", grant.reasonCode())
                      .put("grantedAt", clock.instant().toString())
                      .put("expiresAt", grant.expiresAt().toString())
                      .put("message", "Break-glass access granted until " + grant.expiresAt()
                          + ". This access is audited and will be reviewed by a privacy officer.")
                      .encode()));
        })
        .onFailure(e -> {
          if (e instanceof AccessRefusedException refused) {
            if (refused.error().status() == 401) {
              refuse(ctx, requestId, null, audited, null, refused.error());
            } else {
              respond(ctx, requestId, refused.error());
            }
          } else {
            LOG.error("Break-glass failed: {}", e.getClass().getSimpleName());
            respond(ctx, requestId, new ApiError(503, "BREAK_GLASS_UNAVAILABLE", "Break-glass could not be completed; try again shortly."));
          }
        });
  }

  /** What an invalid path NHS number is recorded as: its digits when it looks like one, else nothing. */
  private static String auditable(String pathNumber) {
    return pathNumber != null && NHS_NUMBER_LIKE.matcher(pathNumber).matches() ? pathNumber.replace(" ", "") : null;
  }

  /** Why this break-glass request is refused, or null when it may be granted. */
  private ApiError refusal(Principal principal, JsonObject body) {
    ApiError notParticipating = gate.participationRefusal(principal);
    if (notParticipating != null) {
      return notParticipating;
    }
    if (roleViews.permitted(principal.jobRole()).isEmpty()) {
      return ApiError.forbidden("ACCESS_DENIED", "Job role " + principal.jobRole() + " has no record view, so it cannot break glass.");
    }
    if (body == null) {
      return invalid("send a JSON body {\"reasonCode\": ..., \"justification\": ...}");
    }
    Object reason = body.getValue("reasonCode");
    if (!(reason instanceof String code) || settings.reason(code).isEmpty()) {
      return invalid("reasonCode must be one of " + settings.reasons().stream().map(AccessPolicy.Reason::code).toList());
    }
    AccessPolicy.Reason chosen = settings.reason(code).orElseThrow();
    if (!settings.permits(principal, chosen)) {
      return ApiError.forbidden("ACCESS_DENIED", "Job role " + principal.jobRole() + " may not break glass"
          + (chosen.alsoRoles().isEmpty() ? "" : " for " + code) + ": only the roles " + sorted(settings.roles())
          + (chosen.alsoRoles().isEmpty() ? "" : " (and " + sorted(chosen.alsoRoles()) + " for " + code + ")")
          + ", or a role with activity " + settings.activityCode() + " (Emergency access), may. Ask a clinician "
          + "with a legitimate need to open the record.");
    }
    Object justification = body.getValue("justification");
    int length = justification instanceof String s ? s.strip().length() : 0;
    if (length < settings.justificationMinLength() || length > settings.justificationMaxLength()) {
      return invalid("justification is required: say why, in " + settings.justificationMinLength() + " to "
          + settings.justificationMaxLength() + " characters");
    }
    return null;
  }

  private static List<String> sorted(java.util.Set<String> roles) {
    return roles.stream().sorted().toList();
  }

  private static ApiError invalid(String message) {
    return new ApiError(422, "INVALID_PARAMETER", "Break-glass refused: " + message + ".");
  }

  private Future<Void> refuse(RoutingContext ctx, String requestId, Principal principal, String patient, String reason, ApiError refusal) {
    return audit.recordAccess(entry(ctx, requestId, principal, patient, reason, "refused", refusal.code()))
        .onFailure(e -> LOG.warn("Could not audit a refused break-glass request {}", requestId))
        .eventually(() -> respond(ctx, requestId, refusal))
        .mapEmpty();
  }

  private AccessAudit entry(RoutingContext ctx, String requestId, Principal principal, String patient, String reason,
      String outcome, String refusalCode) {
    return new AccessAudit(requestId, clock.instant(), principal, ACTION, patient, Purpose.EMERGENCY.wireName(), reason,
        List.of(), List.of(), outcome, refusalCode, ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress(),
        ctx.request().getHeader("User-Agent"));
  }

  private static Future<Void> respond(RoutingContext ctx, String requestId, ApiError error) {
    if (ctx.response().ended()) {
      return Future.succeededFuture();
    }
    ctx.response().setStatusCode(error.status()).putHeader("Content-Type", "application/fhir+json").putHeader("X-Request-ID", requestId);
    error.headers().forEach(ctx.response()::putHeader);
    return ctx.response().end(error.toJson(requestId).encode());
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      return ctx.body().asJsonObject();
    } catch (RuntimeException notJson) {
      return null;
    }
  }
}
