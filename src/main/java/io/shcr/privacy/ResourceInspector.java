package io.shcr.privacy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads one resource (or part of one) in a single walk of its JSON tree, at any depth, contained
 * resources and extensions included: does any Coding carry a sensitive code or a withholding security
 * label, does any Identifier name a sensitive service, and which literal references does it hold.
 * It never throws: a tree it cannot read is reported as unreadable.
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

  private final CodeRules rules;

  ResourceInspector(CodeRules rules) {
    this.rules = rules;
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

  /** Inspects any JSON value (a resource's element). */
  Inspection inspectTree(Object tree, boolean stopEarly) {
    try {
      Walk walk = new Walk(stopEarly);
      walk.value(tree);
      return new Inspection(false, walk.sensitive, walk.labelled, walk.references);
    } catch (RuntimeException | StackOverflowError e) {
      return Inspection.UNREADABLE;
    }
  }

  private final class Walk {
    private final boolean stopEarly;
    private final List<String> references = new ArrayList<>(4);
    private boolean sensitive;
    private boolean labelled;

    Walk(boolean stopEarly) {
      this.stopEarly = stopEarly;
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

    private void map(Map<String, Object> map) {
      if (map.get("system") instanceof String system) {
        CodeRules.SystemRule rule = rules.rule(system);
        if (rule != null) {
          judge(rule, map);
        }
      }
      if (map.get("reference") instanceof String reference) {
        references.add(reference);
      }
      for (Object child : map.values()) {
        if (done()) {
          return;
        }
        if (child instanceof Map<?, ?> || child instanceof List<?> || child instanceof JsonObject || child instanceof JsonArray) {
          value(child);
        }
      }
    }

    private void judge(CodeRules.SystemRule rule, Map<String, Object> map) {
      if (map.get("code") instanceof String code) {
        labelled |= rule.label(code);
        sensitive |= rule.sensitiveCode(code);
      }
      if (map.get("value") instanceof String value) {
        sensitive |= rule.sensitiveIdentifier(value);
      }
    }
  }
}
