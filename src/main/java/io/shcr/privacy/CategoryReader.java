package io.shcr.privacy;

import io.shcr.config.Fields;
import io.shcr.privacy.SensitiveDataConfig.Category;
import io.shcr.privacy.SensitiveDataConfig.CodeSystem;
import io.shcr.privacy.SensitiveDataConfig.Match;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one category of {@code sensitive-data.yaml}: its code list files (each naming its source), its
 * inline codes, its classification prefixes and block ranges ({@code A50-A64}), and its service identifiers.
 */
final class CategoryReader {

  private CategoryReader() {}

  static Category read(Path configDir, JsonObject json, String where, Map<String, CodeSystem> systems, List<String> problems) {
    Fields fields = new Fields(json, where, problems);
    String name = fields.requiredString("name");
    fields.optionalString("description", "");
    Map<String, Set<String>> codes = new LinkedHashMap<>();
    readLists(configDir, json.getValue("lists"), where + ".lists", systems, codes, problems);
    readInline(fields, "codes", systems, codes, false);
    readInline(fields, "prefixes", systems, codes, true);
    Map<String, Set<String>> identifiers = readIdentifiers(json.getValue("identifiers"), where + ".identifiers", problems);
    if (codes.values().stream().allMatch(Set::isEmpty) && identifiers.values().stream().allMatch(Set::isEmpty)) {
      problems.add(where + ": a category needs at least one code (from a list, inline or a prefix) or service"
          + " identifier value; empty lists do not count");
    }
    return new Category(name, codes, identifiers);
  }

  private static void readLists(
      Path configDir, Object value, String where, Map<String, CodeSystem> systems, Map<String, Set<String>> codes, List<String> problems) {
    if (value == null) {
      return;
    }
    if (!(value instanceof JsonArray array)) {
      problems.add(where + ": expected a list, found " + value);
      return;
    }
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      Fields entry = new Fields(item instanceof JsonObject o ? o : null, where + "[" + i + "]", problems);
      String file = entry.requiredString("file");
      String system = entry.requiredString("system");
      entry.requiredString("source");
      CodeSystem codeSystem = system == null ? null : systems.get(system);
      if (system != null && codeSystem == null) {
        entry.problem("system", "unknown code system " + system + " (not under codeSystems)");
      }
      if (file == null || codeSystem == null) {
        continue;
      }
      Set<String> read = CodeListFile.read(configDir.resolve(file), entry.where() + ".file", problems);
      Set<String> target = codes.computeIfAbsent(system, k -> new LinkedHashSet<>());
      read.forEach(code -> target.add(CodeRules.normalize(codeSystem.match(), code)));
    }
  }

  private static void readInline(
      Fields parent, String key, Map<String, CodeSystem> systems, Map<String, Set<String>> codes, boolean prefixes) {
    JsonObject json = parent.object(key);
    Fields fields = parent.nested(key);
    for (String system : json.fieldNames()) {
      CodeSystem codeSystem = systems.get(system);
      if (codeSystem == null) {
        fields.problem(system, "unknown code system (not under codeSystems)");
        continue;
      }
      if (prefixes && codeSystem.match() != Match.CLASSIFICATION) {
        fields.problem(system, "prefixes apply only to classification code systems (ICD-10, OPCS-4)");
        continue;
      }
      Set<String> target = codes.computeIfAbsent(system, k -> new LinkedHashSet<>());
      for (String entry : fields.stringList(system, false)) {
        if (prefixes) {
          expandRange(entry, fields, system, target);
        } else if (entry.isBlank()) {
          fields.problem(system, "blank code");
        } else {
          target.add(CodeRules.normalize(codeSystem.match(), entry.strip()));
        }
      }
    }
  }

  /** {@code A50-A64} gives A50, A51, ... A64; a single entry is itself. */
  static void expandRange(String entry, Fields fields, String system, Set<String> target) {
    String text = entry.strip();
    int dash = text.indexOf('-');
    if (dash < 0) {
      String code = CodeRules.normalize(Match.CLASSIFICATION, text);
      if (code.isEmpty()) {
        fields.problem(system, "blank prefix");
      } else {
        target.add(code);
      }
      return;
    }
    String from = CodeRules.normalize(Match.CLASSIFICATION, text.substring(0, dash));
    String to = CodeRules.normalize(Match.CLASSIFICATION, text.substring(dash + 1));
    int digits = trailingDigits(from);
    if (from.length() != to.length() || digits == 0 || digits != trailingDigits(to)
        || !from.regionMatches(0, to, 0, from.length() - digits)) {
      fields.problem(system, "bad range " + entry + " (expected e.g. A50-A64: same letters, same number of digits)");
      return;
    }
    String stem = from.substring(0, from.length() - digits);
    int start = Integer.parseInt(from.substring(from.length() - digits));
    int end = Integer.parseInt(to.substring(to.length() - digits));
    if (start > end) {
      fields.problem(system, "bad range " + entry + " (start after end)");
      return;
    }
    for (int n = start; n <= end; n++) {
      String number = Integer.toString(n);
      target.add(stem + "0".repeat(digits - number.length()) + number);
    }
  }

  private static int trailingDigits(String code) {
    int count = 0;
    for (int i = code.length() - 1; i >= 0 && Character.isDigit(code.charAt(i)); i--) {
      count++;
    }
    return Math.min(count, 6);
  }

  private static Map<String, Set<String>> readIdentifiers(Object value, String where, List<String> problems) {
    Map<String, Set<String>> identifiers = new LinkedHashMap<>();
    if (value == null) {
      return identifiers;
    }
    if (!(value instanceof JsonArray array)) {
      problems.add(where + ": expected a list, found " + value);
      return identifiers;
    }
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      Fields entry = new Fields(item instanceof JsonObject o ? o : null, where + "[" + i + "]", problems);
      String system = entry.requiredString("system");
      List<String> values = entry.stringList("values", false);
      if (system != null) {
        identifiers.computeIfAbsent(system, k -> new LinkedHashSet<>()).addAll(values);
      }
    }
    return identifiers;
  }
}
