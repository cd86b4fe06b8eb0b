package io.shcr.viewer;

import io.shcr.access.AccessPolicy;
import io.shcr.api.ApiRoutes;
import io.shcr.api.RecordApi;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The clinician viewer's routes: the page at {@code /} and its files under {@code /viewer/assets/}
 * (from the jar, never cached), sign-in under {@code /viewer/auth/}, and the page's API under
 * {@code /viewer/api/}, each behind the {@link SessionGuard}. The record stream
 * ({@link #RECORD}) is answered by the record API's own handler, which the server chains after the guard
 * mounted here; break-glass by the break-glass API's own handler.
 */
public final class ViewerRoutes implements ApiRoutes {

  public static final String RECORD = RecordApi.VIEWER_PATH;
  public static final String BREAK_GLASS = "/viewer/api/patients/:nhsNumber/break-glass";
  public static final String SESSION = "/viewer/api/session";
  public static final String LOGIN = "/viewer/auth/login";
  public static final String LOGOUT = "/viewer/auth/logout";

  private final ViewerModule module;

  ViewerRoutes(ViewerModule module) {
    this.module = module;
  }

  @Override
  public void mount(Router router) {
    ViewerHeaders headers = new ViewerHeaders(module.config());
    router.get("/").handler(headers).handler(files("webroot"));
    router.route("/viewer/*").handler(headers);
    // The route's prefix is stripped: /viewer/assets/js/app.js is webroot/viewer/assets/js/app.js.
    router.get("/viewer/assets/*").handler(files("webroot/viewer/assets"));
    router.get(LOGIN).handler(module.signIn()::login);
    router.get(ViewerConfig.CALLBACK).handler(module.signIn()::callback);
    router.post(LOGOUT).produces("application/json").handler(module.guard(ViewerAudit.SIGN_OUT)).handler(module.signIn()::logout);
    router.get(SESSION).produces("application/json").handler(module.guard(ViewerAudit.SESSION)).handler(this::session);
    router.get(RECORD).produces("text/event-stream").handler(module.guard("record.view"));
    Handler<RoutingContext> breakGlass = module.breakGlass();
    if (breakGlass != null) {
      router.post(BREAK_GLASS).consumes("application/json").produces("application/json")
          .handler(BodyHandler.create(false).setBodyLimit(16_384))
          .handler(module.guard("break-glass")).handler(breakGlass);
    }
  }

  private static StaticHandler files(String root) {
    return StaticHandler.create(root).setCachingEnabled(false).setDirectoryListing(false).setIncludeHidden(false)
        .setDefaultContentEncoding("UTF-8").setSendVaryHeader(false);
  }

  /** Who is signed in, in which role, and what the page needs to know to behave (never the token). */
  private void session(RoutingContext ctx) {
    ViewerSession session = ctx.get(SessionGuard.SESSION);
    AccessPolicy.BreakGlass settings = module.breakGlassSettings();
    JsonArray reasons = new JsonArray();
    settings.reasons().forEach(r -> reasons.add(new JsonObject().put("code", r.code()).put("display", r.display())));
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(session.describe()
        .put("idleTimeoutSeconds", module.config().idleTimeoutSeconds())
        .put("breakGlass", new JsonObject().put("reasons", reasons)
            .put("justificationMinLength", settings.justificationMinLength())
            .put("justificationMaxLength", settings.justificationMaxLength())
            .put("windowMinutes", settings.windowMs() / 60_000))
        .put("demo", module.demo())
        .encode());
  }
}
