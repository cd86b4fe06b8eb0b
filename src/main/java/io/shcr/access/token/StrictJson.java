package io.shcr.access.token;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON reading of a token's header and payload: an object, nothing after it, no member named twice
 * anywhere (two parsers that keep different copies of {@code "alg"} are how {@code {"alg":"none","alg":"ES256"}}
 * gets through), valid UTF-8, shallow nesting and short numbers. What this parser returns is what every
 * check then reads.
 */
final class StrictJson {

  private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxNumberLength(64).build())
          .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {};

  private StrictJson() {}

  /** The JSON object in these bytes; refuses anything else with the token part's name in the reason. */
  static Map<String, Object> object(byte[] json, String part) {
    try {
      Map<String, Object> value = MAPPER.readValue(json, OBJECT);
      if (value == null) {
        throw new InvalidTokenException(TokenProblem.MALFORMED, "the token's " + part + " is not a JSON object");
      }
      return value;
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage();
      if (message != null && message.startsWith("Duplicate field")) {
        throw new InvalidTokenException(TokenProblem.DUPLICATE_MEMBER,
            "the token's " + part + " names a member twice (" + InvalidTokenException.shown(message) + ")");
      }
      throw new InvalidTokenException(TokenProblem.MALFORMED, "the token's " + part + " is not a single JSON object");
    } catch (IOException e) {
      throw new InvalidTokenException(TokenProblem.MALFORMED, "the token's " + part + " cannot be read as JSON");
    }
  }
}
