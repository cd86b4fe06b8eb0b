package io.shcr.privacy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one resource (or part of one) in a single walk of its JSON tree, at any depth, contained
 * resources and extensions included: does any Coding carry a sensitive code or a withholding security
 * label, does any Identifier name a sensitive service, does any service coding ({@link ServiceFields})
 * use a system we do not know, and which literal references does it hold. A Coding or Identifier that
 * cannot be judged (a {@code system} that is not text, a {@code code} or {@code value} beside a system
 * that is not text) counts as sensitive. It never throws: a tree it cannot read is reported as unreadable.
 */
final class ResourceInspector {

  /** What one walk found. {@code references} is complete only when nothing blocked the walk early. */
  record Inspection(boolean unreadable, boolean sensitive, boolean labelled, List<String> references) {

    static final Inspection UNREADABLE = new Inspection(true, false, false, List.of());

    /** True when the tree itself (not its links) must not be released. */
    boolean blocked() {
      return unreadable || sensitive || labelled;
    }
  }

  /**
   * An inspection, with what {@link GroupingLinks} reads from every extension found in the same walk
   * ({@code extensionLinks}); null when the walk did not reach every element (a Coding it could not
   * judge ends the walk below it), so those links must be read by a walk of their own.
   */
  record Reading(Inspection inspection, Set<String> extensionLinks) {}

  private final CodeRules rules;
  private final ServiceFields services;
  private final UnknownSystemLog unknownSystems;

  ResourceInspector(CodeRules rules, ServiceFields services, UnknownSystemLog unknownSystems) {
    this.rules = rules;
    this.services = services;
    this.unknownSystems = unknownSystems;
  }

  /**
   * Inspects a resource. With {@code stopEarly} the walk ends at the first sensitive code or label
   * (the resource is withheld, its links no longer matter).
   */
  Inspection inspect(Object resource, boolean stopEarly) {
    if (!(resource instanceof JsonObject json) || !(json.getValue("resourceType") instanceof String)) {
      return Inspection.UNREADABLE;
    }
    return inspectTree(json, stopEarly);
  }

  /** Inspects a resource completely, reading its extension links ({@link GroupingLinks}) in the same walk. */
  Reading read(Object resource) {
    if (!(resource instanceof JsonObject json) || !(json.getValue("resourceType") instanceof String)) {
      return new Reading(Inspection.UNREADABLE, null);
    }
    try {
      Walk walk = new Walk(false, new LinkedHashSet<>());
      walk.value(json);
      Inspection inspection = new Inspection(false, walk.sensitive, walk.labelled, walk.references);
      return new Reading(inspection, walk.pruned ? null : walk.extensionLinks);
    } catch (RuntimeException | StackOverflowError e) {
      return new Reading(Inspection.UNREADABLE, null);
    }
  }

  /** Inspects any JSON value (a resource's element). */
  Inspection inspectTree(Object tree, boolean stopEarly) {
    try {
      Walk walk = new Walk(stopEarly, null);
      walk.value(tree);
      return new Inspection(false, walk.sensitive, walk.labelled, walk.references);
    } catch (RuntimeException | StackOverflowError e) {
      return Inspection.UNREADABLE;
    }
  }

  private final class Walk {
    private final boolean stopEarly;
    private final List<String> references = new ArrayList<>(4);
    /** Where extension links are collected, or null when they are not wanted. */
    private final Set<String> extensionLinks;
    private boolean sensitive;
    private boolean labelled;
    /** Some element was not walked below (a Coding that could not be judged). */
    private boolean pruned;

    Walk(boolean stopEarly, Set<String> extensionLinks) {
      this.stopEarly = stopEarly;
      this.extensionLinks = extensionLinks;
    }

    private boolean done() {
      return stopEarly && (sensitive || labelled);
    }

    @SuppressWarnings("unchecked")
    void value(Object node) {
      if (node instanceof JsonObject object) {
        map(object.getMap());
      } else if (node instanceof Map<?, ?> map) {
        map((Map<String, Object>) map);
      } else if (node instanceof JsonArray array) {
        list(array.getList());
      } else if (node instanceof List<?> list) {
        list(list);
      }
    }

    private void list(List<?> list) {
      for (int i = 0, n = list.size(); i < n && !done(); i++) {
        value(list.get(i));
      }
    }

