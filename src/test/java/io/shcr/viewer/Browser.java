package io.shcr.viewer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Debian chromium driven through Debian's chromium-driver (both installed by {@code .ci/run}
 * when missing; never downloaded by Selenium), with a fresh profile, and axe-core (from npm, a test
 * resource) to check every page state for WCAG 2.2 A/AA violations.
 */
final class Browser implements AutoCloseable {

  static final String CHROMIUM = System.getProperty("shcr.chromium", "/usr/bin/chromium");
  static final String DRIVER = System.getProperty("shcr.chromedriver", "/usr/bin/chromedriver");

  final ChromeDriver driver;
  private final Path profile;
  private final String axe;

  Browser() {
    if (!new File(CHROMIUM).canExecute() || !new File(DRIVER).canExecute()) {
      throw new IllegalStateException("the browser tests need Debian's chromium and chromium-driver: apt-get install -y chromium "
          + "chromium-driver (.ci/run does this when they are missing)");
    }
    try {
      profile = Files.createTempDirectory("shcr-chromium-");
      axe = new String(Browser.class.getResourceAsStream("/axe/axe.min.js").readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--user-data-dir=" + profile, "--window-size=1280,1000");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
  }

  /**
   * A wait that tries again on any driver error: while a page is replaced, chromium can answer a read of
   * an element from the old document with "Node with given id does not belong to the document", an
   * unknown error rather than a stale element. The last error is kept as the timeout's cause.
   */
  WebDriverWait waiting(int seconds) {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(50));
    wait.ignoring(WebDriverException.class);
    return wait;
  }

  Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  Object asyncScript(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
  }

  /** axe-core's WCAG 2.0/2.1/2.2 A and AA violations on the page as it is now, one line each. */
  @SuppressWarnings("unchecked")
  List<String> accessibilityViolations() {
    if (!Boolean.TRUE.equals(script("return typeof window.axe === 'object';"))) {
      script(axe);
    }
    List<Map<String, Object>> violations = (List<Map<String, Object>>) asyncScript(
        "const done = arguments[arguments.length - 1];"
            + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa']}})"
            + ".then(r => done(r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))))"
            + ".catch(e => done([{id: 'axe-failed', help: String(e), nodes: []}]));");
    return violations.stream().map(v -> v.get("id") + ": " + v.get("help") + " " + v.get("nodes")).toList();
  }

  void screenshot(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  WebDriver.Window window() {
    return driver.manage().window();
  }

  @Override
  public void close() {
    driver.quit();
    try (var paths = Files.walk(profile)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // a temporary profile left behind is harmless
    }
  }
}
