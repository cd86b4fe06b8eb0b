package io.shcr.privacy;

import io.shcr.privacy.SensitiveDataConfig.Category;
import io.shcr.privacy.SensitiveDataConfig.CodeSystem;
import io.shcr.privacy.SensitiveDataConfig.Match;
import io.shcr.privacy.SensitiveDataConfig.SecurityLabel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The configured rules precomputed for the hot path: one hash lookup on a Coding's or Identifier's
 * {@code system} URI (normalized, every configured alias registered) gives everything needed to judge its code or value (sensitive codes, classification
 * prefixes, security labels, service identifiers). No regex, no allocation for exact codes.
 */
final class CodeRules {

  /** What is listed for one system URI. Immutable after construction, shared by every thread. */
  static final class SystemRule {
    private final Match match;
    private final Set<String> codes = new HashSet<>();
    private final Set<String> labels = new HashSet<>();
    private final Set<String> identifierValues = new HashSet<>();
    private int[] prefixLengths = new int[0];
    private boolean knownForServices;

    private SystemRule(Match match) {
      this.match = match;
    }

    boolean sensitiveCode(String code) {
      if (codes.isEmpty()) {
        return false;
      }
      if (!comparable(code.strip(), match == Match.CLASSIFICATION)) {
        return true; // a code we cannot compare may still be the sensitive one a reader's system shows
      }
      String normal = normalize(match, code);
      if (match != Match.CLASSIFICATION) {
        return codes.contains(normal);
      }
      for (int length : prefixLengths) {
        if (length > normal.length()) {
          break;
        }
        if (codes.contains(length == normal.length() ? normal : normal.substring(0, length))) {
          return true;
        }
      }
      return false;
    }

    boolean label(String code) {
      return labels.contains(code);
    }

    boolean sensitiveIdentifier(String value) {
      return !identifierValues.isEmpty() && identifierValues.contains(value.strip());
    }

    /** True when the lists name every sensitive service code of this system (serviceCodings.knownSystems). */
    boolean knownForServices() {
      return knownForServices;
    }
  }

  private final Map<String, SystemRule> bySystem = new HashMap<>();
  private final Map<String, Set<String>> aliasesOf = new HashMap<>();

  CodeRules(SensitiveDataConfig config) {
    for (Set<String> group : config.aliases()) {
      group.forEach(uri -> aliasesOf.put(uri, group));
    }
    Map<String, CodeSystem> systems = config.codeSystems();
    for (Category category : config.categories()) {
      category.codes().forEach((name, codes) -> {
        CodeSystem system = systems.get(name);
        for (String uri : system.uris()) {
          forEachUri(uri, u -> ruleFor(u, system.match()).codes.addAll(codes));
        }
      });
      category.identifiers().forEach((uri, values) -> forEachUri(uri, u -> ruleFor(u, Match.EXACT).identifierValues.addAll(values)));
    }
    for (SecurityLabel label : config.securityLabels()) {
      forEachUri(label.system(), u -> ruleFor(u, Match.EXACT).labels.addAll(label.codes()));
    }
    for (String name : config.serviceCodings().knownSystems()) {
      CodeSystem system = systems.get(name);
      for (String uri : system.uris()) {
        forEachUri(uri, u -> ruleFor(u, system.match()).knownForServices = true);
      }
    }
    for (SystemRule rule : bySystem.values()) {
      if (rule.match == Match.CLASSIFICATION) {
        TreeSet<Integer> lengths = new TreeSet<>();
        rule.codes.forEach(code -> lengths.add(code.length()));
        rule.prefixLengths = lengths.stream().mapToInt(Integer::intValue).toArray();
      }
    }
  }

  /** The URI (normalized) and every alias of it. */
  private void forEachUri(String uri, java.util.function.Consumer<String> action) {
    String normal = SensitiveDataConfig.normalizeUri(uri);
    Set<String> group = aliasesOf.get(normal);
    if (group == null) {
      action.accept(normal);
    } else {
      group.forEach(action);
    }
  }

  private SystemRule ruleFor(String uri, Match match) {
    SystemRule rule = bySystem.computeIfAbsent(uri, k -> new SystemRule(match));
    return rule.match == match || match == Match.EXACT ? rule : replaceMatch(uri, rule, match);
  }

  private SystemRule replaceMatch(String uri, SystemRule existing, Match match) {
    SystemRule rule = new SystemRule(match);
    rule.codes.addAll(existing.codes);
    rule.labels.addAll(existing.labels);
    rule.identifierValues.addAll(existing.identifierValues);
    rule.knownForServices = existing.knownForServices;
    bySystem.put(uri, rule);
    return rule;
  }

