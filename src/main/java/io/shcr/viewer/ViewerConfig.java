package io.shcr.viewer;

import io.shcr.config.ConfigException;
import io.shcr.config.Fields;
import io.shcr.config.YamlFiles;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The clinician viewer's settings from {@code viewer.yaml}: where users reach it, the OpenID Connect
 * provider it signs users in with (CIS2 in production, the simulator in the demo), and how sessions end.
 *
 * @param publicUrl the origin users reach the service at ({@code https://...} in service); the sign-in
 *     callback is {@code {publicUrl}/viewer/auth/callback}, and state-changing requests must come from it
 * @param authorizationEndpoint the provider's authorize endpoint
 * @param tokenEndpoint the provider's token endpoint
 * @param clientId our client id there (the ID token's audience)
 * @param clientSecret our client secret there (from the environment; the demo's inline one only in a trial)
 * @param scope the scopes asked for
 * @param idleTimeoutSeconds a session unused this long ends
 * @param frameAncestors the CSP {@code frame-ancestors} sources (an EPR that embeds the viewer)
 * @param tokenDeadlineMs how long the token endpoint may take
 */
public record ViewerConfig(String publicUrl, String authorizationEndpoint, String tokenEndpoint, String clientId,
    String clientSecret, String scope, long idleTimeoutSeconds, String frameAncestors, long tokenDeadlineMs) {

  public static final String FILE = "viewer.yaml";
  public static final String CALLBACK = "/viewer/auth/callback";

  /** Whether the session cookie may be sent over plain HTTP: only for a loopback demo on http. */
  public boolean secureCookies() {
    return publicUrl.startsWith("https://");
  }

  public String redirectUri() {
    return publicUrl + CALLBACK;
  }

  /** The same settings with another public URL (a test's or demo's port found at start-up). */
  public ViewerConfig withPublicUrl(String url) {
    return new ViewerConfig(url, authorizationEndpoint, tokenEndpoint, clientId, clientSecret, scope, idleTimeoutSeconds,
        frameAncestors, tokenDeadlineMs);
  }

  /**
   * Reads {@code viewer.yaml}: empty when there is none or {@code enabled: false}. The client secret is
   * read from the environment variable {@code oidc.clientSecretEnv}; the inline {@code oidc.demoClientSecret}
   * is used only when {@code trustDemoSecret} (demo and trials) and that variable is unset.
   */
  public static Optional<ViewerConfig> load(Path configDir, String defaultPublicUrl, boolean trustDemoSecret, Map<String, String> env) {
    JsonObject root = YamlFiles.readOptional(configDir.resolve(FILE));
    JsonObject viewer = root.getJsonObject("viewer");
    if (viewer == null) {
      return Optional.empty();
    }
    List<String> problems = new ArrayList<>();
    Fields f = new Fields(viewer, FILE + ": viewer", problems);
    if (!f.bool("enabled", true)) {
      return Optional.empty();
    }
    String publicUrl = trimSlash(f.optionalString("publicUrl", defaultPublicUrl));
    if (publicUrl == null) {
      problems.add(FILE + ": viewer.publicUrl: required when the service listens on a port chosen at start-up (http.port 0)");
    }
    Fields oidc = f.nested("oidc");
    String secretEnv = oidc.optionalString("clientSecretEnv", "SHCR_VIEWER_CLIENT_SECRET");
    String secret = env.get(secretEnv);
    if (secret == null || secret.isBlank()) {
      secret = trustDemoSecret ? oidc.optionalString("demoClientSecret", null) : null;
    }
    if (secret == null || secret.isBlank()) {
      problems.add(FILE + ": viewer.oidc: no client secret: set the environment variable " + secretEnv
          + (trustDemoSecret ? " or demoClientSecret" : " (the inline demo secret is trusted only by demo and --trust-demo-key)")
          + ", or set viewer.enabled: false");
    }
    ViewerConfig config = new ViewerConfig(publicUrl,
        url(oidc.requiredString("authorizationEndpoint"), "oidc.authorizationEndpoint", problems),
        url(oidc.requiredString("tokenEndpoint"), "oidc.tokenEndpoint", problems),
        oidc.requiredString("clientId"), secret,
        oidc.optionalString("scope", "openid profile nhsperson nationalrbacaccess associatedorgs selectedrole"),
        f.number("idleTimeoutSeconds", 900L, 1, 86_400),
        f.optionalString("frameAncestors", "'none'"),
        oidc.number("tokenDeadlineMs", 5_000L, 100, 60_000));
    url(publicUrl, "publicUrl", problems);
    if (publicUrl != null && URI.create(publicUrl).getRawPath() != null && !URI.create(publicUrl).getRawPath().isEmpty()) {
      problems.add(FILE + ": viewer.publicUrl: give an origin only (scheme, host and port), no path");
    }
    if (config.frameAncestors().matches(".*[;,\\r\\n].*")) {
      problems.add(FILE + ": viewer.frameAncestors: CSP sources separated by spaces, without ';' or ','");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("; ", problems));
    }
    return Optional.of(config);
  }

  private static String url(String value, String field, List<String> problems) {
    if (value == null) {
      return null;
    }
    try {
      URI uri = new URI(value);
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
        problems.add(FILE + ": viewer." + field + ": expected an http(s) URL, found " + value);
      }
    } catch (java.net.URISyntaxException e) {
      problems.add(FILE + ": viewer." + field + ": not a URL: " + value);
    }
    return value;
  }

  private static String trimSlash(String url) {
    return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
