package io.shcr.ops;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format (0.0.4): every line is a HELP, a TYPE, or a
 * sample of a family declared by a TYPE before it; names and label names are valid; label values are
 * quoted with only the three escapes; values are floats, NaN or ±Inf. Anything else throws.
 */
final class PrometheusText {

  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped", "info", "stateset",
      "gaugehistogram", "unknown");
  private static final List<String> SUFFIXES = List.of("", "_bucket", "_count", "_sum", "_total", "_created", "_info", "_max");

  final List<Sample> samples = new ArrayList<>();
  final Map<String, String> types = new HashMap<>();

  static PrometheusText parse(String text) {
    PrometheusText parsed = new PrometheusText();
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      if (line.isEmpty()) {
        continue;
      }
      try {
        parsed.line(line);
      } catch (RuntimeException e) {
        throw new AssertionError("line " + n + " is not valid exposition format: " + line + " (" + e.getMessage() + ")", e);
      }
    }
    return parsed;
  }

  private void line(String line) {
    if (line.startsWith("# TYPE ")) {
      String[] parts = line.substring(7).split(" ");
      require(parts.length == 2 && METRIC.matcher(parts[0]).matches() && TYPES.contains(parts[1]), "bad TYPE");
      require(types.put(parts[0], parts[1]) == null, "TYPE twice for " + parts[0]);
      return;
    }
    if (line.startsWith("# HELP ")) {
      require(METRIC.matcher(line.substring(7).split(" ", 2)[0]).matches(), "bad HELP");
      return;
    }
    require(!line.startsWith("#"), "unknown comment");
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    require(METRIC.matcher(name).matches(), "bad metric name");
    require(family(name) != null, "sample of an undeclared family: " + name);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String label = line.substring(i, eq);
        require(LABEL.matcher(label).matches(), "bad label name " + label);
        require(line.charAt(eq + 1) == '"', "unquoted label value");
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\') {
            char next = line.charAt(++j);
            require(next == '\\' || next == '"' || next == 'n', "bad escape");
            value.append(next == 'n' ? '\n' : next);
          } else {
            value.append(c);
          }
        }
        require(labels.put(label, value.toString()) == null, "label twice");
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        } else {
          require(line.charAt(i) == '}', "expected , or }");
        }
      }
      i++;
    }
    require(line.charAt(i) == ' ', "expected a space before the value");
    String[] rest = line.substring(i + 1).split(" ");
    require(rest.length <= 2, "trailing text");
    samples.add(new Sample(name, labels, value(rest[0])));
  }

  private String family(String sample) {
    for (String suffix : SUFFIXES) {
      if (sample.endsWith(suffix) && types.containsKey(sample.substring(0, sample.length() - suffix.length()))) {
        return sample.substring(0, sample.length() - suffix.length());
      }
    }
    return null;
  }

  private static double value(String text) {
    return switch (text) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }

  private static void require(boolean ok, String why) {
    if (!ok) {
      throw new IllegalArgumentException(why);
    }
  }

  /** Samples with this name whose labels include all of {@code labels}. */
  List<Sample> find(String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())).toList();
  }

  double value(String name, Map<String, String> labels) {
    List<Sample> found = find(name, labels);
    if (found.isEmpty()) {
      throw new AssertionError("no series " + name + labels + " in the scrape");
    }
    return found.stream().mapToDouble(Sample::value).sum();
  }
}