  /**
   * The rule for a system URI (any alias, any case, trailing slash ignored), or null when nothing is listed
   * for it. A URI below a configured one, segment by segment, is that system: SNOMED CT's edition and version
   * URIs ({@code http://snomed.info/sct/83821000000107/version/20250101}) belong in {@code Coding.version}, but
   * sources put them in {@code system}, and a code must not escape its lists for that. A bare OID is its
   * {@code urn:oid:} URI.
   */
  /** True when {@code code} is a withholding security label under any system we know. */
  boolean labelInAnySystem(String code) {
    for (SystemRule rule : distinctRules()) {
      if (rule.label(code.strip())) {
        return true;
      }
    }
    return false;
  }

  private List<SystemRule> distinctRules() {
    if (distinctRules == null) {
      java.util.Set<SystemRule> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      distinct.addAll(bySystem.values());
      distinctRules = List.copyOf(distinct);
    }
    return distinctRules;
  }

  /**
   * True when a code written without a system is a listed sensitive code of any system we know: it
   * cannot be judged by its system, and a reader's system (or the display beside it) may still show it
   * for what it is. An ordinary system-less code (an Encounter class {@code AMB}) is on no list.
   */
  boolean listedInAnySystem(String code) {
    for (SystemRule rule : distinctRules()) {
      if (rule.sensitiveCode(code)) {
        return true;
      }
    }
    return false;
  }

  private volatile List<SystemRule> distinctRules;

  SystemRule rule(String system) {
    String normal = SensitiveDataConfig.normalizeUri(system);
    SystemRule rule = bySystem.get(normal);
    if (rule != null) {
      return rule;
    }
    if (!normal.isEmpty() && normal.charAt(0) >= '0' && normal.charAt(0) <= '2' && normal.indexOf(':') < 0) {
      // A bare OID (2.16.840.1.113883.6.96) is the urn:oid: URI it stands for.
      return bySystem.get("urn:oid:" + normal);
    }
    int scheme = normal.indexOf("://");
    int cut = normal.lastIndexOf('/');
    while (scheme > 0 && cut > scheme + 3) {
      normal = normal.substring(0, cut);
      rule = bySystem.get(normal);
      if (rule != null) {
        return rule;
      }
      cut = normal.lastIndexOf('/');
    }
    return null;
  }

  /** Every URI (normalized, aliases included) known in service codings, for the start-up log. */
  java.util.List<String> serviceSystemUris() {
    return bySystem.entrySet().stream().filter(e -> e.getValue().knownForServices).map(Map.Entry::getKey).sorted().toList();
  }

  /**
   * True when a code of a system with a code list can be compared with it: printable ASCII only (no
   * zero-width or full-width characters, no control characters) and, except for classifications (whose
   * spaces are ignored), no space inside. A source that writes {@code 86406008} with a zero-width space
   * or in full-width digits must not pass as an unknown code while its display reads HIV.
   */
  static boolean comparable(String stripped, boolean spacesAllowed) {
    for (int i = 0; i < stripped.length(); i++) {
      char c = stripped.charAt(i);
      if (c < 0x20 || c > 0x7E || (c == ' ' && !spacesAllowed)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A code as it is compared: Read v2 without its term suffix; classifications without dots or marks;
   * an all-digit exact code (SNOMED CT, specialty) without leading zeros, which no SNOMED CT identifier has
   * and a reader's system may drop.
   */
  static String normalize(Match match, String code) {
    return switch (match) {
      case EXACT -> withoutLeadingZeros(code.strip());
      case READ_V2 -> {
        String c = code.strip();
        yield c.length() > 5 ? c.substring(0, 5) : c;
      }
      case CLASSIFICATION -> classification(code);
    };
  }

  private static String withoutLeadingZeros(String code) {
    int start = 0;
    while (start < code.length() - 1 && code.charAt(start) == '0') {
      start++;
    }
    if (start == 0) {
      return code;
    }
    for (int i = start; i < code.length(); i++) {
      if (code.charAt(i) < '0' || code.charAt(i) > '9') {
        return code;
      }
    }
    return code.substring(start);
  }

  private static String classification(String code) {
    boolean clean = true;
    for (int i = 0; i < code.length() && clean; i++) {
      char c = code.charAt(i);
      clean = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    if (clean) {
      return code;
    }
    StringBuilder out = new StringBuilder(code.length());
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '.' || c == '+' || c == '*' || c == '\u2020' || Character.isWhitespace(c)) {
        continue;
      }
      out.append(Character.toUpperCase(c));
    }
    return out.toString();
  }
}
