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
 */
public record Principal(
    String userId,
    String name,
    String roleProfileId,
    String jobRole,
    String organisation,
    Set<String> activityCodes,
    String patientContext) {}
