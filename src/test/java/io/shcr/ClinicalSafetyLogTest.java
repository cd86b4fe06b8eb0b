package io.shcr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/clinical-safety.md honest: every hazard has a cause, an effect, a mitigation, an initial
 * and a residual risk that agree with the DCB0129 matrix, and at least one test; every test it names
 * exists on the test classpath as a JUnit test method. A control whose test is renamed or deleted
 * fails the build here until the log says what proves it now.
 */
class ClinicalSafetyLogTest {

  private static final Path LOG = Path.of("docs", "clinical-safety.md");

  private static final List<String> SEVERITIES = List.of("Minor", "Significant", "Considerable", "Major", "Catastrophic");
  private static final List<String> LIKELIHOODS = List.of("Very low", "Low", "Medium", "High", "Very high");
  /** DCB0129's risk matrix: [likelihood][severity], in the orders above. */
  private static final int[][] MATRIX = {
      {1, 1, 2, 2, 3},
      {1, 2, 2, 3, 4},
      {2, 2, 3, 3, 4},
      {2, 3, 3, 4, 5},
      {3, 4, 4, 5, 5}};
  private static final List<String> REQUIRED_FIELDS = List.of("Cause", "Effect", "Initial risk", "Mitigation",
      "Residual risk", "Tests");
  /** The hazards issue 10 names, by a word of their titles: each must stay in the log. */
  private static final List<String> REQUIRED_HAZARDS = List.of("Sensitive information", "Another patient",
      "silently missing", "no data", "Stale", "Duplicate medication", "restricted", "Break-glass", "not audited",
      "token", "stuck");
  private static final Set<String> TEST_ANNOTATIONS = Set.of("org.junit.jupiter.api.Test",
      "org.junit.jupiter.api.TestFactory", "org.junit.jupiter.params.ParameterizedTest");

  private static final Pattern HAZARD = Pattern.compile("^### (H\\d{2}): (.+)$");
  private static final Pattern FIELD = Pattern.compile("^- \\*\\*([^*]+)\\*\\*:\\s*(.*)$");
  private static final Pattern TEST_REF = Pattern.compile("^\\s+- `([\\w.]+)#(\\w+)`\\s*$");
  private static final Pattern RISK = Pattern.compile("^severity (\\w+), likelihood ([\\w ]+), risk (\\d)$");
  private static final Pattern MATRIX_ROW = Pattern.compile("^\\| (Very high|High|Medium|Low|Very low)\\s*\\|(.*)\\|$");

  record Hazard(String id, String title, Map<String, String> fields, List<String> tests) {}

  @Test
  void everyHazardIsCompleteAndEveryTestItNamesExists() throws IOException {
    String log = Files.readString(LOG);
    List<Hazard> hazards = hazards(log);
    assertThat(hazards).hasSizeGreaterThanOrEqualTo(REQUIRED_HAZARDS.size());
    assertThat(problems(log)).isEmpty();
    for (String required : REQUIRED_HAZARDS) {
      assertThat(hazards).as("a hazard titled with \"%s\"", required)
          .anyMatch(h -> h.title().toLowerCase().contains(required.toLowerCase()));
    }
  }

  @Test
  void theLogCatchesAMissingTestAMissingFieldAndAWrongRating() {
    String good = "### H01: Something\n- **Cause**: a\n- **Effect**: b\n- **Initial risk**: severity Major, likelihood High, risk 4\n"
        + "- **Mitigation**: c\n- **Residual risk**: severity Major, likelihood Very low, risk 2\n- **Tests**:\n"
        + "  - `io.shcr.ClinicalSafetyLogTest#everyHazardIsCompleteAndEveryTestItNamesExists`\n";
    assertThat(problems(good)).isEmpty();
    assertThat(problems(good.replace("#everyHazard", "#noSuchHazard"))).singleElement().asString().contains("no test method");
    assertThat(problems(good.replace("ClinicalSafetyLogTest#", "NoSuchTest#"))).singleElement().asString().contains("no test class");
    assertThat(problems(good.replace("#everyHazardIsCompleteAndEveryTestItNamesExists", "#hazards")))
        .singleElement().asString().contains("no test method");
    assertThat(problems(good.replace("- **Mitigation**: c\n", ""))).singleElement().asString().contains("Mitigation");
    assertThat(problems(good.replace("likelihood High, risk 4", "likelihood High, risk 2"))).singleElement().asString()
        .contains("matrix");
    assertThat(problems(good.replace("likelihood Very low, risk 2", "likelihood Very high, risk 5"))).singleElement()
        .asString().contains("higher than");
    assertThat(problems(good.substring(0, good.indexOf("  - `")))).singleElement().asString().contains("no test");
    assertThat(problems(good + good)).singleElement().asString().contains("twice");
  }

