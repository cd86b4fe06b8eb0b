package io.shcr.viewer;

import com.nimbusds.jwt.SignedJWT;
import io.shcr.core.Principal;
import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.nhs.NhsNumber;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in and sign-out. {@code GET /viewer/auth/login} starts an authorization code flow (PKCE S256,
 * state, nonce), keeping what it must check later in the cluster-shared state under the state's hash and
 * binding it to this browser with the sign-in cookie. {@code GET /viewer/auth/callback} accepts only a
 * state this browser started (once), redeems the code with the verifier, verifies the ID token as every
 * token is verified (signature, issuer, audience, dates, CIS2 claims) and its nonce, audits the sign-in,
 * and only then makes the session. Any failure makes no session, is audited, and sends the browser to the
 * page that says sign-in did not complete. {@code POST /viewer/auth/logout} ends the session.
 */
final class SignIn {

  static final String PENDING_MAP = "shcr.viewer.sign-ins";
  private static final Logger LOG = LoggerFactory.getLogger(SignIn.class);

  private final ViewerConfig config;
  private final OidcClient oidc;
  private final Function<String, Future<Principal>> idTokens;
  private final ViewerSessions sessions;
  private final SealedMap pending;
  private final Cookies cookies;
  private final ViewerAudit audit;
  private final SourceRegistry sources;
  private final boolean demo;
  private final Clock clock;

  SignIn(Vertx vertx, ViewerConfig config, OidcClient oidc, Function<String, Future<Principal>> idTokens, ViewerSessions sessions,
      io.shcr.access.SharedValueSeal seal, Cookies cookies, ViewerAudit audit, SourceRegistry sources, boolean demo, Clock clock) {
    this.config = config;
    this.oidc = oidc;
    this.idTokens = idTokens;
    this.sessions = sessions;
    this.pending = new SealedMap(vertx, PENDING_MAP, seal);
    this.cookies = cookies;
    this.audit = audit;
    this.sources = sources;
    this.demo = demo;
    this.clock = clock;
  }

  /**
   * Starts a sign-in. {@code patient} (a valid NHS number) is opened after it; {@code persona} (demo only)
   * is passed to the identity provider as the login hint; {@code switch=role} asks the provider which of the
   * signed-in user's roles to act in, and the new session replaces the old one.
   */
  void login(RoutingContext ctx) {
    String patient = NhsNumber.parse(ctx.queryParams().get("patient")).map(NhsNumber::value).orElse(null);
    String persona = demo ? ctx.queryParams().get("persona") : null;
    if (persona != null && !persona.matches("[a-z0-9-]{1,40}")) {
      persona = null;
    }
    boolean switchRole = "role".equals(ctx.queryParams().get("switch"));
    String hintFromPersona = persona;
    Future<Optional<ViewerSession>> current = switchRole ? sessions.peek(cookies.session(ctx))
        : Future.succeededFuture(Optional.empty());
    current.onComplete(found -> {
      Optional<ViewerSession> session = found.succeeded() ? found.result() : Optional.empty();
      String state = SealedMap.newSecret();
      String nonce = SealedMap.newSecret();
      String verifier = SealedMap.newSecret() + SealedMap.newSecret();
      String binding = SealedMap.newSecret();
      JsonObject flow = new JsonObject()
          .put("verifier", verifier)
          .put("nonce", nonce)
          .put("binding", SealedMap.keyOf(binding))
          .put("patient", patient)
          .put("replaces", session.map(ViewerSession::id).orElse(null));
      String hint = session.map(ViewerSession::userId).orElse(hintFromPersona);
      String prompt = session.isPresent() ? "select_account" : null;
      pending.put(SealedMap.keyOf(state), flow, Cookies.SIGN_IN_SECONDS * 1000).onComplete(stored -> {
        if (stored.failed()) {
          LOG.warn("Viewer sign-in could not be started: {}", stored.cause().getClass().getSimpleName());
          redirect(ctx, "/?signin=unavailable");
          return;
        }
        cookies.setSignIn(ctx, binding);
        redirect(ctx, oidc.authorizationUrl(state, nonce, verifier, hint, prompt));
      });
    });
  }

