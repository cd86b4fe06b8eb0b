package shcr.load;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.SseMessageCheck;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * What every scenario shares: where the service is, the tokens, the patients, the record path, and how an
 * SSE event is recognised and read. System properties: {@code baseUrl} (default http://127.0.0.1:8080),
 * {@code token} (or SHCR_TOKEN: {@code java -jar target/shcr.jar token --persona ed-doctor}),
 * {@code poToken} (a privacy officer's, for PrivacyOfficer), {@code patients} (comma-separated NHS numbers,
 * default the demo's 9990000018), {@code metricsUrl} (default http://127.0.0.1:9464/metrics).
 */
final class Shared {

  static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8080");
  static final String TOKEN = System.getProperty("token", System.getenv().getOrDefault("SHCR_TOKEN", ""));
  static final String PO_TOKEN = System.getProperty("poToken", "");
  static final String[] PATIENTS = System.getProperty("patients", "9990000018").split(",");
  static final String METRICS_URL = System.getProperty("metricsUrl", "http://127.0.0.1:9464/metrics");
  static final String RECORD = "/api/v1/patients/#{nhs}/record";
  static final String EVENT_STREAM = "text/event-stream";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Shared() {}

  static double number(String property, double fallback) {
    return Double.parseDouble(System.getProperty(property, Double.toString(fallback)));
  }

  static HttpProtocolBuilder protocol() {
    if (TOKEN.isBlank()) {
      throw new IllegalArgumentException("pass -Dtoken=$(java -jar target/shcr.jar token --persona ed-doctor)");
    }
    return http.baseUrl(BASE_URL).header("Authorization", "Bearer " + TOKEN);
  }

  /** Patients in turn, for ever. */
  static Iterator<Map<String, Object>> patients() {
    return Stream.iterate(0, i -> i + 1).map(i -> Map.<String, Object>of("nhs", PATIENTS[i % PATIENTS.length])).iterator();
  }

  static int randomBetween(int from, int to) {
    return ThreadLocalRandom.current().nextInt(from, to + 1);
  }

  /** An SSE message (Gatling's JSON form of an event) whose event is {@code type}, recorded as {@code name}. */
  static SseMessageCheck event(String name, String type) {
    return sse.checkMessage(name).matching(jsonPath("$.event").is(type));
  }

  /** The next event of any type (a {@code retry:}-only block is no event), saved whole as {@code saveAs}. */
  static SseMessageCheck anyEvent(String name, String saveAs) {
    return sse.checkMessage(name).matching(jsonPath("$.event").exists()).check(regex("(?s)(.*)").saveAs(saveAs));
  }

  /** One event as the client got it: its type, id and data. */
  record Event(String type, String id, JsonNode data) {
    String sectionKey() {
      return data.path("source").asText() + "/" + data.path("section").asText();
    }
  }

  /** An event from Gatling's JSON form of an SSE message ({"event","id","data"}; data as text or JSON). */
  static Event fromGatling(String message) {
    try {
      JsonNode node = JSON.readTree(message);
      JsonNode data = node.path("data");
      if (data.isTextual()) {
        data = JSON.readTree(data.asText());
      }
      return new Event(node.path("event").asText(), node.path("id").asText(null), data);
    } catch (Exception e) {
      throw new IllegalStateException("not an SSE message: " + e.getMessage());
    }
  }

  /** The events of a raw {@code text/event-stream} body. */
  static List<Event> fromStream(String body) {
    List<Event> events = new ArrayList<>();
    for (String block : body.split("\n\n")) {
      String type = null;
      String id = null;
      String data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          type = line.substring(7);
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      if (type != null && data != null) {
        try {
          events.add(new Event(type, id, JSON.readTree(data)));
        } catch (Exception e) {
          throw new IllegalStateException("an event arrived broken");
        }
      }
    }
    return events;
  }

  static List<String> sectionKeys(List<Event> events) {
    return events.stream().filter(e -> e.type().equals("section")).map(Event::sectionKey).toList();
  }
}
