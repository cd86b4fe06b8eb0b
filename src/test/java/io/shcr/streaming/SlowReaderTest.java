package io.shcr.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.api.ShcrServer;
import io.shcr.config.ServiceConfig;
import io.shcr.core.Section;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceKind;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.FakeSources;
import io.shcr.support.SseClient;
import io.shcr.support.SseEvent;
import io.shcr.support.TestComponents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A large record (twenty sources, each with two sections of some 400 KB) to a client on a weak line:
 * the server holds at most {@code record.slowReader.maxBytes} for it, then ends the stream with a
 * {@code complete} whose status is {@code client-too-slow}, stops the view (a source still working is
 * cancelled) and audits the view so. A client that keeps up gets the whole record unchanged.
 */
class SlowReaderTest {

  private static final int SOURCES = 20;
  private static final int PER_SECTION = 200;
  private static final String NOTE = "Blood pressure reviewed at the clinic and stable on current medication. ".repeat(28);
  private static final ServiceConfig.SlowReader BOUNDS = new ServiceConfig.SlowReader(2_000, 1024 * 1024, 1_000);

  private Vertx vertx;
  private HttpServer fakes;
  private ShcrServer server;
  private TestComponents.MemoryAudit audit;
  private final AtomicInteger hangAbandoned = new AtomicInteger();

  @BeforeEach
  void startSources() {
    vertx = Vertx.vertx();
    fakes = await(vertx.createHttpServer().requestHandler(this::answer).listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      await(server.close());
    }
    await(fakes.close());
    await(vertx.close());
  }

