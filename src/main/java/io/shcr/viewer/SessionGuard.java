package io.shcr.viewer;

import io.shcr.core.Principal;
import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.nhs.NhsNumber;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Function;

/**
 * The chained handler in front of every viewer API route: the request must come from the viewer's own
 * page (Fetch metadata, and for a change the {@code Origin} and the session's CSRF token in
 * {@code X-CSRF-Token}), and carry a live session. Then the session's ID token is put on the request as
 * {@code Authorization: Bearer} (replacing anything the browser sent), so the record and break-glass
 * pipelines decide, audit and filter exactly as for any API caller. Every refusal is audited and is an
 * OperationOutcome: 401 {@code UNAUTHORISED} without a session, 403 {@code CSRF_REJECTED} for a request
 * that is not the page's own.
 */
final class SessionGuard implements Handler<RoutingContext> {

  static final String SESSION = "shcr.viewer.session";
  static final String PRINCIPAL = "shcr.viewer.principal";
  static final String CSRF_HEADER = "X-CSRF-Token";

  private final ViewerSessions sessions;
  private final Cookies cookies;
  private final ViewerAudit audit;
  private final ViewerConfig config;
  private final Function<String, Future<Principal>> idTokens;
  private final String action;

  SessionGuard(ViewerSessions sessions, Cookies cookies, ViewerAudit audit, ViewerConfig config,
      Function<String, Future<Principal>> idTokens, String action) {
    this.sessions = sessions;
    this.cookies = cookies;
    this.audit = audit;
    this.config = config;
    this.idTokens = idTokens;
    this.action = action;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String patient = NhsNumber.parse(ctx.pathParam("nhsNumber")).map(NhsNumber::value).orElse(null);
    boolean change = ctx.request().method() != HttpMethod.GET && ctx.request().method() != HttpMethod.HEAD;
    if (!fromThisOrigin(ctx, change)) {
      audit.refuse(ctx, action, null, patient, csrfRejected());
      return;
    }
    sessions.use(cookies.session(ctx)).onComplete(found -> {
      if (found.failed() || found.result().isEmpty()) {
        cookies.clearSession(ctx);
        audit.refuse(ctx, action, null, patient, ErrorCode.UNAUTHORISED.error(
            "You are not signed in to the viewer, or your session has ended. Sign in again.")
            .withHeader("WWW-Authenticate", "Bearer realm=\"shcr\""));
        return;
      }
      ViewerSession session = found.result().get();
      if (change && !sameSecret(ctx.request().getHeader(CSRF_HEADER), session.csrfToken())) {
        principal(session).onComplete(who -> audit.refuse(ctx, action, who.result(), patient, csrfRejected()));
        return;
      }
      ctx.put(SESSION, session);
      ctx.request().headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + session.idToken());
      if (SessionGuard.needsPrincipal(action)) {
        principal(session).onComplete(who -> {
          ctx.put(PRINCIPAL, who.result());
          ctx.next();
        });
      } else {
        ctx.next();
      }
    });
  }

  /** Sign-out and the session route name who they are about; record and break-glass verify the token themselves. */
  private static boolean needsPrincipal(String action) {
    return ViewerAudit.SIGN_OUT.equals(action) || ViewerAudit.SESSION.equals(action);
  }

  private Future<Principal> principal(ViewerSession session) {
    return idTokens.apply(session.idToken()).otherwise((Principal) null);
  }

  /**
   * Fetch metadata, where the browser sends it, must say same-origin (or a user's own navigation for a
   * read); a change must also carry this viewer's own {@code Origin}.
   */
  private boolean fromThisOrigin(RoutingContext ctx, boolean change) {
    String site = ctx.request().getHeader("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !(site.equals("none") && !change)) {
      return false;
    }
    if (!change) {
      return true;
    }
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    return origin != null && origin.equals(config.publicUrl());
  }

  private static boolean sameSecret(String sent, String expected) {
    return sent != null && expected != null
        && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  private static ApiError csrfRejected() {
    return ErrorCode.CSRF_REJECTED.error(
        "This request did not come from the viewer's own page (origin or CSRF token missing or wrong), so it was refused.");
  }
}
