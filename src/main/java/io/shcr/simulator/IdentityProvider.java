package io.shcr.simulator;

import io.shcr.access.AccessPolicy;
import io.shcr.access.JwtSigner;
import io.shcr.access.Pem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo's stand-in for NHS CIS2: an OpenID Connect provider for one confidential client (the
 * viewer), whose users are the demo personas of {@code access-policy.yaml} (personas sharing a
 * {@code user} are one person's roles). It issues single-use authorization codes bound to the client,
 * redirect URI and PKCE S256 challenge, and ID tokens in CIS2's shape signed with the demo key the
 * service trusts in the demo. The demo key's private half is public: this proves nothing outside a demo.
 */
public final class IdentityProvider {

  /** How long an authorization code may wait for the token call. */
  static final long CODE_LIFETIME_MS = 60_000;

  /**
   * The one client it serves.
   *
   * @param clientId the client id (the service's token audience)
   * @param clientSecret the shared secret the client authenticates with at the token endpoint
   * @param redirectUris the only places codes are sent
   */
  public record Client(String clientId, String clientSecret, List<String> redirectUris) {

    /** The {@code identityProvider} section of {@code simulator.yaml}, or empty when there is none. */
    public static Optional<Client> load(java.nio.file.Path configDir) {
      JsonObject root = io.shcr.config.YamlFiles.readOptional(configDir.resolve(SimulatorConfig.FILE));
      if (root.getJsonObject("identityProvider") == null) {
        return Optional.empty();
      }
      List<String> problems = new ArrayList<>();
      io.shcr.config.Fields f = new io.shcr.config.Fields(root.getJsonObject("identityProvider"), "simulator.yaml: identityProvider", problems);
      Client client = new Client(f.requiredString("clientId"), f.requiredString("clientSecret"), f.stringList("redirectUris", true));
      if (!problems.isEmpty()) {
        throw new io.shcr.config.ConfigException(String.join("; ", problems));
      }
      return Optional.of(client);
    }

    /** The same client, also allowed to receive codes at {@code redirectUri} (a service on a port found at start-up). */
    public Client withRedirectUri(String redirectUri) {
      List<String> all = new ArrayList<>(redirectUris);
      if (!all.contains(redirectUri)) {
        all.add(redirectUri);
      }
      return new Client(clientId, clientSecret, List.copyOf(all));
    }
  }

  /** One person: a user id, a name and each role they may act in (a persona each). */
  public record User(String id, String name, List<AccessPolicy.Persona> roles) {}

  /** What a code was issued for, checked again at the token endpoint. */
  record Grant(String clientId, String redirectUri, String challenge, String nonce, AccessPolicy.Persona role, long expiresAt) {}

  private final AccessPolicy policy;
  private final PrivateKey key;
  private final ECPublicKey publicKey;
  private final Client client;
  private final Clock clock;
  private final Map<String, User> users;
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  public IdentityProvider(AccessPolicy policy, Client client, Clock clock) {
    if (policy.demo().privateKey() == null) {
      throw new IllegalStateException("access-policy.yaml has no demo.privateKey: the simulated identity provider cannot sign");
    }
    this.policy = policy;
    this.key = Pem.privateKey(policy.demo().privateKey());
    java.nio.file.Path publicKeyFile = policy.auth().publicKeys().stream().filter(k -> k.kid().equals(policy.demo().kid())).findFirst()
        .map(AccessPolicy.KeyFile::file).orElseThrow(() -> new IllegalStateException("no public key with the demo kid"));
    this.publicKey = (ECPublicKey) Pem.publicKey(publicKeyFile);
    this.client = client;
    this.clock = clock;
    Map<String, User> byUser = new LinkedHashMap<>();
    for (AccessPolicy.Persona p : policy.demo().personas()) {
      User known = byUser.get(p.user());
      List<AccessPolicy.Persona> roles = new ArrayList<>(known == null ? List.of() : known.roles());
      roles.add(p);
      byUser.put(p.user(), new User(p.user(), p.name(), List.copyOf(roles)));
    }
    this.users = byUser;
  }

  public Client client() {
    return client;
  }

  public String issuer() {
    return policy.auth().issuer();
  }

  public List<User> users() {
    return List.copyOf(users.values());
  }

  /** The person a login hint names: a persona id (that role chosen) or a user id. */
  Optional<User> userByHint(String hint) {
    if (hint == null) {
      return Optional.empty();
    }
    return policy.demo().persona(hint).map(p -> users.get(p.user())).or(() -> Optional.ofNullable(users.get(hint)));
  }

  Optional<AccessPolicy.Persona> role(String roleProfileId) {
    return policy.demo().personas().stream().filter(p -> p.roleProfileId().equals(roleProfileId)).findFirst();
  }

  /** A fresh single-use code for this role, bound to the client's request. */
  String issueCode(String redirectUri, String challenge, String nonce, AccessPolicy.Persona role) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    codes.values().removeIf(g -> g.expiresAt() < clock.millis());
    codes.put(code, new Grant(client.clientId(), redirectUri, challenge, nonce, role, clock.millis() + CODE_LIFETIME_MS));
    return code;
  }

  /**
   * Redeems a code (once, whatever happens): the ID token, or empty when the code is unknown, used,
   * expired, or was issued for another redirect URI or PKCE challenge.
   */
  Optional<String> redeem(String code, String redirectUri, String verifier) {
    Grant grant = code == null ? null : codes.remove(code);
    if (grant == null || grant.expiresAt() < clock.millis() || !grant.redirectUri().equals(redirectUri)
        || verifier == null || !grant.challenge().equals(s256(verifier))) {
      return Optional.empty();
    }
    return Optional.of(idToken(grant.role(), grant.nonce()));
  }

  /** An ID token in CIS2's shape: every role of the user, the chosen one as {@code selected_roleid}. */
  String idToken(AccessPolicy.Persona selected, String nonce) {
    User user = users.get(selected.user());
    long now = clock.instant().getEpochSecond();
    JsonArray roles = new JsonArray();
    JsonArray orgs = new JsonArray();
    List<String> seenOrgs = new ArrayList<>();
    for (AccessPolicy.Persona role : user.roles()) {
      roles.add(new JsonObject()
          .put("person_roleid", role.roleProfileId())
          .put("org_code", role.org())
          .put("role_code", role.roleCode())
          .put("role_name", roleName(role.roleCode()))
          .put("activity_codes", new JsonArray(role.activityCodes())));
      if (!seenOrgs.contains(role.org())) {
        seenOrgs.add(role.org());
        orgs.add(new JsonObject().put("org_code", role.org()));
      }
    }
    JsonObject claims = new JsonObject()
        .put("iss", issuer())
        .put("aud", client.clientId())
        .put("sub", user.id())
        .put("uid", user.id())
        .put("nhsid_useruid", user.id())
        .put("name", user.name())
        .put("iat", now)
        .put("nbf", now)
        .put("exp", now + policy.demo().lifetimeMinutes() * 60)
        .put("jti", UUID.randomUUID().toString())
        .put("nonce", nonce)
        .put("idassurancelevel", "3")
        .put("nhsid_nrbac_roles", roles)
        .put("nhsid_user_orgs", orgs)
        .put("selected_roleid", selected.roleProfileId());
    return JwtSigner.sign(claims, policy.demo().kid(), key);
  }

  /** The national RBAC name of a job role, as CIS2 gives it in {@code role_name}. */
  private static String roleName(String roleCode) {
    String jobRole = roleCode.substring(roleCode.lastIndexOf(':') + 1);
    return switch (jobRole) {
      case "R8000" -> "Clinical Practitioner Access Role";
      case "R8001" -> "Nurse Access Role";
      case "R8003" -> "Health Professional Access Role";
      case "R8008" -> "Admin/Clinical Support Access Role";
      case "R8009" -> "Receptionist Access Role";
      case "R8014" -> "Social Worker Access Role";
      case "R0001" -> "Privacy Officer Access Role";
      default -> jobRole;
    };
  }

  /** The signing key as a JWKS (the same demo key the service's static key list names). */
  JsonObject jwks() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return new JsonObject().put("keys", new JsonArray().add(new JsonObject()
        .put("kty", "EC").put("crv", "P-256").put("use", "sig").put("alg", "ES256").put("kid", policy.demo().kid())
        .put("x", b64.encodeToString(unsigned(publicKey.getW().getAffineX().toByteArray())))
        .put("y", b64.encodeToString(unsigned(publicKey.getW().getAffineY().toByteArray())))));
  }

  private static byte[] unsigned(byte[] twosComplement) {
    byte[] out = new byte[32];
    int copy = Math.min(32, twosComplement.length);
    System.arraycopy(twosComplement, twosComplement.length - copy, out, 32 - copy, copy);
    return out;
  }

  static String s256(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