  @Test
  void aReaderTakingAByteASecondIsBoundedAndCutOff() throws Exception {
    List<SourceConfig> sources = new ArrayList<>(bigSources());
    sources.add(source("HANG"));
    start(sources, BOUNDS);
    // Warm up (classes, caches, pools) with the same record read at full speed, so the heap compares like with like.
    List<SseEvent> warmUp = readAtFullSpeed("?sources=BIG1,BIG2,BIG3");
    assertThat(warmUp.get(warmUp.size() - 1).data().containsKey("status")).isFalse();
    audit.outcomes.clear();
    long heapBefore = usedHeapAfterGc();

    try (Socket socket = open(true, "")) {
      AtomicBoolean keepUp = new AtomicBoolean();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> read(socket, keepUp, received), "slow-reader");
      reader.start();

      long peakHeld = 0;
      long pastBoundsSince = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (audit.outcomes.isEmpty() && System.nanoTime() < deadline) {
        long held = EventOutbox.heldBytesAllStreams();
        peakHeld = Math.max(peakHeld, held);
        if (pastBoundsSince == 0 && held > BOUNDS.maxBytes()) {
          pastBoundsSince = System.nanoTime();
        }
        Thread.sleep(2);
      }
      long pastBoundsMs = (System.nanoTime() - pastBoundsSince) / 1_000_000L;
      assertThat(audit.outcomes).as("the view ended while its client still read a byte a second").hasSize(1);
      waitFor(() -> hangAbandoned.get() >= 1);
      Thread.sleep(500); // answers of sources already on their way when the view stopped are dropped
      long heapCutOff = usedHeapAfterGc();
      long receivedBySlowReader = received.size();
      System.out.printf("slow reader: peak held %d bytes (bound %d, ceiling %d), past the bound %d ms; heap %d MB before, %d MB after the cut-off, "
          + "record about %d MB; the client had read %d bytes%n", peakHeld, BOUNDS.maxBytes(), BOUNDS.ceilingBytes(), pastBoundsMs, heapBefore >> 20,
          heapCutOff >> 20, (long) SOURCES * 2 * PER_SECTION * NOTE.length() >> 20, receivedBySlowReader);

      // Past maxBytes only for a burst: a reader behind and not keeping up is cut off at the first check of
      // the bounds (graceMs after passing them; slack for a loaded 2-core machine). The burst itself is not
      // capped (the view pushes; a fast reader of it must not be cut off): here it is the whole record.
      assertThat(peakHeld).isGreaterThan(BOUNDS.maxBytes());
      assertThat(pastBoundsMs).isLessThan(BOUNDS.graceMs() + 3_000);
      assertThat(audit.outcomes.get(0).outcome()).isEqualTo(SseRecordSink.CLIENT_TOO_SLOW);
      assertThat(audit.outcomes.get(0).sourceStatuses()).containsEntry("HANG", "cancelled");
      // Indicative: the record (some 16 MB) is not being held for the client.
      assertThat(heapCutOff - heapBefore).isLessThan(8L << 20);

      keepUp.set(true); // the line recovers: the client takes what was sent, up to the end of the response
      reader.join(30_000);
      List<SseEvent> events = parse(dechunk(received.toByteArray()));
      SseEvent last = events.get(events.size() - 1);
      assertThat(last.event()).isEqualTo("complete");
      assertThat(last.data().getString("status")).isEqualTo("client-too-slow");
      assertThat(last.data().getString("detail")).contains("more slowly");
      assertThat(last.data().getJsonArray("sources").stream().map(s -> ((JsonObject) s).getString("source"))).doesNotContain("HANG");
      assertThat(events.get(0).event()).isEqualTo("meta");
      // Every event sent has its resume token; the cut-off complete has none, so a client resumes from the last
      // event it was sent and gets what was dropped.
      assertThat(events.subList(0, events.size() - 1)).allSatisfy(e -> assertThat(e.id()).isNotBlank());
      assertThat(last.id()).as("the cut-off complete carries no id").isNull();
      List<SseEvent> sections = events.stream().filter(e -> e.event().equals("section")).toList();
      assertThat(sections.size()).isLessThan(SOURCES * 3);
      int resources = sections.stream().mapToInt(e -> e.data().getJsonArray("resources").size()).sum();
      assertThat(audit.outcomes.get(0).resourcesDelivered()).as("audit counts what went out, not what was dropped")
          .isEqualTo(resources);
      assertThat(EventOutbox.heldBytesAllStreams()).isZero();
    }
  }

  @Test
  void aReaderThatKeepsUpGetsTheWholeRecord() throws Exception {
    start(bigSources(), ServiceConfig.SlowReader.DEFAULT);
    List<SseEvent> events = readAtFullSpeed("");
    SseEvent complete = events.get(events.size() - 1);
    assertThat(complete.event()).isEqualTo("complete");
    assertThat(complete.data().containsKey("status")).isFalse();
    assertThat(complete.data().getJsonArray("sources")).hasSize(SOURCES);
    List<SseEvent> sections = events.stream().filter(e -> e.event().equals("section")).toList();
    assertThat(sections).hasSize(SOURCES * 3);
    for (SseEvent section : sections) {
      JsonArray resources = section.data().getJsonArray("resources");
      if (!section.data().getString("section").equals("demographics")) {
        assertThat(resources).hasSize(PER_SECTION);
        assertThat(resources.getJsonObject(PER_SECTION - 1).getJsonArray("note").getJsonObject(0).getString("text")).isEqualTo(NOTE);
      }
    }
    assertThat(events.stream().map(SseEvent::event)).doesNotContain("error");
    assertThat(events).allSatisfy(e -> assertThat(e.id()).isNotBlank()); // each a resume token
    waitFor(() -> !audit.outcomes.isEmpty());
    assertThat(audit.outcomes.get(0).outcome()).isEqualTo("complete");
    assertThat(audit.outcomes.get(0).resourcesDelivered()).isEqualTo(SOURCES * (2 * PER_SECTION + 1));
    assertThat(EventOutbox.heldBytesAllStreams()).isZero();
  }

  @Test
  void anEventSourceClientGetsTheSameStream() {
    start(bigSources(), ServiceConfig.SlowReader.DEFAULT);
    SseClient.Stream stream = await(new SseClient(vertx)
        .open(server.port(), "/api/v1/patients/" + FakeSources.NHS + "/record?sources=BIG1,BIG2", Map.of(), e -> { })
        .compose(s -> s.ended.future()));
    assertThat(stream.types()).startsWith("meta").endsWith("complete").doesNotContain("error");
    assertThat(stream.ofType("section")).hasSize(6);
    assertThat(stream.events.get(stream.events.size() - 1).data().containsKey("status")).isFalse();
  }

  @Test
  void theJsonDocumentOfALargeRecordIsWrittenWholeInParts() {
    start(bigSources(), BOUNDS);
    var response = await(WebClient.create(vertx).get(server.port(), "127.0.0.1", "/api/v1/patients/" + FakeSources.NHS + "/record")
        .putHeader("Accept", "application/json").send());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Length")).isEqualTo(Integer.toString(response.body().length()));
    JsonObject document = response.bodyAsJsonObject();
    assertThat(document.getJsonArray("sections")).hasSize(SOURCES * 3);
    assertThat(document.getJsonArray("sources")).hasSize(SOURCES);
    assertThat(document.getString("requestId")).isNotBlank();
    int resources = document.getJsonArray("sections").stream()
        .mapToInt(s -> ((JsonObject) s).getJsonArray("resources").size()).sum();
    assertThat(resources).isEqualTo(SOURCES * (2 * PER_SECTION + 1));
  }

  /** A client on a good line: takes every byte as it comes, then the events are read. */
  private List<SseEvent> readAtFullSpeed(String query) throws Exception {
    try (Socket socket = open(false, query)) {
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      read(socket, new AtomicBoolean(true), received);
      return parse(dechunk(received.toByteArray()));
    }
  }

  private Socket open(boolean weakLine, String query) throws Exception {
    Socket socket = new Socket();
    if (weakLine) {
      socket.setReceiveBufferSize(4096); // a small window, so the server cannot park the record in the kernel
    }
    socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
    socket.getOutputStream().write(("GET /api/v1/patients/" + FakeSources.NHS + "/record" + query + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    return socket;
  }

  private void start(List<SourceConfig> sources, ServiceConfig.SlowReader bounds) {
    audit = new TestComponents.MemoryAudit();
    ServiceConfig config = new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, 30_000, 60_000).withSlowReader(bounds);
    server = await(ShcrServer.start(vertx, config,
        TestComponents.components(new SourceRegistry(sources), TestComponents.allowAll(), audit)));
  }

  private List<SourceConfig> bigSources() {
    return IntStream.rangeClosed(1, SOURCES).mapToObj(i -> source("BIG" + i)).toList();
  }

  private SourceConfig source(String id) {
    return new SourceConfig(id, "Source " + id, SourceKind.ACUTE, "http://127.0.0.1:" + fakes.actualPort() + "/" + id,
        "fhir-r4", Set.of(Section.DEMOGRAPHICS, Section.PROBLEMS, Section.ENCOUNTERS), true, 25_000, 5, 20,
        5_000_000, 3, new SourceConfig.BreakerConfig(50, 30_000));
  }

  /** Each source: its Patient, and 200 Conditions and 200 Encounters with a 2 KB note each; HANG never answers. */
  private void answer(HttpServerRequest request) {
    String[] parts = request.path().split("/", 3);
    String id = parts[1];
    String type = parts.length > 2 ? parts[2] : "";
    if (id.equals("HANG")) {
      request.connection().closeHandler(v -> hangAbandoned.incrementAndGet());
      return;
    }
    JsonArray entries = new JsonArray();
    String patientId = id + "-patient";
    if (type.equals("Patient")) {
      entries.add(entry(FakeSources.patient(patientId, FakeSources.NHS)));
    } else {
      for (int i = 0; i < PER_SECTION; i++) {
        JsonObject resource = new JsonObject().put("resourceType", type).put("id", id + "-" + i)
            .put("note", new JsonArray().add(new JsonObject().put("text", NOTE)));
        if (type.equals("Condition")) {
          resource.put("subject", new JsonObject().put("reference", "Patient/" + patientId))
              .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
                  .put("system", "http://snomed.info/sct").put("code", "38341003").put("display", "Hypertensive disorder"))));
        } else {
          resource.put("status", "finished").put("subject", new JsonObject().put("reference", "Patient/" + patientId));
        }
        entries.add(entry(resource));
      }
    }
    request.response().putHeader("content-type", "application/fhir+json").end(new JsonObject()
        .put("resourceType", "Bundle").put("type", "searchset").put("total", entries.size()).put("entry", entries).encode());
  }

  private static JsonObject entry(JsonObject resource) {
    return new JsonObject().put("fullUrl", "urn:uuid:" + resource.getString("id")).put("resource", resource)
        .put("search", new JsonObject().put("mode", "match"));
  }

  /** A byte a second until {@code keepUp}, then as fast as it comes, to the end of the (chunked) response. */
  private static void read(Socket socket, AtomicBoolean keepUp, ByteArrayOutputStream received) {
    try {
      socket.setSoTimeout(20_000);
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[65_536];
      while (!keepUp.get()) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        synchronized (received) {
          received.write(b);
        }
        Thread.sleep(1_000);
      }
      while (!endsResponse(received)) {
        int n = in.read(buffer);
        if (n < 0) {
          return;
        }
        synchronized (received) {
          received.write(buffer, 0, n);
        }
      }
    } catch (SocketTimeoutException e) {
      // the assertions say what was missing
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean endsResponse(ByteArrayOutputStream received) {
    synchronized (received) {
      byte[] bytes = received.toByteArray();
      return new String(bytes, Math.max(0, bytes.length - 5), Math.min(5, bytes.length), StandardCharsets.US_ASCII)
          .equals("0\r\n\r\n");
    }
  }

  /** The body of an HTTP/1.1 chunked response. */
  private static String dechunk(byte[] response) {
    String text = new String(response, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("\r\n\r\n") + 4;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (at < text.length()) {
      int lineEnd = text.indexOf("\r\n", at);
      int size = Integer.parseInt(text.substring(at, lineEnd).trim(), 16);
      if (size == 0) {
        break;
      }
      body.write(response, lineEnd + 2, size);
      at = lineEnd + 2 + size + 2;
    }
    return body.toString(StandardCharsets.UTF_8);
  }

  private static List<SseEvent> parse(String body) {
    List<SseEvent> events = new ArrayList<>();
    for (String frame : body.split("\n\n")) {
      if (frame.isBlank() || frame.startsWith(":")) {
        continue;
      }
      String id = null;
      String event = null;
      JsonObject data = null;
      for (String line : frame.split("\n")) {
        if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = new JsonObject(line.substring(6)); // fails the test if an event arrived broken
        }
      }
      if (data != null) { // a block of only `retry:` dispatches no event
        events.add(new SseEvent(id, event, data));
      }
    }
    return events;
  }

  private static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Returns once the condition holds (checked every 10 ms), or fails after 10 s. */
  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition met within 10 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