  /** The identity provider's redirect back: every check, then the session. */
  void callback(RoutingContext ctx) {
    String state = ctx.queryParams().get("state");
    String binding = cookies.signIn(ctx);
    cookies.clearSignIn(ctx);
    if (state == null || state.isEmpty() || state.length() > 128 || binding == null) {
      fail(ctx, null, "the sign-in was not started in this browser, or took too long");
      return;
    }
    pending.take(SealedMap.keyOf(state)).onComplete(taken -> {
      JsonObject flow = taken.succeeded() ? taken.result().orElse(null) : null;
      if (flow == null || !MessageDigest.isEqual(flow.getString("binding").getBytes(StandardCharsets.US_ASCII),
          SealedMap.keyOf(binding).getBytes(StandardCharsets.US_ASCII))) {
        fail(ctx, null, "the sign-in state does not match one this browser started");
        return;
      }
      String code = ctx.queryParams().get("code");
      if (ctx.queryParams().get("error") != null || code == null || code.isEmpty() || code.length() > 2048) {
        fail(ctx, null, "the identity provider did not sign the user in");
        return;
      }
      oidc.redeem(code, flow.getString("verifier"))
          .compose(idToken -> idTokens.apply(idToken).map(principal -> Map.entry(idToken, principal)))
          .onComplete(verified -> {
            if (verified.failed()) {
              fail(ctx, null, "the code could not be redeemed, or its ID token was refused");
              return;
            }
            String idToken = verified.result().getKey();
            Principal principal = verified.result().getValue();
            Optional<JsonObject> claims = claims(idToken);
            if (claims.isEmpty() || !flow.getString("nonce").equals(claims.get().getValue("nonce"))) {
              fail(ctx, principal, "the ID token's nonce is not the one this sign-in sent");
              return;
            }
            establish(ctx, flow, idToken, principal, claims.get());
          });
    });
  }

  private void establish(RoutingContext ctx, JsonObject flow, String idToken, Principal principal, JsonObject claims) {
    JsonObject state = sessionState(idToken, principal, claims);
    audit.allowed(ctx, ViewerAudit.SIGN_IN, principal, null)
        .compose(audited -> sessions.create(state))
        .compose(secret -> flow.getString("replaces") == null ? Future.succeededFuture(secret)
            : sessions.end(flow.getString("replaces")).map(ended -> secret))
        .onComplete(made -> {
          if (made.failed()) {
            LOG.warn("Viewer session {} not made: {}", io.shcr.api.RequestIntake.requestId(ctx), made.cause().getClass().getSimpleName());
            redirect(ctx, "/?signin=unavailable");
            return;
          }
          cookies.setSession(ctx, made.result());
          String patient = flow.getString("patient");
          redirect(ctx, patient == null ? "/" : "/?patient=" + patient);
        });
  }

  /** What the session keeps: the token, a CSRF token, and who the user is in which role (for the page). */
  private JsonObject sessionState(String idToken, Principal principal, JsonObject claims) {
    JsonArray roles = new JsonArray();
    JsonObject selected = null;
    JsonArray listed = claims.getValue("nhsid_nrbac_roles") instanceof JsonArray a ? a : new JsonArray();
    for (Object entry : listed) {
      if (entry instanceof JsonObject role && role.getValue("person_roleid") instanceof String id) {
        JsonObject described = describeRole(role);
        roles.add(described);
        if (id.equals(principal.roleProfileId())) {
          selected = described;
        }
      }
    }
    return new JsonObject()
        .put("idToken", idToken)
        .put("csrf", SealedMap.newSecret())
        .put("user", principal.userId())
        .put("name", principal.name())
        .put("role", selected)
        .put("roles", roles)
        .put("createdAt", clock.millis())
        .put("expiresAt", claims.getLong("exp") * 1000);
  }

  private JsonObject describeRole(JsonObject role) {
    String org = role.getValue("org_code") instanceof String o ? o : "";
    String code = role.getValue("role_code") instanceof String c ? c : "";
    return new JsonObject()
        .put("id", role.getString("person_roleid"))
        .put("name", role.getValue("role_name") instanceof String n ? n : code)
        .put("jobRole", code.contains(":") ? code.substring(code.lastIndexOf(':') + 1) : code)
        .put("organisation", org)
        .put("organisationName", sources.find(org).map(s -> s.name()).orElse(org));
  }

  /** The claims of a token that has already been verified. */
  private static Optional<JsonObject> claims(String idToken) {
    try {
      return Optional.of(new JsonObject(SignedJWT.parse(idToken).getPayload().toString()));
    } catch (java.text.ParseException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A sign-in that did not complete: audited (who, when known; never why in the page), then the page that says so. */
  private void fail(RoutingContext ctx, Principal principal, String why) {
    ApiError error = ErrorCode.UNAUTHORISED.error("Sign-in did not complete: " + why + ".");
    audit.refused(ctx, ViewerAudit.SIGN_IN, principal, null, error).onComplete(audited ->
        redirect(ctx, audited.result() ? "/?signin=failed" : "/?signin=unavailable"));
  }

  /** {@code POST /viewer/auth/logout} (CSRF-checked by the guard before it): ends the session, audited. */
  void logout(RoutingContext ctx) {
    ViewerSession session = ctx.get(SessionGuard.SESSION);
    Principal principal = ctx.get(SessionGuard.PRINCIPAL);
    sessions.end(session.id())
        .compose(ended -> audit.allowed(ctx, ViewerAudit.SIGN_OUT, principal, null))
        .onComplete(done -> {
          cookies.clearSession(ctx);
          ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .end(new JsonObject().put("signedOut", true).encode());
        });
  }

  private static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, location).end();
  }
}
