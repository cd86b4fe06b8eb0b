package io.shcr.access;

import io.shcr.core.Section;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Mints CIS2-shaped ID tokens signed with the DEMO key in {@code conf/demo-keys/}, for {@code shcr demo},
 * {@code shcr token} and the tests. The demo key's private half is public, so these tokens prove
 * nothing outside a demo: a real deployment trusts its identity provider's JWKS and not this key.
 */
public final class DemoTokens {

  private final AccessPolicy policy;
  private final PrivateKey key;
  private final Clock clock;

  public DemoTokens(AccessPolicy policy, PrivateKey key, Clock clock) {
    this.policy = policy;
    this.key = key;
    this.clock = clock;
  }

  /** Reads the policy and the demo private key from a configuration directory. */
  public static DemoTokens load(java.nio.file.Path configDir) {
    return of(AccessPolicyLoader.load(configDir));
  }

  public static DemoTokens of(AccessPolicy policy) {
    if (policy.demo().privateKey() == null) {
      throw new IllegalStateException("access-policy.yaml has no demo.privateKey: demo tokens cannot be minted");
    }
    return new DemoTokens(policy, Pem.privateKey(policy.demo().privateKey()), Clock.systemUTC());
  }

  /**
   * What a token says about its user.
   *
   * @param patient an NHS number as SMART launch context, or null
   * @param lifetime how long the token is valid
   */
  public record Spec(String user, String name, String roleProfileId, String roleCode, String org, List<String> activityCodes,
      String patient, Duration lifetime) {

    public static Spec of(AccessPolicy.Persona p, Duration lifetime) {
      return new Spec(p.user(), p.name(), p.roleProfileId(), p.roleCode(), p.org(), p.activityCodes(), null, lifetime);
    }
  }

  public String mint(Spec spec) {
    long now = clock.instant().getEpochSecond();
    JsonObject role = new JsonObject()
        .put("person_roleid", spec.roleProfileId())
        .put("org_code", spec.org())
        .put("role_code", spec.roleCode())
        .put("activity_codes", new JsonArray(spec.activityCodes()));
    JsonObject claims = new JsonObject()
        .put("iss", policy.auth().issuer())
        .put("aud", policy.auth().audience())
        .put("sub", spec.user())
        .put("uid", spec.user())
        .put("name", spec.name())
        .put("iat", now)
        .put("nbf", now)
        .put("exp", now + spec.lifetime().toSeconds())
        .put("jti", UUID.randomUUID().toString())
        .put("idassurancelevel", "3")
        .put("nhsid_nrbac_roles", new JsonArray().add(role))
        .put("nhsid_user_orgs", new JsonArray().add(new JsonObject().put("org_code", spec.org())))
        .put("selected_roleid", spec.roleProfileId());
    if (spec.patient() != null) {
      claims.put("patient", spec.patient());
    }
    return JwtSigner.sign(claims, policy.demo().kid(), key);
  }

  public String persona(String id) {
    AccessPolicy.Persona persona = policy.demo().persona(id)
        .orElseThrow(() -> new IllegalArgumentException("no demo persona '" + id + "'; known: " + personaIds()));
    return mint(Spec.of(persona, defaultLifetime()));
  }

  /** A fresh token for every demo persona, by persona id, in configuration order. */
  public Map<String, String> personaTokens() {
    Map<String, String> tokens = new LinkedHashMap<>();
    policy.demo().personas().forEach(p -> tokens.put(p.id(), mint(Spec.of(p, defaultLifetime()))));
    return tokens;
  }

  /** Prints each persona, what it should see, its token and a curl command to try, for the demo. */
  public void print(PrintStream out, String baseUrl, String exampleNhsNumber) {
    out.println("DEMO TOKENS: signed with the demo key in conf/demo-keys (public, demo only). Valid "
        + defaultLifetime().toMinutes() + " minutes.");
    for (AccessPolicy.Persona p : policy.demo().personas()) {
      String jobRole = p.roleCode().substring(p.roleCode().lastIndexOf(':') + 1);
      out.println();
      out.println("# " + p.id() + ": " + p.description() + " (" + p.name() + ", " + jobRole + " at " + p.org() + ")");
      out.println("#   sees: " + sees(jobRole));
      out.println("export TOKEN_" + p.id().toUpperCase().replace('-', '_') + "=" + mint(Spec.of(p, defaultLifetime())));
      out.println("curl -N -H 'Accept: text/event-stream' -H \"Authorization: Bearer $TOKEN_" + p.id().toUpperCase().replace('-', '_') + "\" "
          + baseUrl + "/api/v1/patients/" + exampleNhsNumber + "/record");
    }
  }

  private String sees(String jobRole) {
    AccessPolicy.RoleView view = policy.roleViews().get(jobRole);
    if (view == null || view.sections().isEmpty()) {
      return "no record" + (view != null && view.note() != null ? " (" + view.note() + ")" : "");
    }
    return view.sections().stream().sorted().map(Section::wireName).collect(Collectors.joining(", "));
  }

  public Duration defaultLifetime() {
    return Duration.ofMinutes(policy.demo().lifetimeMinutes());
  }

  public List<String> personaIds() {
    return policy.demo().personas().stream().map(AccessPolicy.Persona::id).toList();
  }

  public AccessPolicy policy() {
    return policy;
  }
}
