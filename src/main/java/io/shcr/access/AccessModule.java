package io.shcr.access;

import io.shcr.api.ApiRoutes;
import io.shcr.audit.AuditTrail;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Access control assembled from {@code access-policy.yaml} (and {@code sources.yaml}, through the
 * registry): the record API's {@link AccessGate}, the {@link Authenticator} other routes share, the
 * break-glass routes and the demo token minter. Built once at start-up; {@link #close()} releases its
 * HTTP clients.
 */
public final class AccessModule {

  private final AccessPolicy policy;
  private final WebClient client;
  private final SigningKeys keys;
  private final SpineClient spine;
  private final Cis2Authenticator authenticator;
  private final PolicyGate gate;
  private final BreakGlassRoutes routes;

  private AccessModule(AccessPolicy policy, WebClient client, SigningKeys keys, SpineClient spine, Cis2Authenticator authenticator,
      PolicyGate gate, BreakGlassRoutes routes) {
    this.policy = policy;
    this.client = client;
    this.keys = keys;
    this.spine = spine;
    this.authenticator = authenticator;
    this.gate = gate;
    this.routes = routes;
  }

  /**
   * Reads the policy from the configuration directory; throws a ConfigException naming every problem.
   * Demo-only keys and the inline hash secret are trusted only when {@code trustDemoKeys} (see
   * {@link DemoKeyTrust}).
   */
  public static AccessModule create(Vertx vertx, Path configDir, SourceRegistry sources, AuditTrail audit, boolean trustDemoKeys) {
    return create(vertx, AccessPolicyLoader.load(configDir), sources, audit, Clock.systemUTC(), trustDemoKeys);
  }

  /** As {@link #create(Vertx, Path, SourceRegistry, AuditTrail, boolean)}, never trusting demo keys. */
  public static AccessModule create(Vertx vertx, Path configDir, SourceRegistry sources, AuditTrail audit) {
    return create(vertx, configDir, sources, audit, false);
  }

  public static AccessModule create(Vertx vertx, AccessPolicy configured, SourceRegistry sources, AuditTrail audit, Clock clock,
      boolean trustDemoKeys) {
    AccessPolicy policy = DemoKeyTrust.apply(configured, trustDemoKeys);
    // For the JWKS fetches; Spine has its own connections, sized in access-policy.yaml (SpineClient).
    WebClient client = WebClient.create(vertx,
        new WebClientOptions().setUserAgent("shcr-access").setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(20).setMaxWaitQueueSize(1_000));
    SigningKeys keys = policy.auth().jwksUrl() != null
        ? new JwksSigningKeys(client, policy.auth().jwksUrl(), policy.auth().jwksRefreshSeconds() * 1000, policy.auth().jwksDeadlineMs())
        : StaticSigningKeys.fromFiles(policy.auth().publicKeys());
    Cis2Authenticator authenticator = new Cis2Authenticator(new JwtVerifier(keys, policy.auth(), clock));
    KeyedHash hash = new KeyedHash(policy.hashSecret());
    RoleViews roleViews = new RoleViews(policy.roleViews());
    BreakGlassGrants grants = new BreakGlassGrants(vertx, hash, clock);
    SpineClient spine = SpineClient.create(vertx, policy.spine());
    PolicyGate gate = new PolicyGate(authenticator, new Participation(sources, policy.participants()), roleViews,
        new PatientThrottle(vertx, hash, clock, policy.throttle()), grants, spine, policy.breakGlass());
    BreakGlassRoutes routes = new BreakGlassRoutes(authenticator, gate, roleViews, grants, audit, policy.breakGlass(), clock);
    return new AccessModule(configured, client, keys, spine, authenticator, gate, routes);
  }

  public AccessGate gate() {
    return gate;
  }

  public Authenticator authenticator() {
    return authenticator;
  }

  /** The break-glass route, to add to {@code Components.extraRoutes}. */
  public ApiRoutes routes() {
    return routes;
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
    client.close();
    spine.close();
  }
}
