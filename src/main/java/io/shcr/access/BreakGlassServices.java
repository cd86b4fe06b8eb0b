package io.shcr.access;

import io.shcr.audit.AuditTrail;
import java.time.Clock;

/**
 * The access capability's pieces a break-glass request uses: who the caller is, the decision it must
 * pass, the role's sections, the grants it records, the trail it is audited in, its rules and clock.
 * The HTTP route over them lives in the api package.
 */
public record BreakGlassServices(Authenticator authenticator, PolicyGate gate, RoleViews roleViews, BreakGlassGrants grants,
    AuditTrail audit, AccessPolicy.BreakGlass rules, Clock clock) {
}
