package io.shcr.privacy;

import io.shcr.config.ConfigException;
import io.shcr.config.Fields;
import io.shcr.config.YamlFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of {@code sensitive-data.yaml} and the code list files it names, read and validated once at
 * start-up. Every problem is collected and reported together, naming the file, the entry and the field.
 *
 * @param codeSystems code systems by short name: their URIs and how codes are compared
 * @param securityLabels labels (system and codes) that withhold whatever carries them
 * @param notFetched reference target types never fetched to judge a link
 * @param categories the sensitive categories with their codes and service identifiers
 * @param aliases groups of URIs that name the same code or identifier system (normalized: see
 *     {@link #normalizeUri}); whatever is listed under one URI of a group applies to all of them
 * @param serviceCodings the fields that name a service, clinic or specialty, and the systems known there
 */
public record SensitiveDataConfig(
    Map<String, CodeSystem> codeSystems,
    List<SecurityLabel> securityLabels,
    Set<String> notFetched,
    List<Category> categories,
    List<Set<String>> aliases,
    ServiceCodings serviceCodings) {

  public static final String FILE = "sensitive-data.yaml";

  /** How a code is compared with a list. */
  public enum Match {
    /** As written. */
    EXACT,
    /** The first 5 characters (a Read v2 code without its term suffix). */
    READ_V2,
    /** Upper case without dots, spaces or dagger/asterisk marks; every listed code is a prefix. */
    CLASSIFICATION
  }

  public record CodeSystem(String name, Match match, List<String> uris) {}

  public record SecurityLabel(String system, Set<String> codes) {}

  /**
   * @param codes listed codes by code system short name (for classification systems, the expanded prefixes too)
   * @param identifiers service identifier values (ODS codes, ...) by identifier system URI
   */
  public record Category(String name, Map<String, Set<String>> codes, Map<String, Set<String>> identifiers) {}

  private static final List<String> DEFAULT_NOT_FETCHED =
      List.of("Patient", "Practitioner", "PractitionerRole", "Organization", "RelatedPerson", "Device", "Group");

  public static SensitiveDataConfig load(Path configDir) {
    Path file = configDir.resolve(FILE);
    return fromJson(configDir, YamlFiles.read(file));
  }

  public static SensitiveDataConfig fromJson(Path configDir, JsonObject root) {
    List<String> problems = new ArrayList<>();
    Fields top = new Fields(root, "sensitive-data", problems);
    Map<String, CodeSystem> systems = codeSystems(top, problems);
    List<SecurityLabel> labels = securityLabels(root.getValue("securityLabels"), problems);
    List<Set<String>> aliases = aliases(root.getValue("aliases"), problems);
    ServiceCodings serviceCodings = ServiceCodings.read(root, systems, problems);
    List<String> notFetchedList = top.nested("links").stringList("notFetched", false);
    Set<String> notFetched = new LinkedHashSet<>(notFetchedList.isEmpty() ? DEFAULT_NOT_FETCHED : notFetchedList);
    List<Category> categories = new ArrayList<>();
    Object list = root.getValue("categories");
    if (!(list instanceof JsonArray array) || array.isEmpty()) {
      top.problem("categories", "expected a list of at least one category");
    } else {
      Set<String> names = new LinkedHashSet<>();
      for (int i = 0; i < array.size(); i++) {
        Object item = array.getValue(i);
        if (!(item instanceof JsonObject json)) {
          problems.add("sensitive-data.categories[" + i + "]: expected a mapping");
          continue;
        }
        Category category = CategoryReader.read(configDir, json, "sensitive-data.categories[" + i + "]", systems, problems);
        if (category.name() != null && !names.add(category.name())) {
          problems.add("sensitive-data.categories[" + i + "].name: duplicate category " + category.name());
        }
        categories.add(category);
      }
    }
    if (!problems.isEmpty()) {
      throw ConfigException.of(configDir.resolve(FILE).toString(), problems);
    }
    return new SensitiveDataConfig(systems, labels, notFetched, categories, aliases, serviceCodings);
  }

  /**
   * A system URI as it is compared: without surrounding blanks or trailing slashes, in lower case
   * ({@code HTTP://Snomed.info/sct/} is {@code http://snomed.info/sct}). Returns the same instance when
   * it is already normal, so the hot path allocates nothing for well-formed URIs.
   */
  public static String normalizeUri(String uri) {
    int end = uri.length();
    boolean normal = end > 0 && uri.charAt(end - 1) != '/' && !Character.isWhitespace(uri.charAt(0))
        && !Character.isWhitespace(uri.charAt(end - 1));
    for (int i = 0; i < end && normal; i++) {
      char c = uri.charAt(i);
      normal = !(c >= 'A' && c <= 'Z') && c < 128;
    }
    if (normal) {
      return uri;
    }
    String out = uri.strip().toLowerCase(java.util.Locale.ROOT);
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }

  private static List<Set<String>> aliases(Object value, List<String> problems) {
    List<Set<String>> groups = new ArrayList<>();
    if (value == null) {
      return groups;
    }
    if (!(value instanceof JsonArray array)) {
      problems.add("sensitive-data.aliases: expected a list of lists of URIs, found " + value);
      return groups;
    }
    Map<String, Integer> groupOf = new LinkedHashMap<>();
    for (int i = 0; i < array.size(); i++) {
      String where = "sensitive-data.aliases[" + i + "]";
      if (!(array.getValue(i) instanceof JsonArray uris) || uris.size() < 2) {
        problems.add(where + ": expected a list of at least two URIs naming the same system");
        continue;
      }
      Set<String> group = new LinkedHashSet<>();
      for (Object uri : uris) {
        if (!(uri instanceof String text) || text.isBlank()) {
          problems.add(where + ": expected URIs, found " + uri);
          continue;
        }
        String normal = normalizeUri(text);
        Integer other = groupOf.putIfAbsent(normal, i);
        if (other != null && other != i) {
          problems.add(where + ": " + text + " is already in aliases[" + other + "]");
        }
        group.add(normal);
      }
      groups.add(Set.copyOf(group));
    }
    return groups;
  }

  private static Map<String, CodeSystem> codeSystems(Fields top, List<String> problems) {
    Map<String, CodeSystem> systems = new LinkedHashMap<>();
    JsonObject json = top.object("codeSystems");
    if (json.isEmpty()) {
      top.problem("codeSystems", "required mapping of code systems is missing");
    }
    Set<String> seenUris = new LinkedHashSet<>();
    for (String name : json.fieldNames()) {
      Fields fields = top.nested("codeSystems").nested(name);
      String match = fields.requiredString("match");
      Match mode = switch (match == null ? "" : match) {
        case "exact" -> Match.EXACT;
        case "read-v2" -> Match.READ_V2;
        case "classification" -> Match.CLASSIFICATION;
        default -> {
          if (match != null) {
            fields.problem("match", "expected exact, read-v2 or classification, found " + match);
          }
          yield Match.EXACT;
        }
      };
      List<String> uris = fields.stringList("uris", true);
      for (String uri : uris) {
        if (!seenUris.add(normalizeUri(uri))) {
          fields.problem("uris", uri + " is already listed under another code system");
        }
      }
      systems.put(name, new CodeSystem(name, mode, List.copyOf(uris)));
    }
    return systems;
  }

  private static List<SecurityLabel> securityLabels(Object value, List<String> problems) {
    List<SecurityLabel> labels = new ArrayList<>();
    if (value == null) {
      return labels;
    }
    if (!(value instanceof JsonArray array)) {
      problems.add("sensitive-data.securityLabels: expected a list, found " + value);
      return labels;
    }
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      Fields fields = new Fields(item instanceof JsonObject o ? o : null, "sensitive-data.securityLabels[" + i + "]", problems);
      String system = fields.requiredString("system");
      List<String> codes = fields.stringList("codes", true);
      if (system != null) {
        labels.add(new SecurityLabel(system, Set.copyOf(codes)));
      }
    }
    return labels;
  }
}
