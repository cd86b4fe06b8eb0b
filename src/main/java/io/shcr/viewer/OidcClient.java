package io.shcr.viewer;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The viewer as an OpenID Connect confidential client: builds the authorization request (code flow
 * with PKCE S256, state and nonce) and redeems a code at the token endpoint with the client secret
 * and the PKCE verifier. The ID token it gets back is verified by the caller, as every token is.
 */
final class OidcClient {

  private final ViewerConfig config;
  private final WebClient web;

  OidcClient(Vertx vertx, ViewerConfig config) {
    this.config = config;
    this.web = WebClient.create(vertx, new WebClientOptions().setUserAgent("shcr-viewer").setFollowRedirects(false));
  }

  /** Where to send the browser to sign in. {@code loginHint} and {@code prompt} may be null. */
  String authorizationUrl(String state, String nonce, String verifier, String loginHint, String prompt) {
    StringBuilder url = new StringBuilder(config.authorizationEndpoint())
        .append(config.authorizationEndpoint().contains("?") ? '&' : '?')
        .append("response_type=code")
        .append("&client_id=").append(enc(config.clientId()))
        .append("&redirect_uri=").append(enc(config.redirectUri()))
        .append("&scope=").append(enc(config.scope()))
        .append("&state=").append(enc(state))
        .append("&nonce=").append(enc(nonce))
        .append("&code_challenge=").append(s256(verifier))
        .append("&code_challenge_method=S256");
    if (loginHint != null) {
      url.append("&login_hint=").append(enc(loginHint));
    }
    if (prompt != null) {
      url.append("&prompt=").append(enc(prompt));
    }
    return url.toString();
  }

  /** The ID token for a code, or a failure (the provider refused, did not answer in time, or answered nonsense). */
  Future<String> redeem(String code, String verifier) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "authorization_code")
        .add("code", code)
        .add("redirect_uri", config.redirectUri())
        .add("code_verifier", verifier);
    String basic = Base64.getEncoder().encodeToString(
        (enc(config.clientId()) + ":" + enc(config.clientSecret())).getBytes(StandardCharsets.UTF_8));
    return web.postAbs(config.tokenEndpoint())
        .timeout(config.tokenDeadlineMs())
        .putHeader("Authorization", "Basic " + basic)
        .putHeader("Accept", "application/json")
        .sendForm(form)
        .compose(response -> {
          if (response.statusCode() != 200) {
            return Future.failedFuture(new IllegalStateException("token endpoint answered HTTP " + response.statusCode()));
          }
          Object token;
          try {
            token = response.bodyAsJsonObject().getValue("id_token");
          } catch (RuntimeException notJson) {
            return Future.failedFuture(new IllegalStateException("token endpoint answer was not JSON"));
          }
          return token instanceof String idToken ? Future.succeededFuture(idToken)
              : Future.failedFuture(new IllegalStateException("token endpoint answer had no id_token"));
        });
  }

  void close() {
    web.close();
  }

  static String s256(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
