package io.shcr.privacy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The references by which a resource files other resources under itself: what it groups. Whatever a
 * withheld resource groups is withheld with it (the results of a withheld report, the entries of a
 * withheld consultation, what GP Connect files under a withheld problem), while a resource that merely
 * groups a withheld one is withheld without taking its other members down with it (a report with one
 * withheld result; a clinical area list with one withheld entry).
 *
 * <p>Grouping links: every {@code extension} or {@code modifierExtension} at any depth whose
 * {@code valueReference} is literal (GP Connect's related clinical content, problem links and the like;
 * only clinical targets count, see {@link LinkGraph}), and per type: List {@code entry.item},
 * DiagnosticReport {@code result}, {@code imagingStudy}, {@code media.link}, Observation {@code hasMember},
 * CarePlan {@code activity.reference} and {@code activity.outcomeReference}, Composition
 * {@code section.entry} (nested sections too), Condition {@code evidence.detail} and
 * {@code stage.assessment}, Procedure {@code report}. Links the other way (a dispense's prescription, a
 * result's encounter) are ordinary references: a resource pointing at a withheld one is withheld anyway.
 */
final class GroupingLinks {

  private GroupingLinks() {}

  /**
   * As {@link #of(JsonObject)}, given the links of every extension of the resource already read (by the
   * inspector's walk, with {@link #extensionLinks}); null reads them here.
   */
  static Set<String> of(JsonObject resource, Set<String> extensionLinks) {
    if (extensionLinks == null) {
      return of(resource);
    }
    Set<String> out = new LinkedHashSet<>(extensionLinks);
    try {
      byType(resource, out);
    } catch (RuntimeException | StackOverflowError e) {
      // as in of(resource)
    }
    return out;
  }

  /** The literal references the resource groups; never throws (an unreadable tree gives what was read). */
  static Set<String> of(JsonObject resource) {
    Set<String> out = new LinkedHashSet<>();
    try {
      extensions(resource.getMap(), out);
      byType(resource, out);
    } catch (RuntimeException | StackOverflowError e) {
      // the resource is judged unreadable by the inspector; what was found still counts
    }
    return out;
  }

  private static void byType(JsonObject resource, Set<String> out) {
    Object type = resource.getValue("resourceType");
    if (!(type instanceof String name)) {
      return;
    }
    switch (name) {
      case "List" -> path(resource.getValue("entry"), out, "item");
      case "DiagnosticReport" -> {
        path(resource.getValue("result"), out);
        path(resource.getValue("imagingStudy"), out);
        path(resource.getValue("media"), out, "link");
      }
      case "Observation" -> path(resource.getValue("hasMember"), out);
      case "CarePlan" -> {
        path(resource.getValue("activity"), out, "reference");
        path(resource.getValue("activity"), out, "outcomeReference");
      }
      case "Composition" -> sections(resource.getValue("section"), out);
      case "Condition" -> {
        path(resource.getValue("evidence"), out, "detail");
        path(resource.getValue("stage"), out, "assessment");
      }
      case "Procedure" -> path(resource.getValue("report"), out);
      default -> { }
    }
  }

  private static void sections(Object sections, Set<String> out) {
    for (Object section : items(sections)) {
      Object entry = field(section, "entry");
      path(entry, out);
      sections(field(section, "section"), out);
    }
  }

  /** Follows the named fields from a value (each may be a list) to its References. */
  private static void path(Object value, Set<String> out, String... fields) {
    path(value, out, fields, 0);
  }

  private static void path(Object value, Set<String> out, String[] fields, int depth) {
    for (Object item : items(value)) {
      if (depth == fields.length) {
        if (field(item, "reference") instanceof String reference) {
          out.add(reference);
        }
      } else {
        path(field(item, fields[depth]), out, fields, depth + 1);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void extensions(Object node, Set<String> out) {
    if (node instanceof JsonObject object) {
      extensions(object.getMap(), out);
    } else if (node instanceof Map<?, ?> map) {
      for (Map.Entry<String, Object> entry : ((Map<String, Object>) map).entrySet()) {
        String key = entry.getKey();
        if ("extension".equals(key) || "modifierExtension".equals(key)) {
          extensionLinks(entry.getValue(), out);
        }
        extensions(entry.getValue(), out);
      }
    } else if (node instanceof JsonArray array) {
      extensions(array.getList(), out);
    } else if (node instanceof List<?> list) {
      for (Object item : list) {
        extensions(item, out);
      }
    }
  }

  /** The literal {@code valueReference} of each extension in an {@code extension} or {@code modifierExtension} value. */
  static void extensionLinks(Object extensions, Set<String> out) {
    if (extensions == null) {
      return; // most elements: no iterator made
    }
    for (Object extension : items(extensions)) {
      if (field(field(extension, "valueReference"), "reference") instanceof String reference) {
        out.add(reference);
      }
    }
  }

  private static List<?> items(Object value) {
    if (value instanceof JsonArray array) {
      return array.getList();
    }
    if (value instanceof List<?> list) {
      return list;
    }
    return value == null ? List.of() : List.of(value);
  }

  private static Object field(Object value, String name) {
    if (value instanceof JsonObject json) {
      return json.getValue(name);
    }
    return value instanceof Map<?, ?> map ? map.get(name) : null;
  }
}
