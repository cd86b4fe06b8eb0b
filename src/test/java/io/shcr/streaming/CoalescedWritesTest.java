package io.shcr.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.record.SectionEvent;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The first frame one turn of the event loop hands to an SSE stream leaves at once; what follows it in the
 * turn leaves in one more write (one HTTP chunk) of at most a frame, in order and whole; what later turns
 * hand over leaves in writes of their own, without waiting for more.
 */
class CoalescedWritesTest {

  private final Vertx vertx = Vertx.vertx();
  private HttpServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theEventsOfOneTurnLeaveInOneWrite() throws Exception {
    start(s -> {
      s.meta(new JsonObject().put("requestId", "r1"));
      s.section(section("A", 1));
      s.source(new JsonObject().put("source", "A").put("status", "ok"));
      s.section(section("B", 2));
      s.source(new JsonObject().put("source", "B").put("status", "ok"));
      s.complete(new JsonObject().put("requestId", "r1"));
    });
    List<String> chunks = chunks();
    // The first frame of the turn at once; all that followed it in the turn in one more write.
    assertThat(chunks).hasSize(2);
    assertThat(events(chunks.get(0))).containsExactly("meta");
    String body = chunks.get(1);
    assertThat(events(body)).containsExactly("section", "source", "section", "source", "complete");
    assertThat(chunks.get(0)).contains("id: 1\nevent: meta\n");
    assertThat(body).contains("id: 6\nevent: complete\n");
  }

  @Test
  void anEventThatStartsATurnIsOnTheWireBeforeTheTurnEnds() throws Exception {
    java.util.concurrent.CountDownLatch sawSection = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean seenWithinTheTurn = new java.util.concurrent.atomic.AtomicBoolean();
    start(s -> {
      s.meta(new JsonObject().put("requestId", "r4"));
      vertx.setTimer(50, t -> {
        s.section(section("A", 1));
        // The rest of this turn is other work (another view's answer, say): the section must not wait for it.
        try {
          seenWithinTheTurn.set(sawSection.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        s.complete(new JsonObject().put("requestId", "r4"));
      });
    });
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.actualPort()));
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      StringBuilder received = new StringBuilder();
      byte[] buffer = new byte[65_536];
      while (received.indexOf("\r\n0\r\n\r\n") < 0) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        received.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        if (received.indexOf("event: section") >= 0) {
          sawSection.countDown();
        }
      }
    }
    assertThat(seenWithinTheTurn).isTrue();
  }

  @Test
  void aLargeBurstLeavesInWritesOfAtMostAFrameAndWhole() throws Exception {
    SectionEvent big = section("A", 200); // some 40 KB: several frames
    start(s -> {
      s.meta(new JsonObject().put("requestId", "r2"));
      s.section(big);
      s.source(new JsonObject().put("source", "A").put("status", "ok"));
      s.complete(new JsonObject().put("requestId", "r2"));
    });
    List<String> chunks = chunks();
    assertThat(chunks.size()).isGreaterThan(2);
    assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(SseFrames.FRAME_BYTES));
    String body = String.join("", chunks);
    assertThat(events(body)).containsExactly("meta", "section", "source", "complete");
    assertThat(body).contains(big.resources().toString(StandardCharsets.UTF_8));
  }

  @Test
  void eventsOfLaterTurnsAreWrittenInTheirOwnTurn() throws Exception {
    start(s -> {
      s.meta(new JsonObject().put("requestId", "r3"));
      vertx.setTimer(50, t1 -> {
        s.section(section("A", 1));
        vertx.setTimer(50, t2 -> s.complete(new JsonObject().put("requestId", "r3")));
      });
    });
    List<String> chunks = chunks();
    assertThat(chunks).hasSize(3);
    assertThat(events(chunks.get(0))).containsExactly("meta");
    assertThat(events(chunks.get(1))).containsExactly("section");
    assertThat(events(chunks.get(2))).containsExactly("complete");
  }

  private void start(Consumer<SseRecordSink> script) throws Exception {
    server = vertx.createHttpServer().requestHandler(request -> {
      SseRecordSink s = new SseRecordSink(vertx, request.response(), 60_000, "req");
      request.response().closeHandler(v -> s.abandon());
      script.accept(s);
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The response's chunks, in order, as the socket got them (the last, empty one not included). */
  private List<String> chunks() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.actualPort()));
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      byte[] buffer = new byte[65_536];
      while (!received.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n0\r\n\r\n")) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        received.write(buffer, 0, n);
      }
      byte[] bytes = received.toByteArray();
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      int at = text.indexOf("\r\n\r\n") + 4;
      List<String> chunks = new ArrayList<>();
      while (true) {
        int lineEnd = text.indexOf("\r\n", at);
        int size = Integer.parseInt(text.substring(at, lineEnd).trim(), 16);
        if (size == 0) {
          return chunks;
        }
        chunks.add(new String(bytes, lineEnd + 2, size, StandardCharsets.UTF_8));
        at = lineEnd + 2 + size + 2;
      }
    }
  }

  private static List<String> events(String body) {
    List<String> names = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (line.startsWith("event: ")) {
        names.add(line.substring("event: ".length()));
      }
    }
    return names;
  }

  private static SectionEvent section(String source, int resources) {
    JsonArray array = new JsonArray();
    for (int i = 0; i < resources; i++) {
      array.add(new JsonObject().put("resourceType", "Condition").put("id", source + "-" + i).put("note", "x".repeat(180)));
    }
    Buffer encoded = array.toBuffer();
    return new SectionEvent(source, "problems", resources, encoded);
  }
}
