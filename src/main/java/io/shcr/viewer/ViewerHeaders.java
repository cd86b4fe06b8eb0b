package io.shcr.viewer;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * The security headers of every viewer response, the page, its files and its API alike: a strict
 * Content-Security-Policy (this origin only, no inline script or style, framing only by the configured
 * EPR origins), no caching anywhere, no referrer, no sniffing, an isolated browsing context.
 */
final class ViewerHeaders implements Handler<RoutingContext> {

  private final String csp;
  private final boolean noFraming;

  ViewerHeaders(ViewerConfig config) {
    this.csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        + "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors "
        + config.frameAncestors();
    this.noFraming = config.frameAncestors().trim().equals("'none'");
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response().headers()
        .set("Content-Security-Policy", csp)
        .set(HttpHeaders.CACHE_CONTROL, "no-store")
        .set("Pragma", "no-cache")
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer")
        .set("Cross-Origin-Opener-Policy", "same-origin")
        .set("Cross-Origin-Resource-Policy", "same-origin")
        .set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    if (noFraming) {
      ctx.response().headers().set("X-Frame-Options", "DENY");
    }
    ctx.next();
  }
}
