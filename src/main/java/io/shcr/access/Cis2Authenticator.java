package io.shcr.access;

import io.shcr.api.ApiError;
import io.shcr.nhs.NhsNumber;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Authenticates {@code Authorization: Bearer} NHS CIS2 ID tokens: verifies the JWT, then picks the
 * active role, the {@code nhsid_nrbac_roles} entry whose {@code person_roleid} is the token's
 * {@code selected_roleid}. The principal is kept on the routing context, so a request is verified
 * once however many handlers ask.
 */
public final class Cis2Authenticator implements Authenticator {

  /** Where the authenticated principal is kept on the routing context. */
  public static final String PRINCIPAL = "shcr.access.principal";

  private final JwtVerifier verifier;

  public Cis2Authenticator(JwtVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public Future<Principal> authenticate(RoutingContext ctx) {
    Principal known = ctx.get(PRINCIPAL);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    String header = ctx.request().getHeader("Authorization");
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return refuse("send the CIS2 ID token as 'Authorization: Bearer <token>'");
    }
    return verifier.verify(header.substring(7).trim())
        .compose(Cis2Authenticator::principal)
        .onSuccess(principal -> ctx.put(PRINCIPAL, principal));
  }

  /** The active role's principal from verified claims. */
  static Future<Principal> principal(JsonObject claims) {
    if (!(claims.getValue("sub") instanceof String sub) || sub.isBlank()) {
      return refuse("the token has no subject ('sub')");
    }
    if (!(claims.getValue("selected_roleid") instanceof String selected) || selected.isBlank()) {
      return refuse("the token has no 'selected_roleid': the user must pick a role at CIS2 login (scope 'selectedrole')");
    }
    if (!(claims.getValue("nhsid_nrbac_roles") instanceof JsonArray roles) || roles.isEmpty()) {
      return refuse("the token has no 'nhsid_nrbac_roles' (scope 'nationalrbacaccess')");
    }
    JsonObject role = roles.stream()
        .filter(JsonObject.class::isInstance).map(JsonObject.class::cast)
        .filter(r -> selected.equals(r.getValue("person_roleid")))
        .findFirst().orElse(null);
    if (role == null) {
      return refuse("'selected_roleid' " + selected + " matches none of the token's nhsid_nrbac_roles");
    }
    String jobRole = jobRole(role.getValue("role_code"));
    if (jobRole == null) {
      return refuse("the selected role has no 'role_code' colon triple such as S8000:G8000:R8000");
    }
    if (!(role.getValue("org_code") instanceof String org) || org.isBlank()) {
      return refuse("the selected role has no 'org_code'");
    }
    String name = claims.getValue("name") instanceof String n ? n : "";
    String patient = claims.getValue("patient") instanceof String p ? NhsNumber.parse(p).map(NhsNumber::value).orElse(null) : null;
    return Future.succeededFuture(new Principal(sub, name, selected, jobRole, org, activityCodes(role), patient));
  }

  private static String jobRole(Object roleCode) {
    if (!(roleCode instanceof String code)) {
      return null;
    }
    String[] parts = code.split(":");
    String last = parts[parts.length - 1].trim();
    return last.isEmpty() ? null : last;
  }

  private static Set<String> activityCodes(JsonObject role) {
    Set<String> codes = new LinkedHashSet<>();
    Object value = role.getValue("activity_codes");
    if (value instanceof JsonArray array) {
      array.stream().filter(String.class::isInstance).map(String.class::cast).forEach(codes::add);
    }
    return Set.copyOf(codes);
  }

  private static <T> Future<T> refuse(String reason) {
    return Future.failedFuture(new AccessRefusedException(ApiError.unauthorised("Authentication failed: " + reason + ".")));
  }
}
