package io.shcr.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.support.DemoNetwork;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The clinician viewer in a real browser (headless chromium), against the demo as {@code shcr demo} runs it,
 * with one organisation that never answers (Rossendale Hospice, NRH) and a short idle timeout. Every page
 * state is checked with axe-core for WCAG 2.2 A/AA violations. Screenshots go to {@code target/viewer-*.png}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ViewerBrowserTest {

  private static final int IDLE_SECONDS = 8;
  private static final String HANGING = "NRH";
  private static Vertx vertx;
  private static DemoNetwork network;
  private static Browser browser;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    network = DemoNetwork.startViewer(vertx, false, dir -> {
      // Fast, fault-free organisations but one that never answers; a short idle timeout.
      Path simulator = dir.resolve("simulator.yaml");
      String yaml = Files.readString(simulator).replaceAll("\\{medianMs: \\d+, p95Ms: \\d+\\}", "{medianMs: 30, p95Ms: 80}");
      yaml = yaml.replaceAll("(?s)\norganisations:.*?\n\n", "\norganisations:\n  " + HANGING + ":\n    faults: {hang: true}\n\n");
      Files.writeString(simulator, yaml);
      DemoNetwork.replace(dir.resolve("viewer.yaml"), "idleTimeoutSeconds: 900", "idleTimeoutSeconds: " + IDLE_SECONDS);
    }).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    base = network.baseUrl();
    browser = new Browser();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    network.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  @Order(1)
  void theDeepLinkSignsInAndTheFirstOrganisationsDataIsOnScreenWhileASlowOneIsStillWaitingThenTimesOut() {
    fresh(1280, 1000);
    browser.driver.get(base + "/?persona=ed-doctor&patient=9990000018");
    browser.waiting(20).until(d -> !d.findElements(By.cssSelector("#section-medications .scr-item")).isEmpty()
        && !d.findElements(By.cssSelector("#section-timeline .scr-timeline__entry")).isEmpty());
    // At one moment: medicines and timeline entries from organisations that answered, and the hanging one still waiting.
    String slowStatus = status(HANGING);
    List<WebElement> medicines = browser.driver.findElements(By.cssSelector("#section-medications .scr-item"));
    assertThat(slowStatus).isEqualTo("pending");
    assertThat(medicines).isNotEmpty();
    assertThat(row(HANGING).getText()).contains("Waiting for an answer");
    assertThat(medicines.get(0).getText()).containsPattern("\\d{2}-[A-Z][a-z]{2}-\\d{4} · .+");
    // The banner names the patient as the first source to answer does (some record a middle name, James).
    assertThat(browser.driver.findElement(By.id("patient-name")).getText()).matches("WHITTAKER, Alex( James)?");
    assertThat(banner()).contains("999 000 0018", "12-Mar-1968", "Male", "Avenham Lane Medical Practice", "14 Ribble Drive");
    assertThat(browser.driver.findElement(By.cssSelector(".scr-statement")).getText()).contains("does not mean it does not exist");
    assertThat(browser.accessibilityViolations()).as("while streaming").isEmpty();

    browser.waiting(20).until(d -> "timeout".equals(status(HANGING)));
    assertThat(row(HANGING).getText()).contains("Timed out");
    browser.waiting(20).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".scr-progress"), "have finished."));
    assertThat(browser.driver.findElement(By.cssSelector(".scr-progress")).getText()).startsWith("All ");
    assertThat(row("RXN").getText()).containsPattern("Answered in \\d+\\.\\d s");
    assertThat(row("889").getText()).contains("Not yet live");
    // The reconciled view: each medicine once with its organisations, the dose disagreement shown; the
    // hospice whose date of birth differs from PDS withheld; the middle name only one hospital records shown.
    List<String> across = browser.driver.findElements(By.cssSelector("#section-medications .scr-across__group")).stream()
        .map(WebElement::getText).toList();
    assertThat(across).anySatisfy(text -> assertThat(text).contains("Amlodipine", "Lancashire Teaching Hospitals",
        "Avenham Lane Medical Practice", "Recorded differently: dose"));
    assertThat(across).filteredOn(text -> text.startsWith("Metformin")).hasSize(1);
    assertThat(row("NSC").getText()).contains("name or date of birth differs from PDS");
    assertThat(banner()).contains("Recorded differently by some organisations", "Alex James");
    // The practice's medicines arrive as GP Connect sends them (a Medication by reference) and are named.
    assertThat(browser.driver.findElement(By.cssSelector("#section-medications .scr-group[data-source='P81901']")).getText())
        .contains("Amlodipine").doesNotContain("name not given");
    assertTimelineAcrossOrganisationsNewestFirst();
    assertThat(browser.accessibilityViolations()).as("complete").isEmpty();
    browser.screenshot(Path.of("target/viewer-desktop.png"));
    browser.driver.executeScript("document.getElementById('section-timeline').scrollIntoView()");
    browser.screenshot(Path.of("target/viewer-timeline.png"));
  }

  /** 999 000 0018's encounters of every organisation that answered, on one timeline, newest first, each with date, kind and organisation. */
  private static void assertTimelineAcrossOrganisationsNewestFirst() {
    // Read in one script, at one moment: the panel is rebuilt as events arrive, so elements found one call
    // and read the next can be gone (a stale element).
    @SuppressWarnings("unchecked")
    List<Map<String, String>> entries = (List<Map<String, String>>) browser.driver.executeScript(
        "return [...document.querySelectorAll('#section-timeline .scr-timeline__entry')].map(e => ({"
            + "date: e.getAttribute('data-date') || '', source: e.getAttribute('data-source') || '',"
            + "kind: e.getAttribute('data-kind') || '', text: e.innerText}));");
    assertThat(entries).hasSizeGreaterThan(10);
    List<String> dates = new ArrayList<>();
    java.util.Set<String> organisations = new java.util.HashSet<>();
    java.util.Set<String> kinds = new java.util.HashSet<>();
    for (Map<String, String> entry : entries) {
      dates.add(entry.get("date"));
      organisations.add(entry.get("source"));
      kinds.add(entry.get("kind"));
      assertThat(entry.get("text")).containsPattern(
          "(\\d{2}-[A-Z][a-z]{2}-\\d{4}|[A-Z][a-z]{2}-\\d{4}|\\d{4}|Not known) · [A-Z][a-z ]+ · .+");
    }
    List<String> dated = dates.stream().filter(d -> !d.isEmpty()).toList();
    assertThat(dated).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    assertThat(dates.subList(0, dated.size())).as("undated entries last").isEqualTo(dated);
    List<String> encounterSources = entries.stream().filter(e -> List.of("Encounter", "Admission").contains(e.get("kind")))
        .map(e -> e.get("source")).distinct().toList();
    assertThat(encounterSources).as("encounters across organisations").contains("P81901", "RXN").hasSizeGreaterThan(3);
    assertThat(kinds).contains("Encounter", "Admission", "Result");
    assertThat(organisations).doesNotContain("NSC", HANGING);
  }

  @Test
  @Order(2)
  void afterAViewNothingIsLeftInBrowserStorageAndTheSessionCookieIsOutOfScriptsReach() {
    fresh(1280, 1000);
    browser.driver.get(base + "/?persona=ed-doctor&patient=9990000018");
    browser.waiting(20).until(d -> !d.findElements(By.cssSelector("#section-medications .scr-item")).isEmpty());
    @SuppressWarnings("unchecked")
    Map<String, Object> storage = (Map<String, Object>) browser.asyncScript(
        "const done = arguments[arguments.length - 1];"
            + "Promise.all([indexedDB.databases(), window.caches ? caches.keys() : [], navigator.serviceWorker ? navigator.serviceWorker.getRegistrations() : []])"
            + ".then(([dbs, cacheNames, workers]) => done({local: localStorage.length, session: sessionStorage.length,"
            + " dbs: dbs.length, caches: cacheNames.length, workers: workers.length, cookie: document.cookie}));");
    assertThat(storage).containsEntry("local", 0L).containsEntry("session", 0L).containsEntry("dbs", 0L)
        .containsEntry("caches", 0L).containsEntry("workers", 0L).containsEntry("cookie", "");
  }

  @Test
  @Order(3)
  void aRestrictedPatientShowsTheRestrictedBannerAndNoAddressAnywhereInThePage() {
    fresh(1280, 1000);
    browser.driver.get(base + "/?persona=ed-doctor&patient=9990000026");
    browser.waiting(20).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".scr-progress"), "have finished."));
    browser.waiting(5).until(d -> d.findElement(By.id("patient-name")).getText().equals("CLARKE, Jordan"));
    assertThat(browser.driver.findElement(By.cssSelector(".scr-restricted")).getText()).contains("Restricted record");
    String dom = browser.driver.getPageSource();
    assertThat(dom).doesNotContain("Moor Lane", "PR7 2QD", "Market Street Surgery", "P81902");
    assertThat(banner()).doesNotContain("Address", "GP practice");
    assertThat(browser.accessibilityViolations()).isEmpty();
  }

  @Test
  @Order(4)
  void signInByThePersonaPickerChoosingARoleThenChangingRoleAndSigningOut() {
    fresh(1280, 1000);
    browser.driver.get(base + "/");
    browser.waiting(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
    assertThat(browser.accessibilityViolations()).as("sign-in page").isEmpty();
    // Keyboard: the first Tab reaches the skip link.
    new org.openqa.selenium.interactions.Actions(browser.driver).sendKeys(Keys.TAB).perform();
    assertThat(browser.driver.switchTo().activeElement().getText()).isEqualTo("Skip to main content");
    browser.driver.findElement(By.id("sign-in")).click();
    browser.waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("legend"), "Who are you signing in as?"));
    assertThat(browser.accessibilityViolations()).as("identity provider's persona picker").isEmpty();
    browser.driver.findElement(By.cssSelector("input[value='555000100006']")).click();
    browser.driver.findElement(By.cssSelector("button[type=submit]")).click();
    browser.waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("legend"), "which role are you working in?"));
    assertThat(browser.accessibilityViolations()).as("identity provider's role picker").isEmpty();
    browser.driver.findElement(By.cssSelector("input[value='555000100006-02']")).click();
    browser.driver.findElement(By.cssSelector("button[type=submit]")).click();
    browser.waiting(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("nhs-number")));
    assertThat(browser.driver.findElement(By.id("account")).getText()).contains("Dr Ellis Moran", "Lancashire Teaching Hospitals");
    assertThat(browser.accessibilityViolations()).as("find a patient").isEmpty();

    browser.driver.findElement(By.id("change-role")).click();
    browser.waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("legend"), "which role are you working in?"));
    browser.driver.findElement(By.cssSelector("input[value='555000100006-01']")).click();
    browser.driver.findElement(By.cssSelector("button[type=submit]")).click();
    browser.waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("account"), "Avenham Lane"));

    // The NHS number is formatted and checked as it is typed.
    WebElement input = browser.driver.findElement(By.id("nhs-number"));
    input.sendKeys("9990000019");
    assertThat(input.getAttribute("value")).isEqualTo("999 000 0019");
    assertThat(browser.driver.findElement(By.id("nhs-number-check")).getText()).contains("not a valid NHS number");
    assertThat(browser.accessibilityViolations()).as("an invalid NHS number").isEmpty();
    input.sendKeys(Keys.BACK_SPACE, "8");
    assertThat(browser.driver.findElement(By.id("nhs-number-check")).getText()).isEqualTo("Valid NHS number");
    input.sendKeys(Keys.ENTER);
    browser.waiting(20).until(d -> !d.findElements(By.cssSelector(".scr-org")).isEmpty());
    assertThat(browser.driver.getCurrentUrl()).endsWith("/?patient=9990000018");

    browser.driver.findElement(By.id("sign-out")).click();
    browser.waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("main"), "You have signed out"));
    assertThat(browser.driver.getPageSource()).doesNotContain("WHITTAKER", "Amlodipine");
    assertThat(sessionStatusFromThePage()).isEqualTo(401L);
    assertThat(browser.accessibilityViolations()).as("signed out").isEmpty();
  }

  @Test
  @Order(5)
  void noRelationshipOffersBreakGlassWhichOpensTheRecord() {
    fresh(1280, 1000);
    browser.driver.get(base + "/?persona=ed-doctor&patient=9990000042");
    browser.waiting(20).until(d -> !d.findElements(By.cssSelector("[data-refusal=NO_RELATIONSHIP]")).isEmpty());
    assertThat(browser.driver.findElement(By.tagName("h1")).getText()).isEqualTo("You do not have a recorded relationship with this patient");
    assertThat(browser.driver.findElement(By.cssSelector(".nhsuk-warning-callout")).getText()).contains("audited and reviewed", "privacy officer");
    assertThat(browser.accessibilityViolations()).as("refusal with break-glass").isEmpty();
    browser.driver.findElement(By.cssSelector("#break-glass button[type=submit]")).click();
    assertThat(browser.driver.findElement(By.id("bg-error")).getText()).isEqualTo("Choose why you need this record");
    assertThat(browser.accessibilityViolations()).as("break-glass with an error").isEmpty();
    browser.driver.findElement(By.cssSelector("input[value='emergency-treatment']")).click();
    browser.driver.findElement(By.id("bg-justification")).sendKeys("Brought in unconscious; need medicines and allergies to treat");
    browser.screenshot(Path.of("target/viewer-break-glass.png"));
    browser.driver.findElement(By.cssSelector("#break-glass button[type=submit]")).click();
    browser.waiting(20).until(d -> !d.findElements(By.cssSelector(".scr-record[data-nhs-number='9990000042']")).isEmpty());
    browser.waiting(20).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".scr-progress"), "have finished."));
    assertThat(banner()).contains("999 000 0042");
  }

  @Test
  @Order(6)
  void everyRefusalCodeOfTheApiHasAPlainWordsPageWithWhatToDoNext() throws Exception {
    fresh(1280, 1000);
    // Real refusals, as the service gives them.
    browser.driver.get(base + "/?persona=ed-doctor&patient=9990000034");
    browser.waiting(20).until(d -> !d.findElements(By.cssSelector("[data-refusal=NO_PATIENT_CONSENT]")).isEmpty());
    assertThat(browser.driver.findElement(By.tagName("h1")).getText()).isEqualTo("This patient has said no to sharing their record");
    assertThat(browser.accessibilityViolations()).isEmpty();
    fresh(1280, 1000);
    browser.driver.get(base + "/?persona=privacy-officer&patient=9990000018");
    browser.waiting(20).until(d -> !d.findElements(By.cssSelector("[data-refusal=ACCESS_DENIED]")).isEmpty());
    fresh(1280, 1000);
    browser.driver.get(base + "/?persona=not-live-council&patient=9990000018");
    browser.waiting(20).until(d -> !d.findElements(By.cssSelector("[data-refusal=NO_ORGANISATION_CONSENT]")).isEmpty());

    // Every code docs/api.md lists (and the viewer's own), rendered by the page's own module.
    List<String> codes = new ArrayList<>(apiCodes());
    codes.add("CSRF_REJECTED");
    assertThat(codes).contains("NO_RELATIONSHIP", "THROTTLED", "AUDIT_UNAVAILABLE", "CONSENT_UNAVAILABLE");
    List<String> problems = new ArrayList<>();
    for (String code : codes) {
      Object title = browser.asyncScript("const done = arguments[arguments.length - 1];"
          + "import('/viewer/assets/js/refusals.js').then(m => { if (!m.REFUSALS[arguments[0]]) { done(null); return; }"
          + " m.showRefusal({code: arguments[0], retryAfter: '30'}); done(document.querySelector('h1').textContent); });", code);
      if (title == null) {
        problems.add(code + ": no page");
        continue;
      }
      List<String> violations = browser.accessibilityViolations();
      if (!violations.isEmpty()) {
        problems.add(code + ": " + violations);
      }
      String text = browser.driver.findElement(By.id("main")).getText();
      if (!text.contains("What you can do") || !text.contains(code)) {
        problems.add(code + ": no advice or reference");
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  @Order(7)
  void onAPhoneTheRecordFitsTheScreen() {
    fresh(390, 844);
    browser.driver.get(base + "/?persona=ed-doctor&patient=9990000018");
    browser.waiting(20).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".scr-progress"), "have finished."));
    Object overflow = browser.script("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
    assertThat(((Number) overflow).intValue()).as("no sideways scrolling").isLessThanOrEqualTo(0);
    assertThat(browser.accessibilityViolations()).isEmpty();
    browser.script("window.scrollTo(0, 0);");
    browser.screenshot(Path.of("target/viewer-phone.png"));
  }

  @Test
  @Order(8)
  void anIdlePageSignsOutClearsTheRecordAndTheServerSessionHasEnded() {
    fresh(1280, 1000);
    browser.driver.get(base + "/?persona=ed-doctor&patient=9990000018");
    browser.waiting(20).until(d -> !d.findElements(By.cssSelector("#section-medications .scr-item")).isEmpty());
    browser.waiting(IDLE_SECONDS + 20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("main"), "not used for a while"));
    assertThat(browser.driver.getPageSource()).doesNotContain("WHITTAKER", "Amlodipine", "Ribble");
    assertThat(sessionStatusFromThePage()).isEqualTo(401L);
    assertThat(browser.accessibilityViolations()).isEmpty();
  }

  /** The session API's status as the page itself would get it (the cookie goes with it). */
  private static Object sessionStatusFromThePage() {
    return browser.asyncScript("const done = arguments[arguments.length - 1];"
        + "fetch('/viewer/api/session', {credentials: 'same-origin'}).then(r => done(r.status));");
  }

  private static List<String> apiCodes() throws Exception {
    List<String> codes = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\| \\d{3} \\| `([A-Z_]+)` \\|").matcher(Files.readString(Path.of("docs/api.md")));
    while (m.find()) {
      if (!codes.contains(m.group(1))) {
        codes.add(m.group(1));
      }
    }
    return codes;
  }

  private static void fresh(int width, int height) {
    browser.driver.get(base + "/viewer/assets/viewer.css");
    browser.driver.manage().deleteAllCookies();
    browser.window().setSize(new Dimension(width, height));
  }

  private static WebElement row(String source) {
    return browser.driver.findElement(By.cssSelector(".scr-org[data-source='" + source + "']"));
  }

  private static String status(String source) {
    List<WebElement> rows = browser.driver.findElements(By.cssSelector(".scr-org[data-source='" + source + "']"));
    return rows.isEmpty() ? null : rows.get(0).getAttribute("data-status");
  }

  private static String banner() {
    return browser.driver.findElement(By.cssSelector(".scr-banner")).getText();
  }
}
