package io.shcr.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one rule for overriding any setting from the environment:
 * {@code SHCR_<FILE>__<KEY>__<KEY>...=<value>}. {@code FILE} is the file's name without {@code .yaml}
 * and every {@code KEY} a key on the path to the setting, each in upper snake case ({@code deadlineMs}
 * is {@code DEADLINE_MS}, {@code access-policy} is {@code ACCESS_POLICY}); a double underscore goes one
 * level down, a number picks a list element. The value is read as YAML, so {@code 8081}, {@code true}
 * and {@code [a, b]} keep their types. Examples: {@code SHCR_SERVICE__HTTP__PORT=8081},
 * {@code SHCR_AUDIT__EMBEDDED__DATA_DIR=/var/lib/shcr/audit}, {@code SHCR_SOURCES__SOURCES__0__BASE_URL=...}.
 * The double underscore keeps these apart from the single-underscore secrets the files name
 * ({@code SHCR_AUDIT_KEY}, {@code SHCR_CLUSTER_SECRET}).
 */
public final class EnvOverrides {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private EnvOverrides() {}

  /** The prefix of a file's overrides: {@code SHCR_SERVICE__} for {@code service.yaml}. */
  public static String prefix(String fileName) {
    String base = fileName.endsWith(".yaml") ? fileName.substring(0, fileName.length() - 5) : fileName;
    return "SHCR_" + snake(base) + "__";
  }

  /** The file's settings with every override for it applied (sorted by name, so the result is stable). */
  public static JsonObject apply(JsonObject root, String fileName, Map<String, String> env) {
    String prefix = prefix(fileName);
    Map<String, String> mine = new TreeMap<>();
    env.forEach((name, value) -> {
      if (name.startsWith(prefix) && name.length() > prefix.length()) {
        mine.put(name, value);
      }
    });
    for (Map.Entry<String, String> override : mine.entrySet()) {
      String[] path = override.getKey().substring(prefix.length()).split("__", -1);
      set(root, path, parse(override.getValue()), override.getKey(), fileName);
    }
    return root;
  }

  private static void set(JsonObject root, String[] path, Object value, String name, String fileName) {
    Object node = root;
    for (int i = 0; i < path.length; i++) {
      boolean last = i == path.length - 1;
      if (path[i].isEmpty() || path[i].startsWith("_") || path[i].endsWith("_")) {
        throw new ConfigException(name + ": an empty key in the name (three underscores?)");
      }
      if (node instanceof JsonObject object) {
        String key = keyFor(object, path[i]);
        if (last) {
          object.put(key, value);
        } else {
          Object next = object.getValue(key);
          if (next == null) {
            next = new JsonObject();
            object.put(key, next);
          } else if (!(next instanceof JsonObject) && !(next instanceof JsonArray)) {
            throw new ConfigException(name + ": " + fileName + " has a value, not a section, at " + key);
          }
          node = next;
        }
      } else if (node instanceof JsonArray array) {
        int index = index(path[i], array, name);
        if (last) {
          array.set(index, value);
        } else {
          node = array.getValue(index);
        }
      } else {
        throw new ConfigException(name + ": " + fileName + " has no section there");
      }
    }
  }

  private static int index(String segment, JsonArray array, String name) {
    try {
      int index = Integer.parseInt(segment);
      if (index >= 0 && index < array.size()) {
        return index;
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    throw new ConfigException(name + ": " + segment + " is not an element of a list of " + array.size());
  }

  /** The existing key whose upper snake case is the segment, else the segment in camel case. */
  private static String keyFor(JsonObject object, String segment) {
    for (String key : object.fieldNames()) {
      if (snake(key).equals(segment)) {
        return key;
      }
    }
    return camel(segment);
  }

  private static Object parse(String text) {
    try {
      Object value = YAML.readValue(text, Object.class);
      if (value instanceof Map<?, ?> map) {
        return new JsonObject(cast(map));
      }
      if (value instanceof List<?> list) {
        return new JsonArray(new ArrayList<>(list));
      }
      return value == null ? text : value;
    } catch (Exception notYaml) {
      return text;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }

  /** {@code deadlineMs} and {@code deadline-ms} to {@code DEADLINE_MS}. */
  static String snake(String key) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(key.charAt(i - 1))) {
        out.append('_');
      }
      out.append(c == '-' || c == '.' ? '_' : Character.toUpperCase(c));
    }
    return out.toString();
  }

  private static String camel(String segment) {
    String[] words = segment.toLowerCase(Locale.ROOT).split("_");
    StringBuilder out = new StringBuilder(words[0]);
    for (int i = 1; i < words.length; i++) {
      if (!words[i].isEmpty()) {
        out.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
      }
    }
    return out.toString();
  }
}
