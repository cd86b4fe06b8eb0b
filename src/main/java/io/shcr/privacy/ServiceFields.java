package io.shcr.privacy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges service codings ({@link ServiceCodings}): finds, in the governed fields of one resource (or in a
 * service extension), a Coding whose system is not known there. Such a resource names a clinic, service or
 * specialty we cannot recognise, and an unrecognised clinic may be a sexual health clinic: the caller
 * withholds it. A Coding is any object below the field with a {@code code}, or with a {@code system} and no
 * {@code value} (an Identifier); one without a system is unknown too, and so is a governed field that is
 * not an object or a list (a bare {@code "serviceType": "360"} cannot be judged). Immutable, shared by every thread.
 */
final class ServiceFields {

  /** Reported for a Coding that has no system at all. */
  static final String NO_SYSTEM = "(no system)";
  /** Reported for a governed field that is neither an object nor a list (a bare string or number). */
  static final String NOT_CODED = "(not a CodeableConcept or Coding)";

  private final CodeRules rules;
  private final Map<String, List<String[]>> pathsByType = new HashMap<>();
  private final Set<String> extensionUrls = new HashSet<>();

  ServiceFields(ServiceCodings config, CodeRules rules) {
    this.rules = rules;
    config.fields().forEach((type, paths) ->
        pathsByType.put(type, paths.stream().map(path -> path.split("\\.")).toList()));
    config.extensions().forEach(url -> extensionUrls.add(SensitiveDataConfig.normalizeUri(url)));
  }

  /** The first unknown system in the governed fields of a resource of this type, or null when all are known. */
  String unknownSystem(String resourceType, Map<String, Object> resource) {
    List<String[]> paths = pathsByType.get(resourceType);
    if (paths == null) {
      return null;
    }
    for (String[] path : paths) {
      String unknown = follow(resource, path, 0);
      if (unknown != null) {
        return unknown;
      }
    }
    return null;
  }

  /** True when this extension url carries a service coding. */
  boolean isServiceExtension(String url) {
    return !extensionUrls.isEmpty() && extensionUrls.contains(SensitiveDataConfig.normalizeUri(url));
  }

  /** The first unknown system in any Coding of this tree (a governed field's value, a service extension). */
  String unknownIn(Object tree) {
    Map<String, Object> map = asMap(tree);
    if (map != null) {
      if (isCoding(map)) {
        String system = map.get("system") instanceof String s && !s.isBlank() ? s : null;
        if (system == null) {
          return NO_SYSTEM;
        }
        CodeRules.SystemRule rule = rules.rule(system);
        if (rule == null || !rule.knownForServices() || (map.get("code") != null && !(map.get("code") instanceof String))) {
          return system;
        }
      }
      for (Object child : map.values()) {
        String unknown = unknownIn(child);
        if (unknown != null) {
          return unknown;
        }
      }
      return null;
    }
    List<?> list = asList(tree);
    if (list != null) {
      for (Object item : list) {
        String unknown = unknownIn(item);
        if (unknown != null) {
          return unknown;
        }
      }
    }
    return null;
  }

  private String follow(Object node, String[] path, int depth) {
    List<?> list = asList(node);
    if (list != null) {
      for (Object item : list) {
        String unknown = follow(item, path, depth);
        if (unknown != null) {
          return unknown;
        }
      }
      return null;
    }
    if (depth == path.length) {
      return node == null || asMap(node) != null ? unknownIn(node) : NOT_CODED;
    }
    Map<String, Object> map = asMap(node);
    return map == null ? null : follow(map.get(path[depth]), path, depth + 1);
  }

  /** A Coding, or something trying to pass for one; an Identifier (system and value) is not. */
  private static boolean isCoding(Map<String, Object> map) {
    return map.containsKey("code") || (map.containsKey("system") && !map.containsKey("value"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object node) {
    if (node instanceof JsonObject json) {
      return json.getMap();
    }
    return node instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
  }

  private static List<?> asList(Object node) {
    if (node instanceof JsonArray array) {
      return array.getList();
    }
    return node instanceof List<?> list ? list : null;
  }
}
