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
 */
public record SensitiveDataConfig(
    Map<String, CodeSystem> codeSystems,
    List<SecurityLabel> securityLabels,
    Set<String> notFetched,
    List<Category> categories) {

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
    return new SensitiveDataConfig(systems, labels, notFetched, categories);
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
        if (!seenUris.add(uri)) {
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
