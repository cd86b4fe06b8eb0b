package io.shcr.simulator;

import io.shcr.access.AccessPolicy;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The simulated identity provider's endpoints under {@code /idp}: {@code authorize} (a persona picker,
 * then a role picker for a person with several roles), {@code token} (code for ID token, with client
 * secret and PKCE verifier), {@code jwks} and the discovery document. {@code login_hint} naming a persona
 * signs that persona in at once (the demo deep link); naming a user, with {@code prompt=select_account},
 * asks which of that user's roles (the viewer's "change role").
 */
public final class IdentityProviderRoutes {

  public static final String BASE = "/idp";
  private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final List<String> FLOW = List.of("client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
      "code_challenge", "code_challenge_method");

  private final IdentityProvider idp;

  public IdentityProviderRoutes(IdentityProvider idp) {
    this.idp = idp;
  }

  public void mount(Router router) {
    router.get(BASE + "/.well-known/openid-configuration").handler(this::discovery);
    router.get(BASE + "/jwks").handler(ctx -> json(ctx, 200, idp.jwks()));
    router.get(BASE + "/authorize").handler(ctx -> authorize(ctx, ctx.queryParams()));
    router.post(BASE + "/authorize").handler(BodyHandler.create(false).setBodyLimit(8_192))
        .handler(ctx -> authorize(ctx, ctx.request().formAttributes()));
    router.post(BASE + "/token").handler(BodyHandler.create(false).setBodyLimit(8_192)).handler(this::token);
    router.get(BASE + "/style.css").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/css")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(LoginPage.CSS));
  }

  private void discovery(RoutingContext ctx) {
    String base = "http://" + ctx.request().authority() + BASE;
    json(ctx, 200, new JsonObject()
        .put("issuer", idp.issuer())
        .put("authorization_endpoint", base + "/authorize")
        .put("token_endpoint", base + "/token")
        .put("jwks_uri", base + "/jwks")
        .put("response_types_supported", List.of("code"))
        .put("code_challenge_methods_supported", List.of("S256"))
        .put("id_token_signing_alg_values_supported", List.of("ES256"))
        .put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post")));
  }

  /** Both steps of sign-in: checks the client's request, then signs in, or asks who or which role. */
  private void authorize(RoutingContext ctx, MultiMap params) {
    String redirect = params.get("redirect_uri");
    if (!idp.client().clientId().equals(params.get("client_id")) || redirect == null || !idp.client().redirectUris().contains(redirect)) {
      // Never redirect to a place the client did not register: say so here.
      page(ctx, 400, LoginPage.problem("This sign-in link is not valid: it does not come from a registered service."));
      return;
    }
    String state = params.get("state");
    if (!"code".equals(params.get("response_type")) || !"S256".equals(params.get("code_challenge_method"))
        || params.get("code_challenge") == null || !CHALLENGE.matcher(params.get("code_challenge")).matches()
        || blank(state) || blank(params.get("nonce"))) {
      redirect(ctx, redirect, "error=invalid_request" + (blank(state) ? "" : "&state=" + enc(state)));
      return;
    }
    Optional<AccessPolicy.Persona> chosenRole = idp.role(params.get("role"));
    if (chosenRole.isPresent()) {
      signIn(ctx, params, chosenRole.get());
      return;
    }
    String hint = params.get("user") != null ? params.get("user") : params.get("login_hint");
    Optional<IdentityProvider.User> user = idp.userByHint(hint);
    if (user.isEmpty() || "login".equals(params.get("prompt")) && params.get("user") == null) {
      page(ctx, 200, LoginPage.personas(idp.users(), flow(params)));
      return;
    }
    boolean askRole = "select_account".equals(params.get("prompt")) || params.get("user") != null;
    Optional<AccessPolicy.Persona> hinted = personaNamed(user.get(), hint);
    if (user.get().roles().size() == 1) {
      signIn(ctx, params, user.get().roles().get(0));
    } else if (hinted.isPresent() && !askRole) {
      signIn(ctx, params, hinted.get());
    } else {
      page(ctx, 200, LoginPage.roles(user.get(), flow(params)));
    }
  }

  private static Optional<AccessPolicy.Persona> personaNamed(IdentityProvider.User user, String id) {
    return user.roles().stream().filter(p -> p.id().equals(id)).findFirst();
  }

  private void signIn(RoutingContext ctx, MultiMap params, AccessPolicy.Persona role) {
    String code = idp.issueCode(params.get("redirect_uri"), params.get("code_challenge"), params.get("nonce"), role);
    redirect(ctx, params.get("redirect_uri"), "code=" + enc(code) + "&state=" + enc(params.get("state")));
  }

  /** The token endpoint: client authenticated by its secret, the code redeemed once against its PKCE verifier. */
  private void token(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    String[] basic = basicCredentials(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    String clientId = basic != null ? basic[0] : form.get("client_id");
    String secret = basic != null ? basic[1] : form.get("client_secret");
    if (!idp.client().clientId().equals(clientId) || !idp.client().clientSecret().equals(secret)) {
      json(ctx, 401, new JsonObject().put("error", "invalid_client"));
      return;
    }
    if (!"authorization_code".equals(form.get("grant_type"))) {
      json(ctx, 400, new JsonObject().put("error", "unsupported_grant_type"));
      return;
    }
    idp.redeem(form.get("code"), form.get("redirect_uri"), form.get("code_verifier")).ifPresentOrElse(
        idToken -> json(ctx, 200, new JsonObject().put("token_type", "Bearer").put("expires_in", 3600)
            .put("access_token", java.util.UUID.randomUUID().toString()).put("id_token", idToken)),
        () -> json(ctx, 400, new JsonObject().put("error", "invalid_grant")));
  }

  private static String[] basicCredentials(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    try {
      String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0 ? null : new String[] {
          java.net.URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
          java.net.URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static List<String[]> flow(MultiMap params) {
    return FLOW.stream().filter(name -> params.get(name) != null).map(name -> new String[] {name, params.get(name)}).toList();
  }

  private static void redirect(RoutingContext ctx, String redirectUri, String query) {
    ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, redirectUri + (redirectUri.contains("?") ? "&" : "?") + query)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
  }

  /** The login pages' policy: forms post here, and the redirect after them goes to the client's registered origin. */
  private String formAction() {
    StringBuilder origins = new StringBuilder("'self'");
    for (String uri : idp.client().redirectUris()) {
      java.net.URI parsed = java.net.URI.create(uri);
      origins.append(' ').append(parsed.getScheme()).append("://").append(parsed.getRawAuthority());
    }
    return origins.toString();
  }

  private void page(RoutingContext ctx, int status, String html) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'self'; form-action " + formAction() + "; frame-ancestors 'none'; base-uri 'none'")
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(html);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(body.encode());
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
