package io.shcr.api;

import io.shcr.access.Authenticator;
import io.shcr.core.Principal;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates a request once, however many handlers ask: the outcome is kept on the routing context
 * for that request only (verifying an ES256 token costs about a millisecond of CPU).
 */
public final class Authentication {

  private static final String OUTCOME = "shcr.api.authentication";

  private Authentication() {
  }

  /** The principal of the request's {@code Authorization} header, or a failed {@code AccessRefusedException}. */
  public static Future<Principal> of(RoutingContext ctx, Authenticator authenticator) {
    Future<Principal> known = ctx.get(OUTCOME);
    if (known != null) {
      return known;
    }
    Future<Principal> outcome = authenticator.authenticate(ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION));
    ctx.put(OUTCOME, outcome);
    return outcome;
  }
}
