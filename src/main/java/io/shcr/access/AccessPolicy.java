package io.shcr.access;

import io.shcr.tls.TlsSettings;

import io.shcr.core.Principal;
import io.shcr.core.Section;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything {@code access-policy.yaml} says, typed and validated once at start-up by
 * {@link AccessPolicyLoader}: how tokens are checked, who participates, what each job role sees, how
 * break-glass, the Spine lookups and throttling behave, and the demo personas. {@code hashSecretInline}
 * says the keyed-hash secret came from the file (demo fallback) rather than the environment.
 */
public record AccessPolicy(
    Auth auth,
    List<Participant> participants,
    Map<String, RoleView> roleViews,
    BreakGlass breakGlass,
    Spine spine,
    Throttle throttle,
    byte[] hashSecret,
    boolean hashSecretInline,
    Demo demo) {

  /**
   * @param issuer the expected {@code iss}
   * @param audience our client id: the expected {@code aud} (a string, or one member of an array), and the
   *     {@code azp} required when {@code aud} names several audiences
   * @param clockSkewSeconds tolerance on {@code exp}, {@code nbf} and {@code iat}
   * @param minimumAssuranceLevel the lowest {@code idassurancelevel} accepted (CIS2 smartcard: 3)
   * @param maxLifetimeMinutes the longest {@code exp - iat} accepted
   * @param maxTokenLength the longest bearer token accepted, in characters
   * @param jwksUrl the identity provider's JWKS, or null when static keys are used
   * @param jwksRefreshSeconds how long a fetched JWKS is used before it is fetched again
   * @param jwksDeadlineMs the deadline of one JWKS fetch, and the longest a request waits for keys
   * @param jwksOutageToleranceSeconds how long the last good JWKS stays trusted while the JWKS cannot be
   *     fetched (0: not at all)
   * @param publicKeys static PEM public keys, by {@code kid}
   */
  public record Auth(
      String issuer,
      String audience,
      long clockSkewSeconds,
      int minimumAssuranceLevel,
      long maxLifetimeMinutes,
      int maxTokenLength,
      String jwksUrl,
      long jwksRefreshSeconds,
      long jwksDeadlineMs,
      long jwksOutageToleranceSeconds,
      List<KeyFile> publicKeys) {

    /** The same settings trusting these static keys instead. */
    public Auth withPublicKeys(List<KeyFile> keys) {
      return new Auth(issuer, audience, clockSkewSeconds, minimumAssuranceLevel, maxLifetimeMinutes, maxTokenLength, jwksUrl,
          jwksRefreshSeconds, jwksDeadlineMs, jwksOutageToleranceSeconds, List.copyOf(keys));
    }

    /** How the registered claims of a token are judged. */
    public io.shcr.access.token.TokenRules tokenRules() {
      return new io.shcr.access.token.TokenRules(issuer, audience, clockSkewSeconds, maxLifetimeMinutes * 60, maxTokenLength);
    }
  }

  /**
   * A static public key; {@code demoOnly} marks a key whose private half is public (the demo key), trusted
   * only by {@code demo} or {@code serve --trust-demo-key}.
   */
  public record KeyFile(String kid, Path file, boolean demoOnly) {}

  /** An organisation under the information sharing agreement that is not (or not only) a source. */
  public record Participant(String ods, String name, boolean live) {}

  /**
   * @param name the role's display name
   * @param sections what it may see; empty for none
   * @param note why it sees nothing, when it does not
   */
  public record RoleView(String name, Set<Section> sections, String note) {}

  /**
   * @param roles job roles that may break glass for any reason
   * @param activityCode the national RBAC activity (B0168, Emergency access) that lets any role with a record
   *     view break glass
   */
  public record BreakGlass(long windowMs, int justificationMinLength, int justificationMaxLength, List<Reason> reasons,
      Set<String> roles, String activityCode) {

    public Optional<Reason> reason(String code) {
      return reasons.stream().filter(r -> r.code().equals(code)).findFirst();
    }

    public boolean overridesObjection(String code) {
      return code != null && reason(code).map(Reason::overridesObjection).orElse(false);
    }

    /** Whether this principal may break glass for this (known) reason. */
    public boolean permits(Principal principal, Reason reason) {
      return roles.contains(principal.jobRole())
          || principal.activityCodes().contains(activityCode)
          || reason.alsoRoles().contains(principal.jobRole());
    }
  }

  /** A break-glass reason; {@code alsoRoles} may break glass for this reason only (social workers for safeguarding). */
  public record Reason(String code, String display, boolean overridesObjection, Set<String> alsoRoles) {}

  /**
   * The Spine-like services and how this node talks to them.
   *
   * @param consent the consent (objection) search
   * @param pds the PDS-style Patient read
   * @param maxConnections connections this node holds to each of the two services at most
   * @param maxWaitQueue lookups waiting for one of those connections; beyond that a lookup fails closed at once
   * @param maxResponseBytes the largest answer read (counted while reading)
   * @param breaker when to stop asking a service that keeps failing, and when to try again
   * @param probeCacheMs how long readiness reuses its last probe of the services
   * @param answerCacheMs how long a definite answer (objected or not, restricted or not) is reused for the same
   *     patient ({@link RecentSpineAnswers}); 0: every request asks
   * @param tls how both services are spoken to over TLS (client certificate, trust, versions, ciphers)
   */
  public record Spine(Endpoint consent, Endpoint pds, int maxConnections, int maxWaitQueue, long maxResponseBytes,
      SpineBreaker breaker, long probeCacheMs, long answerCacheMs, TlsSettings tls) {

    /** The default TLS settings (no client certificate, the JVM's trust). */
    public Spine(Endpoint consent, Endpoint pds, int maxConnections, int maxWaitQueue, long maxResponseBytes,
        SpineBreaker breaker, long probeCacheMs, long answerCacheMs) {
      this(consent, pds, maxConnections, maxWaitQueue, maxResponseBytes, breaker, probeCacheMs, answerCacheMs, TlsSettings.DEFAULT);
    }

    /** Every request asks Spine (no answer reused). */
    public Spine(Endpoint consent, Endpoint pds, int maxConnections, int maxWaitQueue, long maxResponseBytes,
        SpineBreaker breaker, long probeCacheMs) {
      this(consent, pds, maxConnections, maxWaitQueue, maxResponseBytes, breaker, probeCacheMs, 0);
    }

    public static final int DEFAULT_MAX_CONNECTIONS = 32;
    public static final int DEFAULT_MAX_WAIT_QUEUE = 500;
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 1 << 20;
    public static final long DEFAULT_PROBE_CACHE_MS = 5_000;

    /** The two services with the default pool, queue, size cap, breaker and probe cache. */
    public Spine(Endpoint consent, Endpoint pds) {
      this(consent, pds, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_WAIT_QUEUE, DEFAULT_MAX_RESPONSE_BYTES, SpineBreaker.DEFAULT,
          DEFAULT_PROBE_CACHE_MS);
    }
  }

  /**
   * @param failureThreshold failed lookups within 10 s that open the breaker (lookups then fail closed at once)
   * @param resetMs how long it stays open before one lookup is let through to try (half-open)
   */
  public record SpineBreaker(int failureThreshold, long resetMs) {
    public static final SpineBreaker DEFAULT = new SpineBreaker(10, 5_000);
  }

  public record Endpoint(String baseUrl, long deadlineMs) {}

  public record Throttle(long windowMs, int perUser, int perOrganisation) {}

  /**
   * @param privateKey the demo signing key (PKCS#8 PEM), or null when no demo is configured
   * @param kid the key id put in minted tokens' headers
   * @param lifetimeMinutes default token lifetime
   * @param personas ready-made users for the demo
   */
  public record Demo(Path privateKey, String kid, long lifetimeMinutes, List<Persona> personas) {

    public Optional<Persona> persona(String id) {
      return personas.stream().filter(p -> p.id().equals(id)).findFirst();
    }
  }

  /** A demo user with one role; {@code roleCode} is the CIS2 colon triple ending in the job role. */
  public record Persona(
      String id,
      String description,
      String user,
      String name,
      String roleProfileId,
      String roleCode,
      String org,
      List<String> activityCodes) {}
}
