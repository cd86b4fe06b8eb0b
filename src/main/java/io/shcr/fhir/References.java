package io.shcr.fhir;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Reading FHIR {@code Reference} values wherever they sit in a resource. */
public final class References {

  private References() {}

  /**
   * The {@code Type/id} tail of a literal reference: {@code Condition/1},
   * {@code https://x/fhir/Condition/1} and {@code Condition/1/_history/2} all give {@code Condition/1}.
   * Contained ({@code #id}) and unparseable references come back unchanged.
   */
  public static String localPart(String reference) {
    if (reference == null || reference.startsWith("#")) {
      return reference;
    }
    // The last two '/'-separated parts (trailing slashes ignored), found without splitting: this runs for
    // every reference the privacy filter and the index meet.
    int history = reference.indexOf("/_history/");
    int end = history >= 0 ? history : reference.length();
    while (end > 0 && reference.charAt(end - 1) == '/') {
      end--;
    }
    int last = end == 0 ? -1 : reference.lastIndexOf('/', end - 1);
    if (last < 0) {
      return reference;
    }
    int start = last == 0 ? 0 : reference.lastIndexOf('/', last - 1) + 1;
    return start == 0 && end == reference.length() ? reference : reference.substring(start, end);
  }

  /** The resource type named by a literal reference, or null. */
  public static String typeOf(String reference) {
    String local = localPart(reference);
    if (local == null || local.startsWith("#")) {
      return null;
    }
    int slash = local.indexOf('/');
    return slash > 0 ? local.substring(0, slash) : null;
  }

  /** Every {@code reference} string anywhere in the JSON tree (including inside contained resources). */
  public static List<String> allIn(JsonObject resource) {
    List<String> found = new ArrayList<>();
    walk(resource, found::add);
    return found;
  }

  private static void walk(Object node, Consumer<String> sink) {
    if (node instanceof JsonObject object) {
      for (var entry : object) {
        if ("reference".equals(entry.getKey()) && entry.getValue() instanceof String ref) {
          sink.accept(ref);
        } else {
          walk(entry.getValue(), sink);
        }
      }
    } else if (node instanceof JsonArray array) {
      for (Object item : array) {
        walk(item, sink);
      }
    }
  }
}
