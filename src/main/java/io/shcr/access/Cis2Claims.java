package io.shcr.access;

import io.shcr.core.Principal;
import io.shcr.access.token.InvalidTokenException;
import io.shcr.access.token.TokenProblem;
import io.shcr.nhs.NhsNumber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The NHS CIS2 claims of a verified ID token, read into the active role's {@link Principal}: the user
 * ({@code sub}), how strongly they were identified ({@code idassurancelevel}, at least the configured level),
 * the role they picked at login ({@code selected_roleid}, exactly one {@code nhsid_nrbac_roles} entry, with a
 * colon-triple {@code role_code} and an ODS {@code org_code}), and that this organisation is one of the user's
 * own ({@code nhsid_user_orgs}). Anything missing, ambiguous or of the wrong shape refuses the token.
 */
final class Cis2Claims {

  private static final Pattern CODE = Pattern.compile("[A-Za-z0-9]{1,16}");
  private static final Pattern ROLE_CODE = Pattern.compile("[A-Za-z0-9]{1,16}:[A-Za-z0-9]{1,16}:([A-Za-z0-9]{1,16})");
  private static final Pattern ASSURANCE = Pattern.compile("[0-9]{1,2}");
  private static final int TEXT_MAX = 256;

  private final int minimumAssuranceLevel;

  Cis2Claims(int minimumAssuranceLevel) {
    this.minimumAssuranceLevel = minimumAssuranceLevel;
  }

  Principal principal(JsonObject claims) {
    String sub = text(claims.getValue("sub"));
    if (sub == null) {
      throw refuse(claims.containsKey("sub") ? TokenProblem.MALFORMED_CLAIM : TokenProblem.MISSING_CLAIM,
          "the token has no subject ('sub') that is a non-blank string");
    }
    assurance(claims);
    JsonObject role = activeRole(claims);
    String jobRole = jobRole(role.getValue("role_code"));
    String org = role.getValue("org_code") instanceof String o && CODE.matcher(o).matches() ? o : null;
    if (org == null) {
      throw refuse(TokenProblem.ROLE_MALFORMED, "the selected role has no 'org_code' that is an ODS code");
    }
    organisationIsUsers(claims, org);
    String name = claims.getValue("name") instanceof String n ? n : "";
    String patient = claims.getValue("patient") instanceof String p ? NhsNumber.parse(p).map(NhsNumber::value).orElse(null) : null;
    return new Principal(sub, name, (String) role.getValue("person_roleid"), jobRole, org, activityCodes(role), patient,
        text(claims.getValue("given_name")), text(claims.getValue("family_name")), null);
  }

  private void assurance(JsonObject claims) {
    Object value = claims.getValue("idassurancelevel");
    if (value == null) {
      throw refuse(TokenProblem.ASSURANCE_TOO_LOW, "the token has no 'idassurancelevel'; CIS2 must identify the user at level "
          + minimumAssuranceLevel + " or above (smartcard or equivalent)");
    }
    int level;
    if (value instanceof String s && ASSURANCE.matcher(s).matches()) {
      level = Integer.parseInt(s);
    } else if ((value instanceof Integer || value instanceof Long) && ((Number) value).longValue() >= 0 && ((Number) value).longValue() < 100) {
      level = ((Number) value).intValue();
    } else {
      throw refuse(TokenProblem.MALFORMED_CLAIM, "'idassurancelevel' is not a level (a small whole number such as \"3\")");
    }
    if (level < minimumAssuranceLevel) {
      throw refuse(TokenProblem.ASSURANCE_TOO_LOW, "the user was identified at assurance level " + level + "; level "
          + minimumAssuranceLevel + " or above (smartcard or equivalent) is required");
    }
  }

  private static JsonObject activeRole(JsonObject claims) {
    String selected = text(claims.getValue("selected_roleid"));
    if (selected == null) {
      throw refuse(TokenProblem.NO_ACTIVE_ROLE,
          "the token has no 'selected_roleid': the user must pick a role at CIS2 login (scope 'selectedrole')");
    }
    if (!(claims.getValue("nhsid_nrbac_roles") instanceof JsonArray roles) || roles.isEmpty()) {
      throw refuse(TokenProblem.NO_ACTIVE_ROLE, "the token has no 'nhsid_nrbac_roles' (scope 'nationalrbacaccess')");
    }
    List<JsonObject> matching = new ArrayList<>();
    for (Object entry : roles) {
      if (!(entry instanceof JsonObject role)) {
        throw refuse(TokenProblem.ROLE_MALFORMED, "'nhsid_nrbac_roles' must be a list of role objects");
      }
      if (selected.equals(role.getValue("person_roleid"))) {
        matching.add(role);
      }
    }
    if (matching.isEmpty()) {
      throw refuse(TokenProblem.NO_ACTIVE_ROLE, "'selected_roleid' " + InvalidTokenException.shown(selected)
          + " matches none of the token's nhsid_nrbac_roles");
    }
    if (matching.size() > 1) {
      throw refuse(TokenProblem.ROLE_MALFORMED, "'selected_roleid' matches more than one of the token's nhsid_nrbac_roles");
    }
    return matching.get(0);
  }

  private static String jobRole(Object roleCode) {
    var match = roleCode instanceof String code ? ROLE_CODE.matcher(code) : null;
    if (match == null || !match.matches()) {
      throw refuse(TokenProblem.ROLE_MALFORMED, "the selected role has no 'role_code' colon triple such as S8000:G8000:R8000");
    }
    return match.group(1);
  }

  private static void organisationIsUsers(JsonObject claims, String org) {
    if (!(claims.getValue("nhsid_user_orgs") instanceof JsonArray orgs)) {
      throw refuse(TokenProblem.MISSING_CLAIM, "the token has no 'nhsid_user_orgs' (scope 'associatedorgs')");
    }
    boolean found = false;
    for (Object entry : orgs) {
      if (!(entry instanceof JsonObject o)) {
        throw refuse(TokenProblem.MALFORMED_CLAIM, "'nhsid_user_orgs' must be a list of organisation objects");
      }
      found |= org.equals(o.getValue("org_code"));
    }
    if (!found) {
      throw refuse(TokenProblem.ORGANISATION_NOT_USERS, "the selected role's organisation " + org
          + " is not among the user's organisations ('nhsid_user_orgs')");
    }
  }

  private static Set<String> activityCodes(JsonObject role) {
    Object value = role.getValue("activity_codes");
    if (value == null) {
      return Set.of();
    }
    Set<String> codes = new LinkedHashSet<>();
    if (value instanceof JsonArray array) {
      for (Object code : array) {
        if (!(code instanceof String c) || !CODE.matcher(c).matches()) {
          throw refuse(TokenProblem.ROLE_MALFORMED, "the selected role's 'activity_codes' must be a list of codes such as B0370");
        }
        codes.add(c);
      }
      return Set.copyOf(codes);
    }
    throw refuse(TokenProblem.ROLE_MALFORMED, "the selected role's 'activity_codes' must be a list of codes such as B0370");
  }

  /** A non-blank string of printable characters, bounded in length; null otherwise. */
  private static String text(Object value) {
    if (!(value instanceof String s) || s.isBlank() || s.length() > TEXT_MAX || s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return null;
    }
    return s;
  }

  private static InvalidTokenException refuse(TokenProblem problem, String detail) {
    return new InvalidTokenException(problem, detail);
  }
}
