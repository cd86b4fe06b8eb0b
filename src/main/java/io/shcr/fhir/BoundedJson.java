package io.shcr.fhir;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Reads a source's JSON answer into Vert.x JSON, within limits that hold whatever the source sends:
 * nesting at most {@link #MAX_DEPTH} deep (so nothing we later encode or walk can overflow a stack),
 * at most a given number of Bundle entries (counted while reading, so an answer over the cap is never
 * built), numbers that are finite, text that is well-formed UTF-8 without lone surrogates, and no
 * duplicate keys. The tree is built without recursion, and every object and array in it is a
 * {@link JsonObject} or {@link JsonArray}, so a resource read twice is the same Java object.
 */
public final class BoundedJson {

  /** How deep an answer may nest; FHIR resources need fewer than 20 levels. */
  public static final int MAX_DEPTH = 64;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH + 1)
          .maxNumberLength(100)
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  /** Why an answer could not be read. */
  public enum Problem { NOT_JSON, TOO_DEEP, TOO_MANY_ENTRIES, OUT_OF_RANGE }

  /** An answer that could not be read; it carries no part of the answer, only the kind of problem. */
  public static final class Unreadable extends RuntimeException {
    private final Problem problem;

    Unreadable(Problem problem) {
      super(problem.name(), null, false, false);
      this.problem = problem;
    }

    public Problem problem() {
      return problem;
    }
  }

  private BoundedJson() {}

  /**
   * The answer as a JSON object.
   *
   * @param maxEntries the most elements the top-level {@code entry} array may hold (a Bundle's resources)
   * @throws Unreadable when the body is not a JSON object within the limits
   */
  public static JsonObject object(Buffer body, int maxEntries) {
    if (body == null || body.length() == 0) {
      throw new Unreadable(Problem.NOT_JSON);
    }
    try (JsonParser parser = FACTORY.createParser(body.getBytes())) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new Unreadable(Problem.NOT_JSON);
      }
      JsonObject root = new Builder(parser, maxEntries).build();
      if (parser.nextToken() != null) {
        throw new Unreadable(Problem.NOT_JSON);
      }
      return root;
    } catch (StreamConstraintsException e) {
      throw new Unreadable(e.getMessage() != null && e.getMessage().contains("depth") ? Problem.TOO_DEEP : Problem.OUT_OF_RANGE);
    } catch (JsonProcessingException e) {
      throw new Unreadable(Problem.NOT_JSON);
    } catch (IOException e) {
      throw new Unreadable(Problem.NOT_JSON);
    }
  }

  /**
   * An object already read by {@link #object} as part of a larger answer (a FHIR batch's entry), held to
   * the cap this answer would have had alone: at most {@code maxEntries} elements in its {@code entry}
   * array. Every other limit held for the larger answer, at a greater depth, so holds for this one.
   *
   * @throws Unreadable when the entry array is over the cap
   */
  public static JsonObject within(JsonObject read, int maxEntries) {
    if (read.getValue("entry") instanceof JsonArray entries && entries.size() > maxEntries) {
      throw new Unreadable(Problem.TOO_MANY_ENTRIES);
    }
    return read;
  }

  /** Builds the tree with an explicit stack; the parser is positioned on the root's START_OBJECT. */
  private static final class Builder {
    private final JsonParser parser;
    private final int maxEntries;
    private final Deque<Object> open = new ArrayDeque<>();
    private final Deque<String> keys = new ArrayDeque<>();
    private int entries;

    Builder(JsonParser parser, int maxEntries) {
      this.parser = parser;
      this.maxEntries = maxEntries;
    }

    JsonObject build() throws IOException {
      JsonObject root = new JsonObject();
      open.push(root);
      String key = null;
      while (!open.isEmpty()) {
        JsonToken token = parser.nextToken();
        if (token == null) {
          throw new Unreadable(Problem.NOT_JSON);
        }
        switch (token) {
          case FIELD_NAME -> key = text(parser.currentName());
          case START_OBJECT, START_ARRAY -> {
            if (open.size() >= MAX_DEPTH) {
              throw new Unreadable(Problem.TOO_DEEP);
            }
            Object container = token == JsonToken.START_OBJECT ? new JsonObject() : new JsonArray();
            countEntry(key);
            add(key, container);
            keys.push(key == null ? "" : key);
            open.push(container);
            key = null;
          }
          case END_OBJECT, END_ARRAY -> {
            open.pop();
            key = null;
            if (!keys.isEmpty()) {
              keys.pop();
            }
          }
          case VALUE_STRING -> add(key, text(parser.getText()));
          case VALUE_NUMBER_INT -> add(key, parser.getNumberValue());
          case VALUE_NUMBER_FLOAT -> add(key, finite(parser.getDoubleValue()));
          case VALUE_TRUE -> add(key, Boolean.TRUE);
          case VALUE_FALSE -> add(key, Boolean.FALSE);
          case VALUE_NULL -> add(key, null);
          default -> throw new Unreadable(Problem.NOT_JSON);
        }
        if (token.isScalarValue()) {
          countEntry(key);
          key = null;
        }
      }
      return root;
    }

    /** An element of the root object's {@code entry} array is one resource of the answer. */
    private void countEntry(String key) {
      if (key == null && open.size() == 2 && "entry".equals(keys.peek()) && ++entries > maxEntries) {
        throw new Unreadable(Problem.TOO_MANY_ENTRIES);
      }
    }

    private void add(String key, Object value) {
      Object parent = open.peek();
      if (parent instanceof JsonObject object) {
        object.put(key, value);
      } else {
        ((JsonArray) parent).add(value);
      }
    }

    private static Double finite(double value) {
      if (Double.isNaN(value) || Double.isInfinite(value)) {
        throw new Unreadable(Problem.OUT_OF_RANGE);
      }
      return value;
    }

    /** Text must be whole characters: a lone surrogate (only possible through a \\u escape) is refused. */
    private static String text(String value) {
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
          if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
            throw new Unreadable(Problem.OUT_OF_RANGE);
          }
          i++;
        } else if (Character.isLowSurrogate(c)) {
          throw new Unreadable(Problem.OUT_OF_RANGE);
        }
      }
      return value;
    }
  }
}
