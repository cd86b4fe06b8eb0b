package io.shcr.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import io.shcr.support.DemoNetwork;
import io.shcr.support.LogCapture;
import io.shcr.support.SseClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Everything the service logs while the demo network (faults on) serves every demo patient, as JSON
 * and as a stream: one line per view with its request id, outcome and per-source statuses and times;
 * and never an NHS number (however written), nor any name, code, display text or identifier the
 * client was shown. Expected events (client gone, a source reset) are not ERRORs.
 */
class LogPrivacyTest {

  private static final List<String> PATIENTS = List.of("9990000018", "9990000026", "9990000034", "9990000042");
  private static final Pattern NHS_NUMBER = Pattern.compile("(?<![0-9A-Za-z])\\d{3}[ -]?\\d{3}[ -]?\\d{4}(?![0-9A-Za-z])");
  private static final Set<String> CLINICAL_KEYS = Set.of("family", "given", "text", "display", "code", "value", "line", "city",
      "postalCode", "birthDate", "id", "reference", "description", "note");

  @Test
  void theLogOfEveryDemoViewHasOneLinePerViewAndNothingClinical() throws Exception {
    Vertx vertx = Vertx.vertx();
    DemoNetwork demo = TraceAndMetricsTest.await(DemoNetwork.start(vertx, false));
    WebClient client = WebClient.create(vertx);
    Set<String> shown = new HashSet<>();
    Set<String> requestIds = new HashSet<>();
    Set<String> ours = new HashSet<>();
    // Every level, DEBUG included, captured (and kept off the console) while the views run.
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.classic.Level before = root.getLevel();
    ch.qos.logback.core.Appender<ILoggingEvent> console = root.getAppender("STDOUT");
    root.detachAppender(console);
    root.setLevel(ch.qos.logback.classic.Level.DEBUG);
    LogCapture log = LogCapture.attach();
    try {
      String token = demo.token("ed-doctor");
      for (String nhs : PATIENTS) {
        HttpResponse<Buffer> json = TraceAndMetricsTest.await(client.get(demo.service.port(), "127.0.0.1", "/api/v1/patients/" + nhs + "/record")
            .bearerTokenAuthentication(token).send());
        ours.add(json.getHeader("X-Request-Id"));
        if (json.statusCode() == 200) {
          requestIds.add(json.getHeader("X-Request-Id"));
        }
        collect(json.bodyAsString().startsWith("{") ? json.bodyAsJsonObject() : new JsonObject(), shown);
        SseClient.Stream stream = TraceAndMetricsTest.await(new SseClient(vertx).open(demo.service.port(),
            "/api/v1/patients/" + nhs + "/record", Map.of("Authorization", "Bearer " + token), e -> { }));
        TraceAndMetricsTest.await(stream.ended.future());
        stream.events.forEach(e -> collect(e.data(), shown));
        ours.add(stream.response.getHeader("X-Request-Id"));
        // A client that goes away mid-stream: expected, so never an ERROR.
        SseClient.Stream gone = TraceAndMetricsTest.await(new SseClient(vertx).open(demo.service.port(),
            "/api/v1/patients/" + nhs + "/record", Map.of("Authorization", "Bearer " + token), e -> { }));
        ours.add(gone.response.getHeader("X-Request-Id"));
        gone.close();
      }
      Thread.sleep(1_500);
    } finally {
      log.close();
      root.setLevel(before);
      if (console != null) {
        root.addAppender(console);
      }
      TraceAndMetricsTest.await(demo.close());
      TraceAndMetricsTest.await(vertx.close());
    }
    // Our own request ids are in the answers (OperationOutcome ids) and belong in the log.
    shown.removeAll(ours);
    // Source ids are ODS codes, organisations not patients: they may be logged (statuses per source).
    io.shcr.sources.SourceRegistry.load(java.nio.file.Path.of("conf/sources.yaml")).all().forEach(source -> shown.remove(source.id()));
    shown.removeIf(s -> s.length() < 5 || s.matches("(?i)ok|true|false|final|active|unknown|official|usual|home|work"));
    assertThat(shown).as("the views showed clinical content to look for").hasSizeGreaterThan(50);

    List<ILoggingEvent> views = log.events.stream().filter(e -> e.getLoggerName().equals("shcr.view")).toList();
    assertThat(views).as("one line per view").hasSizeGreaterThanOrEqualTo(PATIENTS.size() * 2);
    assertThat(requestIds).as("views answered 200").hasSizeGreaterThanOrEqualTo(2);
    for (String id : requestIds) {
      assertThat(views).as("the view line of " + id).anyMatch(e -> kv(e).contains("requestId=" + id));
    }
    assertThat(views).allMatch(e -> kv(e).contains("outcome=") && kv(e).contains("sources="));
    assertThat(views).anyMatch(e -> kv(e).matches(".*sources=[^ ]*RXN=[a-z-]+/\\d+ms.*"));

    for (ILoggingEvent event : log.events) {
      String line = event.getLoggerName() + " " + event.getFormattedMessage() + " " + kv(event)
          + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
      assertThat(NHS_NUMBER.matcher(line).find()).as("an NHS number in: " + line).isFalse();
      for (String nhs : PATIENTS) {
        assertThat(line.replace(" ", "").replace("-", "")).as("a demo patient's NHS number in: " + line).doesNotContain(nhs);
      }
      for (String token : shown) {
        assertThat(line).as("clinical content '" + token + "' in the log").doesNotContain(token);
      }
    }
    assertThat(log.events.stream().filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR))
        .map(ILoggingEvent::getFormattedMessage).toList()).as("no ERROR for expected events").isEmpty();
  }

  private static String kv(ILoggingEvent event) {
    return event.getKeyValuePairs() == null ? "" : event.getKeyValuePairs().toString().replace(", ", " ").replace("\"", "");
  }

  /** Every string under a key that carries clinical or identifying content, anywhere in the document. */
  private static void collect(Object node, Set<String> out) {
    if (node instanceof JsonObject object) {
      for (String key : object.fieldNames()) {
        Object value = object.getValue(key);
        if (CLINICAL_KEYS.contains(key) && value instanceof String s) {
          out.add(s);
        }
        collect(value, out);
      }
    } else if (node instanceof JsonArray array) {
      array.forEach(v -> {
        collect(v, out);
      });
    }
  }
}
