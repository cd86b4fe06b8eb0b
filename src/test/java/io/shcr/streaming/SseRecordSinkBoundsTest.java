package io.shcr.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.config.ServiceConfig;
import io.shcr.record.SectionEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SSE sink on its own, driven in one event-loop turn like a relationship hold's release: a fast reader
 * of a burst far over the ceiling is not cut off; a reader that stops is cut off and the cut-off's
 * {@code sources} lists only the source events it was handed; after the view finished, a reader that takes
 * nothing is disconnected.
 */
class SseRecordSinkBoundsTest {

  private static final ServiceConfig.SlowReader BOUNDS = new ServiceConfig.SlowReader(2_000, 1024 * 1024, 500);
  private static final String NOTE = "x".repeat(1_000);

  private final Vertx vertx = Vertx.vertx();
  private HttpServer server;
  private final CompletableFuture<SseRecordSink> sink = new CompletableFuture<>();

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aFastReaderOfABurstFarOverTheCeilingIsNotCutOff() throws Exception {
    // 12 MB released at once: twelve times the bound, three times the ceiling.
    start(60_000, s -> {
      s.meta(new JsonObject().put("requestId", "r1"));
      for (int i = 0; i < 40; i++) {
        s.section(section("S" + i, 300));
        s.source(new JsonObject().put("source", "S" + i).put("status", "complete"));
      }
      s.complete(new JsonObject().put("requestId", "r1"));
    });
    try (Socket socket = open(false)) {
      String body = readAll(socket, Long.MAX_VALUE);
      assertThat(sink.get(5, TimeUnit.SECONDS).endedAs()).isNull();
      assertThat(body).doesNotContain("client-too-slow");
      assertThat(count(body, "event: section")).isEqualTo(40);
      assertThat(body).contains("event: complete");
      assertThat(sink.get().peakHeldBytes()).isGreaterThan(BOUNDS.ceilingBytes());
    }
  }

  @Test
  void aStoppedReaderIsCutOffAndTheCompleteListsOnlyTheSourcesItWasHanded() throws Exception {
    start(60_000, s -> {
      s.meta(new JsonObject().put("requestId", "r2"));
      s.section(section("A", 1));
      s.source(new JsonObject().put("source", "A").put("status", "complete")); // handed over at once
      for (int i = 0; i < 40; i++) {
        s.section(section("B", 300)); // 12 MB: far past the bound; the reader takes nothing
      }
      s.source(new JsonObject().put("source", "B").put("status", "complete")); // queued behind: dropped
    });
    try (Socket socket = open(true)) {
      Thread.sleep(4 * BOUNDS.graceMs()); // the reader stops: nothing taken
      assertThat(sink.get(5, TimeUnit.SECONDS).endedAs()).isEqualTo(SseRecordSink.CLIENT_TOO_SLOW);
      String body = readAll(socket, Long.MAX_VALUE);
      int last = body.lastIndexOf("event: complete");
      assertThat(last).isPositive();
      String data = body.substring(body.indexOf("data: ", last) + 6, body.indexOf("\n", body.indexOf("data: ", last)));
      JsonObject complete = new JsonObject(data);
      assertThat(complete.getString("status")).isEqualTo("client-too-slow");
      JsonArray sources = complete.getJsonArray("sources");
      assertThat(sources.stream().map(o -> ((JsonObject) o).getString("source")).toList()).containsExactly("A");
      assertThat(body).doesNotContain("\"source\":\"B\",\"status\"");
    }
  }

  @Test
  void aReaderThatTakesNothingAfterTheViewFinishedIsDisconnected() throws Exception {
    start(1_500, s -> {
      s.meta(new JsonObject().put("requestId", "r3"));
      for (int i = 0; i < 40; i++) {
        s.section(section("C", 300)); // past the bound, and the view finishes at once: no bounds check runs
      }
      s.complete(new JsonObject().put("requestId", "r3"));
    });
    try (Socket socket = open(true)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (EventOutbox.heldBytesAllStreams() > 0 || !sink.isDone()) {
        assertThat(System.nanoTime()).as("what was held is dropped").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(sink.get().endedAs()).isNull();
      String body = readAll(socket, 5_000);
      assertThat(body).doesNotContain("event: complete"); // reset: never sent
    }
  }

  private void start(long stallMs, Consumer<SseRecordSink> script) throws Exception {
    server = vertx.createHttpServer().requestHandler(request -> {
      SseRecordSink s = new SseRecordSink(vertx, request.response(), 60_000, "req", BOUNDS, stallMs);
      request.response().closeHandler(v -> s.abandon());
      script.accept(s);
      sink.complete(s);
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Socket open(boolean weakLine) throws Exception {
    Socket socket = new Socket();
    if (weakLine) {
      socket.setReceiveBufferSize(4096);
    }
    socket.connect(new InetSocketAddress("127.0.0.1", server.actualPort()));
    socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    return socket;
  }

  /** Everything until the chunked response ends or the connection closes (or resets). */
  private static String readAll(Socket socket, long maxMs) throws Exception {
    socket.setSoTimeout((int) Math.min(maxMs, 20_000));
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[65_536];
    try {
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        received.write(buffer, 0, n);
        byte[] bytes = received.toByteArray();
        if (bytes.length >= 5 && new String(bytes, bytes.length - 5, 5, StandardCharsets.US_ASCII).equals("0\r\n\r\n")) {
          break;
        }
      }
    } catch (java.io.IOException e) {
      // reset or timed out: the assertions say what was missing
    }
    return received.toString(StandardCharsets.UTF_8);
  }

  private static SectionEvent section(String source, int resources) {
    JsonArray array = new JsonArray();
    for (int i = 0; i < resources; i++) {
      array.add(new JsonObject().put("resourceType", "Condition").put("id", source + "-" + i).put("note", NOTE));
    }
    Buffer encoded = array.toBuffer();
    return new SectionEvent(source, "problems", resources, encoded);
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }
}
