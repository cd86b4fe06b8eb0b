package io.shcr.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cookie names and flags follow the public URL's scheme; the viewer's configuration refuses what it cannot honour. */
class CookiesTest {

  @Test
  void overHttpsTheCookiesAreSecureAndHostPrefixed() throws Exception {
    ViewerConfig config = load("https://shared-care.example.nhs.uk", Map.of("SHCR_VIEWER_CLIENT_SECRET", "a-real-secret"), false);
    assertThat(config.secureCookies()).isTrue();
    Cookies cookies = new Cookies(config.secureCookies());
    assertThat(cookies.sessionName()).isEqualTo("__Host-shcr-session");
    assertThat(cookies.signInName()).isEqualTo("__Host-shcr-sign-in");
    assertThat(config.redirectUri()).isEqualTo("https://shared-care.example.nhs.uk/viewer/auth/callback");
    assertThat(new Cookies(false).sessionName()).isEqualTo("shcr-session");
  }

  @Test
  void outsideATrialTheInlineDemoSecretIsRefused() throws Exception {
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> load("https://x.example", Map.of(), false)))
        .hasMessageContaining("no client secret").hasMessageContaining("SHCR_VIEWER_CLIENT_SECRET");
    assertThat(load("http://127.0.0.1:8080", Map.of(), true).clientSecret()).isEqualTo("demo-viewer-secret-not-for-real-use");
  }

  @Test
  void aPublicUrlWithAPathOrFrameAncestorsThatBreakTheHeaderAreRefused() throws Exception {
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> load("https://x.example/scr", Map.of("SHCR_VIEWER_CLIENT_SECRET", "s"), false)))
        .hasMessageContaining("origin only");
    Path dir = copy("https://x.example");
    DemoNetworkFiles.replace(dir.resolve("viewer.yaml"), "frameAncestors: \"'none'\"", "frameAncestors: \"'self'; script-src *\"");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ViewerConfig.load(dir, null, true, Map.of())))
        .hasMessageContaining("frameAncestors");
  }

  private static ViewerConfig load(String publicUrl, Map<String, String> env, boolean trial) throws Exception {
    return ViewerConfig.load(copy(publicUrl), null, trial, env).orElseThrow();
  }

  private static Path copy(String publicUrl) throws Exception {
    Path dir = Files.createTempDirectory("shcr-viewer-config-");
    String text = Files.readString(Path.of("conf/viewer.yaml"))
        .replace("# publicUrl: https://shared-care.example.nhs.uk", "publicUrl: " + publicUrl);
    Files.writeString(dir.resolve("viewer.yaml"), text);
    return dir;
  }

  /** Replaces text in a file, failing when the text is not there. */
  static final class DemoNetworkFiles {
    static void replace(Path file, String from, String to) throws Exception {
      io.shcr.support.DemoNetwork.replace(file, from, to);
    }
  }
}
