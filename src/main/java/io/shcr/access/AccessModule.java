package io.shcr.access;

import io.shcr.core.Principal;
import io.vertx.core.Future;

import io.shcr.access.token.JwksSigningKeys;
import io.shcr.access.token.JwtVerifier;
import io.shcr.access.token.SigningKeys;
import io.shcr.access.token.StaticSigningKeys;
import io.shcr.audit.AuditTrail;
import io.shcr.config.ConfigException;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access control assembled from {@code access-policy.yaml} (and {@code sources.yaml}, through the
 * registry): the record API's {@link AccessGate}, the {@link Authenticator} other routes share, the
 * break-glass routes and the demo token minter. Built once at start-up; {@link #close()} releases its
 * HTTP clients.
 */
public final class AccessModule {

  private static final Logger LOG = LoggerFactory.getLogger(AccessModule.class);

  private final AccessPolicy policy;
  private final WebClient client;
  private final SigningKeys keys;
  private final SpineClient spine;
  private final Cis2Authenticator authenticator;
  private final PolicyGate gate;
  private final BreakGlassServices breakGlass;

  private AccessModule(AccessPolicy policy, WebClient client, SigningKeys keys, SpineClient spine, Cis2Authenticator authenticator,
      PolicyGate gate, BreakGlassServices breakGlass) {
    this.policy = policy;
    this.client = client;
    this.keys = keys;
    this.spine = spine;
    this.authenticator = authenticator;
    this.gate = gate;
    this.breakGlass = breakGlass;
  }

  /**
   * Reads the policy from the configuration directory; throws a ConfigException naming every problem.
   * Demo-only keys and the inline hash secret are trusted only when {@code trustDemoKeys} (see
   * {@link DemoKeyTrust}).
   */
  public static AccessModule create(Vertx vertx, Path configDir, SourceRegistry sources, AuditTrail audit, boolean trustDemoKeys) {
    return create(vertx, configDir, sources, audit, trustDemoKeys, SharedState.processLocal());
  }

  /** As above, with the shared state of a cluster node ({@code ClusterRuntime.sharedState}) or of a single node. */
  public static AccessModule create(Vertx vertx, Path configDir, SourceRegistry sources, AuditTrail audit, boolean trustDemoKeys,
      SharedState shared) {
    return create(vertx, configDir, sources, audit, trustDemoKeys, shared, 0);
  }

  /** As above, Spine's queues covering {@code viewCap} record views at once. */
  public static AccessModule create(Vertx vertx, Path configDir, SourceRegistry sources, AuditTrail audit, boolean trustDemoKeys,
      SharedState shared, int viewCap) {
    return create(vertx, AccessPolicyLoader.load(configDir), sources, audit, Clock.systemUTC(), trustDemoKeys, shared, viewCap);
  }

  /** As {@link #create(Vertx, Path, SourceRegistry, AuditTrail, boolean)}, never trusting demo keys. */
  public static AccessModule create(Vertx vertx, Path configDir, SourceRegistry sources, AuditTrail audit) {
    return create(vertx, configDir, sources, audit, false);
  }

  public static AccessModule create(Vertx vertx, AccessPolicy configured, SourceRegistry sources, AuditTrail audit, Clock clock,
      boolean trustDemoKeys) {
    return create(vertx, configured, sources, audit, clock, trustDemoKeys, SharedState.processLocal());
  }

  public static AccessModule create(Vertx vertx, AccessPolicy configured, SourceRegistry sources, AuditTrail audit, Clock clock,
      boolean trustDemoKeys, SharedState shared) {
    return create(vertx, configured, sources, audit, clock, trustDemoKeys, shared, 0);
  }

  /**
   * As above, Spine's wait queues covering {@code viewCap} record views at once (the node's admission
   * cap, {@code service.yaml} {@code admission.maxViews}; see {@link SpineClient#create(Vertx, AccessPolicy.Spine, int)}).
   */
  public static AccessModule create(Vertx vertx, AccessPolicy configured, SourceRegistry sources, AuditTrail audit, Clock clock,
      boolean trustDemoKeys, SharedState shared, int viewCap) {
    if (vertx.isClustered() && !shared.clustered()) {
      throw new IllegalStateException("a clustered node needs the cluster's shared-state seal (ClusterRuntime.sharedState)");
    }
    if (shared.seal().usesSecret(configured.hashSecret())) {
      throw new ConfigException("cluster.yaml: the shared-state secret must not be the keyed-hash secret of access-policy.yaml");
    }
    AccessPolicy policy = DemoKeyTrust.apply(configured, trustDemoKeys);
    // For the JWKS fetches; Spine has its own connections, sized in access-policy.yaml (SpineClient).
    WebClient client = WebClient.create(vertx,
        new WebClientOptions().setUserAgent("shcr-access").setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(20).setMaxWaitQueueSize(1_000));
    SigningKeys keys = signingKeys(vertx, policy.auth());
    Cis2Authenticator authenticator = new Cis2Authenticator(new JwtVerifier(keys, policy.auth().tokenRules(), clock),
        policy.auth().minimumAssuranceLevel());
    KeyedHash hash = new KeyedHash(policy.hashSecret());
    RoleViews roleViews = new RoleViews(policy.roleViews());
    SpineClient spine = SpineClient.create(vertx, policy.spine(), viewCap);
    IntegrityAlarm alarm = new IntegrityAlarm(audit, clock);
    BreakGlassGrants grants = new BreakGlassGrants(vertx, hash, shared.seal(), alarm, clock);
    PatientThrottle throttle = new PatientThrottle(vertx, hash, shared.seal(), alarm, clock, policy.throttle());
    grants.watch(shared.watch());
    throttle.watch(shared.watch());
    PolicyGate gate = new PolicyGate(new Participation(sources, policy.participants()), roleViews, throttle, grants,
        RecentSpineAnswers.of(spine, policy.spine().answerCacheMs()), policy.breakGlass());
    BreakGlassServices breakGlass = new BreakGlassServices(authenticator, gate, roleViews, grants, audit, policy.breakGlass(), clock);
    return new AccessModule(configured, client, keys, spine, authenticator, gate, breakGlass);
  }

  /** The identity provider's JWKS when configured, else the static keys (a demo-only key with a loud warning). */
  private static SigningKeys signingKeys(Vertx vertx, AccessPolicy.Auth auth) {
    if (auth.jwksUrl() != null) {
      try {
        return JwksSigningKeys.create(vertx, new java.net.URI(auth.jwksUrl()).toURL(), new JwksSigningKeys.Settings(
            auth.jwksRefreshSeconds() * 1000, auth.jwksDeadlineMs(), auth.jwksOutageToleranceSeconds() * 1000));
      } catch (java.net.URISyntaxException | java.net.MalformedURLException e) {
        throw new IllegalArgumentException("authentication.jwksUrl is not a URL: " + auth.jwksUrl(), e);
      }
    }
    for (AccessPolicy.KeyFile file : auth.publicKeys()) {
      if (file.demoOnly()) {
        LOG.warn("TRUSTING THE DEMO SIGNING KEY {} ({}): its private half is public, so anyone can mint accepted tokens. "
            + "Never use it in a real deployment.", file.kid(), file.file());
      }
    }
    return new StaticSigningKeys(auth.publicKeys().stream()
        .map(f -> StaticSigningKeys.signingKey(f.kid(), Pem.publicKey(f.file()))).toList());
  }

  public AccessGate gate() {
    return gate;
  }

  public Authenticator authenticator() {
    return authenticator;
  }

  /** Verifies an ID token as a bearer token is verified (the viewer's sign-in), giving its active role. */
  public Future<Principal> verifyIdToken(String idToken) {
    return authenticator.authenticate(java.util.List.of("Bearer " + idToken));
  }

  /** What the break-glass route needs (the api package mounts it, here and behind the viewer's session guard). */
  public BreakGlassServices breakGlass() {
    return breakGlass;
  }

  /** The demo token minter (demo key only); throws when the policy configures no demo key. */
  public DemoTokens demoTokens() {
    return DemoTokens.of(policy);
  }

  public AccessPolicy policy() {
    return policy;
  }

  /** The keys tokens are verified with (readiness asks whether any are current). */
  public SigningKeys signingKeys() {
    return keys;
  }

  /** The Spine lookups (readiness probes them). */
  public SpineClient spine() {
    return spine;
  }

  public void close() {
    keys.close();
    client.close();
    spine.close();
  }
}