  /** Everything wrong with a hazard log, one line each; empty when it is complete and true. */
  static List<String> problems(String log) {
    List<String> problems = new ArrayList<>();
    checkMatrix(log, problems);
    Set<String> seen = new java.util.HashSet<>();
    for (Hazard hazard : hazards(log)) {
      if (!seen.add(hazard.id())) {
        problems.add(hazard.id() + " appears twice");
      }
      for (String field : REQUIRED_FIELDS) {
        if (!hazard.fields().containsKey(field) || (!field.equals("Tests") && hazard.fields().get(field).isBlank())) {
          problems.add(hazard.id() + " has no " + field);
        }
      }
      int initial = risk(hazard, "Initial risk", problems);
      int residual = risk(hazard, "Residual risk", problems);
      if (initial > 0 && residual > initial) {
        problems.add(hazard.id() + " residual risk is higher than its initial risk");
      }
      if (hazard.fields().containsKey("Tests") && hazard.tests().isEmpty()) {
        problems.add(hazard.id() + " names no test");
      }
      for (String test : hazard.tests()) {
        String problem = testProblem(test);
        if (problem != null) {
          problems.add(hazard.id() + ": " + problem);
        }
      }
    }
    return problems;
  }

  static List<Hazard> hazards(String log) {
    List<Hazard> hazards = new ArrayList<>();
    Hazard current = null;
    String field = null;
    for (String line : log.split("\n")) {
      Matcher heading = HAZARD.matcher(line);
      if (heading.matches()) {
        current = new Hazard(heading.group(1), heading.group(2), new LinkedHashMap<>(), new ArrayList<>());
        hazards.add(current);
        field = null;
        continue;
      }
      if (current == null) {
        continue;
      }
      if (line.startsWith("#")) {
        current = null;
        continue;
      }
      Matcher f = FIELD.matcher(line);
      Matcher t = TEST_REF.matcher(line);
      if (f.matches()) {
        field = f.group(1);
        current.fields().put(field, f.group(2).trim());
      } else if (t.matches() && "Tests".equals(field)) {
        current.tests().add(t.group(1) + "#" + t.group(2));
      } else if (field != null && line.startsWith("  ") && !"Tests".equals(field)) {
        current.fields().merge(field, line.trim(), (a, b) -> a + " " + b);
      }
    }
    return hazards;
  }

  private static int risk(Hazard hazard, String field, List<String> problems) {
    String text = hazard.fields().get(field);
    if (text == null) {
      return 0;
    }
    Matcher m = RISK.matcher(text);
    if (!m.matches() || !SEVERITIES.contains(m.group(1)) || !LIKELIHOODS.contains(m.group(2))) {
      problems.add(hazard.id() + " " + field + " is not \"severity <" + String.join("|", SEVERITIES) + ">, likelihood <"
          + String.join("|", LIKELIHOODS) + ">, risk <1-5>\"");
      return 0;
    }
    int expected = MATRIX[LIKELIHOODS.indexOf(m.group(2))][SEVERITIES.indexOf(m.group(1))];
    if (Integer.parseInt(m.group(3)) != expected) {
      problems.add(hazard.id() + " " + field + " disagrees with the matrix: " + m.group(1) + " and " + m.group(2)
          + " is risk " + expected);
    }
    return expected;
  }

  /** The matrix printed in the log, where there is one, must be DCB0129's. */
  private static void checkMatrix(String log, List<String> problems) {
    for (String line : log.split("\n")) {
      Matcher row = MATRIX_ROW.matcher(line);
      if (!row.matches()) {
        continue;
      }
      String[] cells = row.group(2).split("\\|");
      int[] expected = MATRIX[LIKELIHOODS.indexOf(row.group(1))];
      for (int i = 0; i < expected.length; i++) {
        if (i >= cells.length || !cells[i].trim().equals(Integer.toString(expected[i]))) {
          problems.add("the printed matrix row " + row.group(1) + " is not DCB0129's");
          break;
        }
      }
    }
  }

  private static String testProblem(String reference) {
    String className = reference.substring(0, reference.indexOf('#'));
    String methodName = reference.substring(reference.indexOf('#') + 1);
    Class<?> type;
    try {
      type = Class.forName(className, false, ClinicalSafetyLogTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return "no test class " + className;
    }
    for (Method method : type.getDeclaredMethods()) {
      if (method.getName().equals(methodName) && isTest(method)) {
        return null;
      }
    }
    return "no test method " + reference;
  }

  private static boolean isTest(Method method) {
    for (Annotation annotation : method.getAnnotations()) {
      if (TEST_ANNOTATIONS.contains(annotation.annotationType().getName())) {
        return true;
      }
    }
    return false;
  }
}
