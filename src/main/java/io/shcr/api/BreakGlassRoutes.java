package io.shcr.api;

import io.shcr.access.AccessPolicy;
import io.shcr.access.Authenticator;
import io.shcr.access.BreakGlassGrants;
import io.shcr.access.BreakGlassServices;
import io.shcr.access.PolicyGate;
import io.shcr.access.Purpose;
import io.shcr.access.RoleViews;
import io.shcr.core.AccessRefusedException;
import io.shcr.core.Principal;
import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.audit.AccessAudit;
import io.shcr.audit.AuditText;
import io.shcr.audit.AuditTrail;
import io.shcr.audit.AuditUnavailableException;
import io.shcr.audit.RequestFacts;
import io.shcr.audit.ViewOutcome;
import io.shcr.nhs.NhsNumber;
import io.shcr.core.ErrorResponses;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
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
 * recorded relationship. Body {@code {"reasonCode": ..., "justification": ...}} as JSON (any other
 * media type is 415 before the body is read). Every attempt is audited, refusals included; a grant
 * is made only after its audit record (high severity: purpose {@code emergency}, the reason code,
 * the justification) is durable, so a privacy officer always sees it. Without audit there is no
 * grant (503 AUDIT_UNAVAILABLE); if the grant then cannot be stored, the audit entry gets an
 * {@code error} outcome. Only the roles {@code breakGlass.roles} names (clinical roles), a reason's
 * {@code alsoRoles}, or a role holding the Emergency access activity may break glass. A break-glass
 * that could not give access (a reason that does not override the objection of a patient who
 * objected, or whose objection cannot be ruled out) is refused and grants nothing.
 *
 * <p>The justification, the user's own words about why they broke the seal, is kept in the audit
 * trail (sanitised, at most {@code justificationMaxLength} characters) for the privacy officer's
 * review, and nowhere else: never in shared state, a log line or a response.
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

  /** The route over the access capability's break-glass pieces. */
  public static BreakGlassRoutes of(BreakGlassServices services) {
    return new BreakGlassRoutes(services.authenticator(), services.gate(), services.roleViews(), services.grants(),
        services.audit(), services.rules(), services.clock());
  }

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
    router.post(PATH).consumes("application/json").produces("application/json")
        .handler(BodyHandler.create(false).setBodyLimit(16_384)).handler(this::breakGlass);
  }

  /**
   * The break-glass handler alone, for a route that reads the body and authenticates in its own way first
   * (the viewer's, which puts its session's token on the request).
   */
  public io.vertx.core.Handler<RoutingContext> handler() {
    return this::breakGlass;
  }

  /** One attempt: who, for whom, with which reason and words, and whether it is audited yet. */
  private final class Attempt {
    final RoutingContext ctx;
    final String requestId;
    final NhsNumber patient;
    final String audited;
    Principal principal;
    String reason;
    String justification;
    boolean recorded;

    Attempt(RoutingContext ctx) {
      this.ctx = ctx;
      this.requestId = RequestIntake.requestId(ctx);
      String pathNumber = ctx.pathParam("nhsNumber");
      this.patient = NhsNumber.parse(pathNumber).orElse(null);
      this.audited = patient != null ? patient.value() : auditable(pathNumber);
    }

    AccessAudit entry(String outcome, ApiError refusal) {
      return new AccessAudit(requestId, clock.instant(), principal, ACTION, audited, Purpose.EMERGENCY.wireName(), reason,
          List.of(), List.of(), outcome, refusal == null ? null : refusal.code(),
          ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress(),
          ctx.request().getHeader(HttpHeaders.USER_AGENT))
          .withRequest(RequestFacts.of(ctx.request()).withStatus(refusal == null ? 0 : refusal.status()))
          .withJustification(justification);
    }
  }

  private void breakGlass(RoutingContext ctx) {
    Attempt attempt = new Attempt(ctx);
    Authentication.of(ctx, authenticator)
        .compose(principal -> {
          attempt.principal = principal;
          if (attempt.patient == null) {
            return refused(ErrorCode.INVALID_NHS_NUMBER.error("The NHS number in the path is not valid."));
          }
          JsonObject body = jsonBody(ctx);
          if (body != null) {
            attempt.reason = body.getValue("reasonCode") instanceof String code && settings.reason(code).isPresent() ? code : null;
            attempt.justification = body.getValue("justification") instanceof String words
                ? AuditText.clean(words, settings.justificationMaxLength()) : null;
          }
          ApiError refusal = refusal(principal, body);
          if (refusal != null) {
            return refused(refusal);
          }
          return gate.breakGlassRefusal(attempt.patient, attempt.reason)
              .compose(cannotGiveAccess -> cannotGiveAccess != null ? refused(cannotGiveAccess) : grant(attempt));
        })
        .onFailure(e -> fail(attempt, e));
  }

  private Future<Void> grant(Attempt attempt) {
    return audit.recordAccess(attempt.entry(AccessAudit.ALLOWED, null))
        .recover(e -> Future.failedFuture(new AccessRefusedException(ErrorCode.AUDIT_UNAVAILABLE.error(
            "Break-glass cannot be recorded in the audit trail right now, so it is not granted; try again shortly."))))
        .compose(receipt -> {
          attempt.recorded = true;
          return grants.grant(attempt.principal, attempt.patient, attempt.reason, settings.windowMs())
              .recover(e -> audit.recordOutcome(receipt, new ViewOutcome("error", Map.of(), 0, 0, 0))
                  .onFailure(a -> LOG.warn("Could not record the failed outcome of break-glass {}", attempt.requestId))
                  .transform(done -> Future.failedFuture(e)));
        })
        .compose(grant -> attempt.ctx.response().setStatusCode(201)
            .putHeader(ErrorResponses.REQUEST_ID, attempt.requestId)
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(new JsonObject()
                .put("requestId", attempt.requestId)
                .put("reasonCode", grant.reasonCode())
                .put("grantedAt", clock.instant().toString())
                .put("expiresAt", grant.expiresAt().toString())
                .put("message", "Break-glass access granted until " + grant.expiresAt()
                    + ". This access and your justification are audited and will be reviewed by a privacy officer.")
                .encode()));
  }

  /** Every refusal is audited (unless it is audit that failed); then the error is sent. */
  private void fail(Attempt attempt, Throwable e) {
    ApiError error;
    if (e instanceof AccessRefusedException refused) {
      error = refused.error();
    } else {
      LOG.error("Break-glass {} failed: {}", attempt.requestId, e.getClass().getSimpleName());
      error = ErrorCode.BREAK_GLASS_UNAVAILABLE.error(
          "Break-glass could not be completed, so nothing was granted; try again shortly.");
    }
    if (attempt.recorded || "AUDIT_UNAVAILABLE".equals(error.code())) {
      ErrorResponses.send(attempt.ctx.response(), error, attempt.requestId);
      return;
    }
    attempt.recorded = true;
    audit.recordAccess(attempt.entry(AccessAudit.REFUSED, error)).onComplete(audited -> {
      if (audited.failed()) {
        LOG.warn("Could not audit a refused break-glass request {}", attempt.requestId);
      }
      ErrorResponses.send(attempt.ctx.response(), audited.succeeded() ? error : AuditUnavailableException.ERROR, attempt.requestId);
    });
  }

  private static <T> Future<T> refused(ApiError error) {
    return Future.failedFuture(new AccessRefusedException(error));
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
      return ErrorCode.ACCESS_DENIED.error("Job role " + principal.jobRole() + " has no record view, so it cannot break glass.");
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
      return ErrorCode.ACCESS_DENIED.error("Job role " + principal.jobRole() + " may not break glass"
          + (chosen.alsoRoles().isEmpty() ? "" : " for " + code) + ": only the roles " + sorted(settings.roles())
          + (chosen.alsoRoles().isEmpty() ? "" : " (and " + sorted(chosen.alsoRoles()) + " for " + code + ")")
          + ", or a role with activity " + settings.activityCode() + " (Emergency access), may. Ask a clinician "
          + "with a legitimate need to open the record.");
    }
    // Counted as kept: control and invisible characters do not make a justification.
    Object justification = body.getValue("justification");
    int length = justification instanceof String s ? AuditText.clean(s, Integer.MAX_VALUE).length() : 0;
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
    return ErrorCode.INVALID_PARAMETER.error(422, "Break-glass refused: " + message + ".");
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      return ctx.body().length() == 0 ? null : ctx.body().asJsonObject();
    } catch (RuntimeException notJson) {
      return null;
    }
  }
}