    /**
     * One element. Its fields of interest are picked out in one pass over its entries (a switch per
     * entry, rather than a look-up per field name: most elements have two or three fields); a field
     * holding null counts as absent, as it did for {@code map.get}.
     */
    private void map(Map<String, Object> map) {
      Object systemValue = null;
      Object code = null;
      Object value = null;
      Object extension = null;
      Object modifierExtension = null;
      Object security = null;
      Object securityLabel = null;
      Object resourceType = null;
      Object url = null;
      Object reference = null;
      boolean nested = false;
      for (Map.Entry<String, Object> entry : map.entrySet()) {
        Object field = entry.getValue();
        Object name = entry.getKey();
        if (field == null || !(name instanceof String key)) {
          continue;
        }
        nested |= !(field instanceof String);
        switch (key) {
          case "system" -> systemValue = field;
          case "code" -> code = field;
          case "value" -> value = field;
          case "extension" -> extension = field;
          case "modifierExtension" -> modifierExtension = field;
          case "security" -> security = field;
          case "securityLabel" -> securityLabel = field;
          case "resourceType" -> resourceType = field;
          case "url" -> url = field;
          case "reference" -> reference = field;
          default -> { }
        }
      }
      if (systemValue instanceof String system) {
        if (!judgeable(code, value)) {
          sensitive = true;
          pruned = true;
          return;
        }
        CodeRules.SystemRule rule = rules.rule(system);
        if (rule != null) {
          judge(rule, code, value);
        }
      } else if (systemValue != null) {
        sensitive = true;
        pruned = true;
        return;
      } else if (code instanceof String listed && rules.listedInAnySystem(listed)) {
        sensitive = true; // a listed code written without its system
        pruned = true;
        return;
      }
      if (extensionLinks != null) {
        GroupingLinks.extensionLinks(extension, extensionLinks);
        GroupingLinks.extensionLinks(modifierExtension, extensionLinks);
      }
      labelled |= unsystematicLabel(security) || unsystematicLabel(securityLabel);
      if (resourceType instanceof String type) {
        unknownService(services.unknownSystem(type, map));
      }
      if (url instanceof String text && services.isServiceExtension(text)) {
        unknownService(services.unknownIn(map));
      }
      if (done()) {
        return;
      }
      if (reference instanceof String literal) {
        references.add(literal);
      }
      if (!nested) {
        return; // only text: nothing below
      }
      for (Object child : map.values()) {
        if (done()) {
          return;
        }
        if (child instanceof String) {
          continue; // most values: tested first, as a final class is the cheapest test
        }
        if (child instanceof Map<?, ?> || child instanceof List<?> || child instanceof JsonObject || child instanceof JsonArray) {
          value(child);
        }
      }
    }

    /**
     * A security label written without its system ({@code meta.security: [{code: R}]}) cannot be
     * looked up by system, so any label code we withhold under any system withholds it (fail closed).
     */
    private boolean unsystematicLabel(Object labels) {
      if (labels == null) {
        return false;
      }
      List<?> list = labels instanceof JsonArray array ? array.getList() : labels instanceof List<?> l ? l : List.of();
      for (Object label : list) {
        Map<?, ?> coding = label instanceof JsonObject o ? o.getMap() : label instanceof Map<?, ?> m ? m : null;
        if (coding != null && coding.get("system") == null && coding.get("code") instanceof String code
            && rules.labelInAnySystem(code)) {
          return true;
        }
      }
      return false;
    }

    private void unknownService(String system) {
      if (system != null) {
        sensitive = true;
        unknownSystems.seen(system);
      }
    }

    /** Beside a system, a code must be text to be compared, and a value text or a number (a Quantity's). */
    private static boolean judgeable(Object code, Object value) {
      return (code == null || code instanceof String) && (value == null || value instanceof String || value instanceof Number);
    }

    private void judge(CodeRules.SystemRule rule, Object code, Object value) {
      if (code instanceof String text) {
        labelled |= rule.label(text);
        sensitive |= rule.sensitiveCode(text);
      }
      if (value instanceof String text) {
        sensitive |= rule.sensitiveIdentifier(text);
      } else if (value instanceof Number number) {
        // An identifier sent as a number (an all-digit ODS code) is compared as the text it stands for.
        sensitive |= rule.sensitiveIdentifier(number instanceof Double || number instanceof Float
            ? java.math.BigDecimal.valueOf(number.doubleValue()).stripTrailingZeros().toPlainString() : number.toString());
      }
    }
  }
}
