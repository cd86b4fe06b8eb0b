package io.shcr.viewer;

import io.shcr.access.AccessPolicy;
import io.shcr.core.Principal;
import io.shcr.access.SharedValueSeal;
import io.shcr.api.ApiRoutes;
import io.shcr.audit.AuditTrail;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.function.Function;

/**
 * The clinician viewer, a backend for frontend: assembled once at start-up from {@code viewer.yaml},
 * the access module's token verification and break-glass handler, the audit trail and the
 * cluster-shared state's seal. {@link #routes()} goes into the server's extra routes.
 */
public final class ViewerModule {

  private final ViewerConfig config;
  private final boolean demo;
  private final ViewerSessions sessions;
  private final Cookies cookies;
  private final ViewerAudit audit;
  private final Function<String, Future<Principal>> idTokens;
  private final OidcClient oidc;
  private final SignIn signIn;
  private final Handler<RoutingContext> breakGlass;
  private final AccessPolicy.BreakGlass breakGlassSettings;

  /**
   * @param idTokens verifies an ID token exactly as a bearer token is verified, giving its active role
   * @param breakGlass the break-glass API's handler (run after the guard), or null for none
   * @param demo whether the demo's deep link ({@code ?persona=}) is honoured: {@code shcr demo} only
   */
  public ViewerModule(Vertx vertx, ViewerConfig config, Function<String, Future<Principal>> idTokens, AuditTrail trail,
      SharedValueSeal seal, SourceRegistry sources, Handler<RoutingContext> breakGlass, AccessPolicy.BreakGlass breakGlassSettings,
      boolean demo, Clock clock) {
    this.config = config;
    this.demo = demo;
    this.idTokens = idTokens;
    this.sessions = new ViewerSessions(vertx, seal, config.idleTimeoutSeconds() * 1000, clock);
    this.cookies = new Cookies(config.secureCookies());
    this.audit = new ViewerAudit(trail, clock);
    this.oidc = new OidcClient(vertx, config);
    this.signIn = new SignIn(vertx, config, oidc, idTokens, sessions, seal, cookies, audit, sources, demo, clock);
    this.breakGlass = breakGlass;
    this.breakGlassSettings = breakGlassSettings;
  }

  public ApiRoutes routes() {
    return new ViewerRoutes(this);
  }

  public void close() {
    oidc.close();
  }

  ViewerConfig config() {
    return config;
  }

  boolean demo() {
    return demo;
  }

  SignIn signIn() {
    return signIn;
  }

  Handler<RoutingContext> breakGlass() {
    return breakGlass;
  }

  AccessPolicy.BreakGlass breakGlassSettings() {
    return breakGlassSettings;
  }

  SessionGuard guard(String action) {
    return new SessionGuard(sessions, cookies, audit, config, idTokens, action);
  }
}
