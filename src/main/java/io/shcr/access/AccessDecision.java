package io.shcr.access;

import io.shcr.core.Principal;
import io.shcr.core.ApiError;
import io.shcr.core.Section;
import io.shcr.fhir.GpRegistration;
import java.util.Set;

/**
 * The one decision made before any source is asked: who is asking, whether they may, which sections
 * they may see, and what must hold or be done to what is released.
 *
 * @param principal the authenticated user, or null when authentication itself failed
 * @param refusal non-null when the request is refused; nothing is fetched then
 * @param sections the sections to fetch: what was asked for and the role permits
 * @param purpose direct care or emergency
 * @param breakGlassReason the reason code of an active break-glass, or null
 * @param relationshipVia when non-null, the ODS code of the user's organisation: the relationship
 *     holds only if that organisation's source knows the patient, and no other source's data is
 *     released until it has answered
 * @param transform applied to every released resource (restricted-patient masking, say)
 * @param pds what PDS says about who the patient is, which each source's Patient is checked against;
 *     null when PDS did not answer with a Patient (then there is nothing to check against)
 * @param gp the patient's registered practice as PDS says: the only GP Connect practice asked
 */
public record AccessDecision(
    Principal principal,
    ApiError refusal,
    Set<Section> sections,
    Purpose purpose,
    String breakGlassReason,
    String relationshipVia,
    ResourceTransform transform,
    io.shcr.fhir.Demographics pds,
    GpRegistration gp) {

  /** A decision with no PDS demographics to check sources against. */
  public AccessDecision(Principal principal, ApiError refusal, Set<Section> sections, Purpose purpose,
      String breakGlassReason, String relationshipVia, ResourceTransform transform) {
    this(principal, refusal, sections, purpose, breakGlassReason, relationshipVia, transform, null);
  }

  /** A decision made without PDS's word on the registered practice (test beds, tools): no GP practice left out. */
  public AccessDecision(Principal principal, ApiError refusal, Set<Section> sections, Purpose purpose,
      String breakGlassReason, String relationshipVia, ResourceTransform transform, io.shcr.fhir.Demographics pds) {
    this(principal, refusal, sections, purpose, breakGlassReason, relationshipVia, transform, pds, GpRegistration.UNCHECKED);
  }

  public static AccessDecision refused(Principal principal, ApiError refusal) {
    return new AccessDecision(principal, refusal, Set.of(), Purpose.DIRECT_CARE, null, null, ResourceTransform.IDENTITY,
        null, GpRegistration.NONE);
  }

  public boolean allowed() {
    return refusal == null;
  }
}
