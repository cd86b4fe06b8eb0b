package io.shcr.access;

import io.shcr.core.AccessRefusedException;
import io.shcr.core.Principal;
import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.nhs.NhsNumber;
import io.shcr.core.RecordRequest;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * The access gate of the record API: every rule after authentication, in the order that refuses cheapest first and asks
 * the Spine only for requests that could be allowed. Authentication refused (401, decided by the API's {@code Authenticator}), participation of the
 * user's organisation (403 NO_ORGANISATION_CONSENT), role view (403 ACCESS_DENIED), throttling (429
 * THROTTLED), legitimate relationship (403 NO_RELATIONSHIP, or settled by the user's own source),
 * objection (403 NO_PATIENT_CONSENT, 503 CONSENT_UNAVAILABLE) and restriction (masking). Refusals are
 * successful Futures holding a refused decision; only a broken dependency fails the Future.
 */
public final class PolicyGate implements AccessGate {

  private final Participation participation;
  private final RoleViews roleViews;
  private final PatientThrottle throttle;
  private final BreakGlassGrants grants;
  private final SpineLookups spine;
  private final AccessPolicy.BreakGlass breakGlass;
  private final OrganisationNames organisationNames;

  public PolicyGate(Participation participation, RoleViews roleViews, PatientThrottle throttle,
      BreakGlassGrants grants, SpineLookups spine, AccessPolicy.BreakGlass breakGlass) {
    this.participation = participation;
    this.roleViews = roleViews;
    this.throttle = throttle;
    this.grants = grants;
    this.spine = spine;
    this.breakGlass = breakGlass;
    this.organisationNames = new OrganisationNames(participation::registeredName);
  }

  @Override
  public Future<AccessDecision> decide(Future<Principal> authenticated, RecordRequest request) {
    return authenticated.transform(who -> {
      Principal principal = who.succeeded() ? who.result() : null;
      Future<AccessDecision> decided = who.succeeded() ? decide(principal, request) : Future.failedFuture(who.cause());
      return decided.recover(e -> e instanceof AccessRefusedException refused
          ? Future.succeededFuture(AccessDecision.refused(principal, refused.error()))
          : Future.failedFuture(e));
    });
  }

  /** The decision for an authenticated principal. */
  public Future<AccessDecision> decide(Principal principal, RecordRequest request) {
    ApiError notParticipating = participationRefusal(principal);
    if (notParticipating != null) {
      return refused(principal, notParticipating);
    }
    RoleViews.Outcome view = roleViews.apply(principal.jobRole(), request.sections());
    if (view.refusal() != null) {
      return refused(principal, view.refusal());
    }
    NhsNumber patient = request.nhsNumber();
    return throttle.admit(principal, patient).compose(verdict -> verdict.admitted()
        ? grants.find(principal, patient).compose(grant -> relationshipAndConsent(principal, request, view, grant))
        : refused(principal, throttled(verdict)));
  }

  private Future<AccessDecision> relationshipAndConsent(Principal principal, RecordRequest request, RoleViews.Outcome view,
      Optional<BreakGlassGrants.Grant> grant) {
    NhsNumber patient = request.nhsNumber();
    boolean established = patient.value().equals(principal.patientContext()) || grant.isPresent();
    String via = established ? null : participation.liveSource(principal.organisation()).map(s -> s.id()).orElse(null);
    if (!established && via == null) {
      return refused(principal, noRelationship(principal));
    }
    String reason = grant.map(BreakGlassGrants.Grant::reasonCode).orElse(null);
    boolean overridesObjection = breakGlass.overridesObjection(reason);
    Future<SpineClient.Objection> objection = spine.objection(patient);
    Future<SpineClient.PdsAnswer> pdsAnswer = spine.pds(patient);
    return Future.all(objection, pdsAnswer).map(both -> {
      SpineClient.Restriction restriction = pdsAnswer.result().restriction();
      if (objection.result() == SpineClient.Objection.OBJECTED && !overridesObjection) {
        return AccessDecision.refused(principal, ErrorCode.NO_PATIENT_CONSENT.error(
            "The patient has objected to sharing their record. Only break-glass for emergency-treatment overrides an objection."));
      }
      if (objection.result() == SpineClient.Objection.UNAVAILABLE && !overridesObjection) {
        return AccessDecision.refused(principal, ErrorCode.CONSENT_UNAVAILABLE.error(
            "The consent service cannot confirm that the patient has not objected to sharing; try again shortly, "
                + "or break glass for emergency-treatment in an emergency.")
            .withHeader("Retry-After", Long.toString(spine.consentRetryAfterSeconds())));
      }
      ResourceTransform transform = restriction == SpineClient.Restriction.NONE
          ? organisationNames : RestrictedPatientMask.INSTANCE;
      Purpose purpose = grant.isPresent() ? Purpose.EMERGENCY : Purpose.DIRECT_CARE;
      // Named as our register names the organisation: GP Connect's consumer JWT carries it.
      Principal named = principal.withOrganisationName(participation.organisationName(principal.organisation()).orElse(null));
      return new AccessDecision(named, null, view.sections(), purpose, reason, via, transform,
          pdsAnswer.result().demographics(), pdsAnswer.result().gp());
    });
  }

  PatientThrottle throttle() {
    return throttle;
  }

  /**
   * Why a break-glass for this reason could not give access to this patient, or null when it could:
   * a reason that does not override objections cannot open the record of a patient who objected, nor
   * of one whose objection cannot be ruled out (the record request would then be refused), so such a
   * break-glass is refused and grants nothing.
   */
  public Future<ApiError> breakGlassRefusal(NhsNumber patient, String reason) {
    if (breakGlass.overridesObjection(reason)) {
      return Future.succeededFuture();
    }
    String overriding = String.join(", ", breakGlass.reasons().stream().filter(AccessPolicy.Reason::overridesObjection)
        .map(AccessPolicy.Reason::code).toList());
    return spine.objection(patient).otherwise(SpineClient.Objection.UNAVAILABLE).map(objection -> switch (objection) {
      case NONE -> null;
      case OBJECTED -> ErrorCode.NO_PATIENT_CONSENT.error("The patient has objected to sharing their record, and "
          + "break-glass for " + reason + " does not override an objection, so nothing was granted. Only break-glass for "
          + overriding + " does, when the patient needs emergency treatment.");
      case UNAVAILABLE -> ErrorCode.CONSENT_UNAVAILABLE.error("The consent service cannot confirm that the patient has not "
          + "objected to sharing, so break-glass for " + reason + " could not give access and nothing was granted. Try "
          + "again shortly, or break glass for " + overriding + " in an emergency.").withHeader("Retry-After", "5");
    });
  }

  /** Why this principal's organisation may not use the service, or null when it may. */
  public ApiError participationRefusal(Principal principal) {
    if (participation.isLive(principal.organisation())) {
      return null;
    }
    String why = participation.isKnown(principal.organisation())
        ? "is not yet live under the information sharing agreement"
        : "is not a participant in the information sharing agreement";
    return ErrorCode.NO_ORGANISATION_CONSENT.error("Organisation " + principal.organisation() + " " + why + ".");
  }

  private ApiError noRelationship(Principal principal) {
    String reasons = String.join(", ", breakGlass.reasons().stream().map(AccessPolicy.Reason::code).toList());
    return ErrorCode.NO_RELATIONSHIP.error("No legitimate relationship with this patient can be established for "
        + "organisation " + principal.organisation() + ". Open the record from your clinical system with the patient in "
        + "context, or, if you must, break glass: POST /api/v1/patients/{nhsNumber}/break-glass with JSON "
        + "{\"reasonCode\": one of [" + reasons + "], \"justification\": \"...\"} (audited and reviewed).");
  }

  private static ApiError throttled(PatientThrottle.Verdict verdict) {
    return ErrorCode.THROTTLED.error("Too many different patients opened in this period by this "
        + verdict.limitedBy() + "; try again in " + verdict.retryAfterSeconds() + " s. Privacy officers are alerted.")
        .withHeader("Retry-After", Long.toString(verdict.retryAfterSeconds()));
  }

  private static Future<AccessDecision> refused(Principal principal, ApiError error) {
    return Future.succeededFuture(AccessDecision.refused(principal, error));
  }
}
