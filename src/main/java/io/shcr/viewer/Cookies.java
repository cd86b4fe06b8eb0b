package io.shcr.viewer;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

/**
 * The viewer's two cookies. The session cookie is HttpOnly, SameSite=Strict, and Secure with the
 * {@code __Host-} prefix whenever the viewer is reached over https; only a plain-http demo on loopback
 * goes without Secure (a browser would not send it back otherwise). The sign-in cookie binds a sign-in's
 * state to the browser that started it; it is SameSite=Lax because it must come back on the identity
 * provider's redirect, a cross-site navigation, and lives ten minutes.
 */
final class Cookies {

  static final long SIGN_IN_SECONDS = 600;

  private final boolean secure;

  Cookies(boolean secure) {
    this.secure = secure;
  }

  String sessionName() {
    return secure ? "__Host-shcr-session" : "shcr-session";
  }

  String signInName() {
    return secure ? "__Host-shcr-sign-in" : "shcr-sign-in";
  }

  String session(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(sessionName());
    return cookie == null ? null : cookie.getValue();
  }

  String signIn(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(signInName());
    return cookie == null ? null : cookie.getValue();
  }

  void setSession(RoutingContext ctx, String secret) {
    ctx.response().addCookie(base(sessionName(), secret).setSameSite(CookieSameSite.STRICT));
  }

  void setSignIn(RoutingContext ctx, String secret) {
    ctx.response().addCookie(base(signInName(), secret).setSameSite(CookieSameSite.LAX).setMaxAge(SIGN_IN_SECONDS));
  }

  void clearSession(RoutingContext ctx) {
    ctx.response().addCookie(base(sessionName(), "").setSameSite(CookieSameSite.STRICT).setMaxAge(0));
  }

  void clearSignIn(RoutingContext ctx) {
    ctx.response().addCookie(base(signInName(), "").setSameSite(CookieSameSite.LAX).setMaxAge(0));
  }

  private Cookie base(String name, String value) {
    return Cookie.cookie(name, value).setPath("/").setHttpOnly(true).setSecure(secure);
  }
}
