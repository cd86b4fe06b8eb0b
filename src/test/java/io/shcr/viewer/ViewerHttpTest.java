package io.shcr.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.audit.AuditEntry;
import io.shcr.support.AuditTrailFiles;
import io.shcr.support.DemoNetwork;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The viewer at the HTTP level, against the demo as {@code shcr demo} wires it: security headers on the page
 * and its files, the sign-in flow and what refuses it (a state this browser did not start, a code replayed,
 * a code redeemed under another sign-in's PKCE verifier), cookie flags, CSRF on every change, and each
 * refusal an audited OperationOutcome.
 */
class ViewerHttpTest {

  private static Vertx vertx;
  private static DemoNetwork network;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    network = DemoNetwork.startViewer(vertx, true, dir -> { }).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    base = network.baseUrl();
  }

  @AfterAll
  static void stop() throws Exception {
    network.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void thePageAndItsFilesCarryAStrictPolicyAndAreNeverCached() {
    ViewerClient browser = new ViewerClient();
    for (String path : List.of("/", "/viewer/assets/js/app.js", "/viewer/assets/viewer.css", "/viewer/assets/nhsuk/nhsuk-frontend.min.css")) {
      HttpResponse<String> page = browser.get(base + path);
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      String csp = page.headers().firstValue("content-security-policy").orElse("");
      assertThat(csp).as(path).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'",
          "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'").doesNotContain("unsafe-inline", "unsafe-eval", "http");
      assertThat(page.headers().firstValue("cache-control").orElse("")).as(path).contains("no-store");
      assertThat(page.headers().firstValue("x-content-type-options").orElse("")).contains("nosniff");
      assertThat(page.headers().firstValue("referrer-policy").orElse("")).contains("no-referrer");
      assertThat(page.headers().firstValue("x-frame-options").orElse("")).contains("DENY");
    }
    assertThat(browser.get(base + "/").body()).doesNotContain("<script>", "style=", "onclick", "onload");
  }

  @Test
  void noShippedFileNamesAThirdPartyOriginOrInlineCodeAndNoneTouchesBrowserStorage() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("src/main/resources/webroot"))) {
      for (Path file : files.filter(Files::isRegularFile).filter(f -> f.toString().matches(".*\\.(html|js|css)$")).toList()) {
        String text = Files.readString(file);
        assertThat(text).as(file.toString()).doesNotContainPattern("(src|href|action)=[\"']?(https?:)?//|url\\([\"']?(https?:)?//|from [\"'](https?:)?//|@import|fetch\\([\"'`](https?:)?//").doesNotContain("localStorage", "sessionStorage",
            "indexedDB", "serviceWorker", "caches.open", "document.cookie", "innerHTML", "eval(");
      }
    }
  }

  @Test
  void signInGivesAnHttpOnlyStrictSessionCookieAndTheRecordStreamsThroughIt() {
    ViewerClient browser = new ViewerClient();
    String authorize = browser.startSignIn(base, "persona=ed-doctor&patient=9990000018");
    URI idp = URI.create(authorize);
    assertThat(idp.getQuery()).contains("response_type=code", "code_challenge_method=S256", "client_id=shcr-demo", "login_hint=ed-doctor")
        .containsPattern("code_challenge=[A-Za-z0-9_-]{43}(&|$)").containsPattern("state=[A-Za-z0-9_-]{43}")
        .containsPattern("nonce=[A-Za-z0-9_-]{43}");
    assertThat(browser.setCookie("shcr-sign-in")).contains("HTTPOnly", "SameSite=Lax", "Path=/", "Max-Age=600");
    HttpResponse<String> code = browser.get(authorize);
    HttpResponse<String> callback = browser.get(ViewerClient.location(code));
    assertThat(callback.statusCode()).isEqualTo(303);
    assertThat(ViewerClient.location(callback)).isEqualTo("/?patient=9990000018");
    String cookie = browser.setCookie("shcr-session");
    // Plain-http loopback demo: Secure would stop the browser sending it back (see CookiesTest for https).
    assertThat(cookie).contains("HTTPOnly", "SameSite=Strict", "Path=/").doesNotContain("Max-Age", "Domain");
    assertThat(browser.cookies).doesNotContainKey("shcr-sign-in");

    HttpResponse<String> session = browser.get(base + ViewerRoutes.SESSION, "Sec-Fetch-Site", "same-origin");
    assertThat(session.statusCode()).isEqualTo(200);
    JsonObject me = new JsonObject(session.body());
    assertThat(me.getJsonObject("user").getString("name")).isEqualTo("Dr Amara Okafor");
    assertThat(me.getJsonObject("role").getString("organisation")).isEqualTo("RXN");
    assertThat(session.body()).doesNotContain(browser.cookies.get("shcr-session")).doesNotContain("eyJ");

    HttpResponse<String> stream = browser.get(base + "/viewer/api/patients/9990000018/record", "Accept", "text/event-stream",
        "Sec-Fetch-Site", "same-origin");
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("content-type").orElse("")).contains("text/event-stream");
    assertThat(stream.headers().firstValue("cache-control").orElse("")).contains("no-store");
    assertThat(stream.body()).contains("event: meta", "event: section", "event: complete", "Whittaker");
    assertThat(viewAudited(stream.headers().firstValue("x-request-id").orElseThrow())).isTrue();
  }

  @Test
  void aCallbackWhoseStateThisBrowserDidNotStartIsRefusedAndAudited() {
    ViewerClient victim = new ViewerClient();
    ViewerClient attacker = new ViewerClient();
    // The attacker's own sign-in, completed at the provider, then fed to the victim's browser (login CSRF).
    HttpResponse<String> code = attacker.get(attacker.startSignIn(base, "persona=ed-doctor"));
    String callbackUrl = ViewerClient.location(code);
    HttpResponse<String> refused = victim.get(callbackUrl);
    assertThat(refused.statusCode()).isEqualTo(303);
    assertThat(ViewerClient.location(refused)).isEqualTo("/?signin=failed");
    assertThat(victim.cookies).doesNotContainKey("shcr-session");
    assertThat(refusedSignInAudited(refused)).isTrue();

    // A made-up state, with this browser's own sign-in cookie: refused too.
    victim.startSignIn(base, null);
    HttpResponse<String> madeUp = victim.get(base + "/viewer/auth/callback?code=x&state=" + "A".repeat(43));
    assertThat(ViewerClient.location(madeUp)).isEqualTo("/?signin=failed");
    assertThat(victim.cookies).doesNotContainKey("shcr-session");
  }

  @Test
  void aCallbackReplayedIsRefused() {
    ViewerClient browser = new ViewerClient();
    String authorize = browser.startSignIn(base, "persona=social-worker");
    String callbackUrl = ViewerClient.location(browser.get(authorize));
    String signInCookie = browser.cookies.get("shcr-sign-in");
    assertThat(ViewerClient.location(browser.get(callbackUrl))).isEqualTo("/");
    ViewerClient replayer = new ViewerClient();
    replayer.cookies.put("shcr-sign-in", signInCookie);
    HttpResponse<String> replay = replayer.get(callbackUrl);
    assertThat(ViewerClient.location(replay)).isEqualTo("/?signin=failed");
    assertThat(replayer.cookies).doesNotContainKey("shcr-session");
  }

  @Test
  void aCodeRedeemedUnderAnotherSignInsPkceVerifierIsRefused() {
    ViewerClient browser = new ViewerClient();
    // Two sign-ins in one browser: the first's code arrives with the second's state (so the second's verifier).
    String first = browser.startSignIn(base, "persona=ed-doctor");
    String firstCode = URI.create(ViewerClient.location(browser.get(first))).getQuery().replaceAll(".*code=([^&]+).*", "$1");
    String second = browser.startSignIn(base, "persona=ed-doctor");
    String secondState = URI.create(second).getQuery().replaceAll(".*state=([^&]+).*", "$1");
    HttpResponse<String> swapped = browser.get(base + "/viewer/auth/callback?code=" + firstCode + "&state=" + secondState);
    assertThat(ViewerClient.location(swapped)).isEqualTo("/?signin=failed");
    assertThat(browser.cookies).doesNotContainKey("shcr-session");
  }

  @Test
  void theProviderRefusesAWrongVerifierAnUnregisteredRedirectAndPlainPkce() {
    ViewerClient browser = new ViewerClient();
    String authorize = browser.startSignIn(base, "persona=ed-doctor");
    String code = URI.create(ViewerClient.location(browser.get(authorize))).getQuery().replaceAll(".*code=([^&]+).*", "$1");
    String token = network.simulator.baseUrl() + "/idp/token";
    HttpResponse<String> wrong = browser.post(token, "grant_type=authorization_code&code=" + code + "&redirect_uri="
        + java.net.URLEncoder.encode(base + ViewerConfig.CALLBACK, java.nio.charset.StandardCharsets.UTF_8)
        + "&code_verifier=" + "B".repeat(64) + "&client_id=shcr-demo&client_secret=demo-viewer-secret-not-for-real-use",
        "Content-Type", "application/x-www-form-urlencoded");
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(wrong.body()).contains("invalid_grant");
    HttpResponse<String> elsewhere = browser.get(authorize.replaceAll("redirect_uri=[^&]+", "redirect_uri=https%3A%2F%2Fevil.example%2Fcb"));
    assertThat(elsewhere.statusCode()).isEqualTo(400);
    assertThat(elsewhere.headers().firstValue("location")).isEmpty();
    HttpResponse<String> plain = browser.get(authorize.replace("code_challenge_method=S256", "code_challenge_method=plain"));
    assertThat(ViewerClient.location(plain)).contains("error=invalid_request").doesNotContain("code=");
  }

  @Test
  void everyChangeNeedsThisOriginAndTheSessionsCsrfToken() {
    ViewerClient browser = new ViewerClient();
    browser.signIn(base, "ed-doctor", null);
    String csrf = new JsonObject(browser.get(base + ViewerRoutes.SESSION).body()).getString("csrfToken");
    HttpResponse<String> noToken = browser.post(base + ViewerRoutes.LOGOUT, "{}", "Content-Type", "application/json", "Origin", base);
    assertCsrfRefusal(noToken);
    HttpResponse<String> otherOrigin = browser.post(base + ViewerRoutes.LOGOUT, "{}", "Content-Type", "application/json",
        "Origin", "https://evil.example", "X-CSRF-Token", csrf);
    assertCsrfRefusal(otherOrigin);
    HttpResponse<String> crossSite = browser.post(base + "/viewer/api/patients/9990000042/break-glass",
        "{\"reasonCode\":\"emergency-treatment\",\"justification\":\"Unconscious in resus, need medicines and allergies now\"}",
        "Content-Type", "application/json", "Origin", base, "X-CSRF-Token", csrf, "Sec-Fetch-Site", "cross-site");
    assertCsrfRefusal(crossSite);
    HttpResponse<String> crossSiteRead = browser.get(base + "/viewer/api/patients/9990000018/record", "Accept", "text/event-stream",
        "Sec-Fetch-Site", "cross-site");
    assertCsrfRefusal(crossSiteRead);
    assertThat(browser.get(base + ViewerRoutes.SESSION).statusCode()).as("still signed in").isEqualTo(200);

    HttpResponse<String> out = browser.post(base + ViewerRoutes.LOGOUT, "{}", "Content-Type", "application/json", "Origin", base,
        "X-CSRF-Token", csrf, "Accept", "application/json");
    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(browser.cookies).doesNotContainKey("shcr-session");
    assertThat(accessesWith("viewer.sign-out", "allowed")).isNotEmpty();
  }

  @Test
  void withoutASessionTheViewerApiIsAnAuditedUnauthorisedOutcomeWhateverBearerTokenIsSent() {
    ViewerClient browser = new ViewerClient();
    HttpResponse<String> stream = browser.get(base + "/viewer/api/patients/9990000018/record", "Accept", "text/event-stream",
        "Authorization", "Bearer " + network.token("ed-doctor"));
    assertThat(stream.statusCode()).isEqualTo(401);
    assertThat(stream.headers().firstValue("content-type").orElse("")).contains("application/fhir+json");
    assertThat(stream.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    JsonObject outcome = new JsonObject(stream.body());
    assertThat(outcome.getString("resourceType")).isEqualTo("OperationOutcome");
    assertThat(outcome.getJsonArray("issue").getJsonObject(0).getJsonObject("details").getJsonArray("coding").getJsonObject(0)
        .getString("code")).isEqualTo("UNAUTHORISED");
    String id = stream.headers().firstValue("x-request-id").orElseThrow();
    assertThat(accesses().stream().filter(e -> id.equals(e.requestId())).findFirst()).hasValueSatisfying(e -> {
      assertThat(e.data().getString("action")).isEqualTo("record.view");
      assertThat(e.data().getString("nhsNumber")).isEqualTo("9990000018");
      assertThat(e.data().getString("refusalCode")).isEqualTo("UNAUTHORISED");
    });
    ViewerClient forged = new ViewerClient();
    forged.cookies.put("shcr-session", "A".repeat(43));
    assertThat(forged.get(base + ViewerRoutes.SESSION).statusCode()).isEqualTo(401);
  }

  @Test
  void theDeepLinksPersonaIsOnlyALoginHintAndAnInvalidPatientIsDropped() {
    ViewerClient browser = new ViewerClient();
    String authorize = browser.startSignIn(base, "persona=%3Cscript%3E&patient=1234567890");
    assertThat(authorize).doesNotContain("login_hint", "script");
    HttpResponse<String> picker = browser.get(authorize);
    assertThat(picker.statusCode()).isEqualTo(200);
    assertThat(picker.body()).contains("Who are you signing in as?", "Dr Amara Okafor", "Dr Ellis Moran");
  }

  private static void assertCsrfRefusal(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    assertThat(response.headers().firstValue("content-type").orElse("")).contains("application/fhir+json");
    assertThat(response.body()).contains("CSRF_REJECTED");
    String id = response.headers().firstValue("x-request-id").orElseThrow();
    assertThat(accesses().stream().anyMatch(e -> id.equals(e.requestId()) && "CSRF_REJECTED".equals(e.data().getString("refusalCode"))))
        .as("audited").isTrue();
  }

  private static boolean viewAudited(String requestId) {
    return accesses().stream().anyMatch(e -> requestId.equals(e.requestId()) && "record.view".equals(e.data().getString("action"))
        && e.data().getJsonObject("principal") != null);
  }

  private static boolean refusedSignInAudited(HttpResponse<String> response) {
    String id = response.headers().firstValue("x-request-id").orElseThrow();
    return accesses().stream().anyMatch(e -> id.equals(e.requestId()) && ViewerAudit.SIGN_IN.equals(e.data().getString("action"))
        && "refused".equals(e.data().getString("outcome")));
  }

  private static List<AuditEntry> accessesWith(String action, String outcome) {
    return accesses().stream().filter(e -> action.equals(e.data().getString("action")) && outcome.equals(e.data().getString("outcome")))
        .toList();
  }

  private static List<AuditEntry> accesses() {
    return AuditTrailFiles.accesses(network.auditDir());
  }
}
