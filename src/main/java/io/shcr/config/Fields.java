package io.shcr.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads of one configuration entry that collect every problem (with the entry's name and the
 * field) instead of stopping at the first, so an operator fixes a file in one pass.
 */
public final class Fields {

  private final JsonObject json;
  private final String where;
  private final List<String> problems;

  public Fields(JsonObject json, String where, List<String> problems) {
    this.json = json == null ? new JsonObject() : json;
    this.where = where;
    this.problems = problems;
  }

  public String requiredString(String field) {
    Object value = json.getValue(field);
    if (value instanceof String s && !s.isBlank()) {
      return s;
    }
    problems.add(where + "." + field + ": required text is missing");
    return null;
  }

  public String optionalString(String field, String fallback) {
    Object value = json.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (value instanceof String s) {
      return s;
    }
    problems.add(where + "." + field + ": expected text, found " + value);
    return fallback;
  }

  public boolean bool(String field, Boolean fallback) {
    Object value = json.getValue(field);
    if (value == null) {
      if (fallback == null) {
        problems.add(where + "." + field + ": required true/false is missing");
        return false;
      }
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    problems.add(where + "." + field + ": expected true or false, found " + value);
    return fallback != null && fallback;
  }

  /** A whole number in [min, max]; the fallback when absent (null fallback means required). */
  public long number(String field, Long fallback, long min, long max) {
    Object value = json.getValue(field);
    if (value == null) {
      if (fallback == null) {
        problems.add(where + "." + field + ": required number is missing");
        return min;
      }
      return fallback;
    }
    if (value instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() >= min && n.longValue() <= max) {
      return n.longValue();
    }
    problems.add(where + "." + field + ": expected a whole number from " + min + " to " + max + ", found " + value);
    return fallback == null ? min : fallback;
  }

  public List<String> stringList(String field, boolean required) {
    Object value = json.getValue(field);
    List<String> out = new ArrayList<>();
    if (value == null) {
      if (required) {
        problems.add(where + "." + field + ": required list is missing");
      }
      return out;
    }
    if (!(value instanceof JsonArray array)) {
      problems.add(where + "." + field + ": expected a list, found " + value);
      return out;
    }
    for (Object item : array) {
      if (item instanceof String s) {
        out.add(s);
      } else {
        problems.add(where + "." + field + ": expected text items, found " + item);
      }
    }
    return out;
  }

  public JsonObject object(String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return new JsonObject();
    }
    if (value instanceof JsonObject o) {
      return o;
    }
    problems.add(where + "." + field + ": expected a mapping, found " + value);
    return new JsonObject();
  }

  /** The fields of a nested mapping, reporting into the same problem list. */
  public Fields nested(String field) {
    return new Fields(object(field), where + "." + field, problems);
  }

  public void problem(String field, String message) {
    problems.add(where + "." + field + ": " + message);
  }

  public String where() {
    return where;
  }
}
