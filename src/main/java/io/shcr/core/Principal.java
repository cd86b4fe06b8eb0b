package io.shcr.core;

import java.util.Set;

/**
 * The authenticated professional behind a request, from the active role of their CIS2 token. Only
 * identifiers and role facts: what audit needs to say who looked.
 *
 * @param userId SDS user id ({@code sub})
 * @param name display name
 * @param roleProfileId the selected {@code person_roleid}
 * @param jobRole the job role code, e.g. R8000
 * @param organisation ODS code of the active role's organisation
 * @param activityCodes national RBAC activity codes of the active role
 * @param patientContext NHS number from a SMART launch context, or null
 * @param givenName the token's {@code given_name}, or null (never cut from {@code name})
 * @param familyName the token's {@code family_name}, or null (never cut from {@code name})
 * @param organisationName the name our register gives the organisation, once the access decision has
 *     found it live; null before that
 */
public record Principal(
    String userId,
    String name,
    String roleProfileId,
    String jobRole,
    String organisation,
    Set<String> activityCodes,
    String patientContext,
    String givenName,
    String familyName,
    String organisationName) {

  /** A principal whose token gave no given or family name, before its organisation is named. */
  public Principal(String userId, String name, String roleProfileId, String jobRole, String organisation,
      Set<String> activityCodes, String patientContext) {
    this(userId, name, roleProfileId, jobRole, organisation, activityCodes, patientContext, null, null, null);
  }

  /** This principal, its organisation named as our register names it. */
  public Principal withOrganisationName(String registeredName) {
    return new Principal(userId, name, roleProfileId, jobRole, organisation, activityCodes, patientContext, givenName,
        familyName, registeredName);
  }
}
