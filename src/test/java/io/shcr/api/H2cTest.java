package io.shcr.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.config.ServiceConfig;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.TestComponents;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.NetClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cleartext HTTP/2 is off unless {@code http.h2c} says otherwise: an {@code Upgrade: h2c} request is served as
 * HTTP/1.1, and an HTTP/2 connection preface (prior knowledge) gets no HTTP/2 answer. With h2c on, both work,
 * which shows the checks can fail.
 */
class H2cTest {

  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  /** An empty SETTINGS frame: length 0, type 4, no flags, stream 0. */
  private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};

  private Vertx vertx;
  private final List<HttpClient> clients = new java.util.ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    // HTTP/2 connections left open would hold the server's graceful shutdown.
    clients.forEach(client -> await(client.shutdown(0, TimeUnit.SECONDS)));
    await(vertx.close());
  }

  @Test
  void anUpgradeToH2cIsServedAsHttp11() {
    ShcrServer server = start(false);
    HttpVersion version = await(upgradingClient().request(HttpMethod.GET, server.port(), "127.0.0.1", "/health/live")
        .compose(request -> request.send()).map(response -> response.version()));
    assertThat(version).isEqualTo(HttpVersion.HTTP_1_1);
  }

  @Test
  void priorKnowledgeGetsNoHttp2Answer() {
    ShcrServer server = start(false);
    String answer = await(rawPreface(server.port()));
    // Vert.x's HTTP/1.x codec answers the preface's request line as text ("HTTP/2.0 501 Not Implemented"):
    // a status line, not the binary SETTINGS frame an HTTP/2 server would send first.
    assertThat(answer).as("a text refusal or a closed connection, never an HTTP/2 SETTINGS frame")
        .matches("(?s)(HTTP/\\S+ [45]\\d\\d .*)?");
    Future<Integer> h2 = priorKnowledgeClient().request(HttpMethod.GET, server.port(), "127.0.0.1", "/health/live")
        .compose(request -> request.send()).map(response -> response.statusCode());
    assertThat(awaitOutcome(h2).failed()).as("an HTTP/2 client with prior knowledge").isTrue();
  }

  @Test
  void withH2cConfiguredBothWork() {
    ShcrServer server = start(true);
    HttpVersion upgraded = await(upgradingClient().request(HttpMethod.GET, server.port(), "127.0.0.1", "/health/live")
        .compose(request -> request.send()).map(response -> response.version()));
    HttpVersion prior = await(priorKnowledgeClient().request(HttpMethod.GET, server.port(), "127.0.0.1", "/health/live")
        .compose(request -> request.send()).map(response -> response.version()));
    assertThat(upgraded).isEqualTo(HttpVersion.HTTP_2);
    assertThat(prior).isEqualTo(HttpVersion.HTTP_2);
  }

  private ShcrServer start(boolean h2c) {
    var components = TestComponents.components(new SourceRegistry(List.of()), TestComponents.allowAll(),
        new TestComponents.MemoryAudit());
    return await(ShcrServer.start(vertx, new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, 1, 5_000, 60_000, h2c), components));
  }

  private HttpClient upgradingClient() {
    return track(vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(true)));
  }

  private HttpClient priorKnowledgeClient() {
    return track(vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
        .setConnectTimeout(2_000).setIdleTimeout(2).setIdleTimeoutUnit(TimeUnit.SECONDS)));
  }

  private HttpClient track(HttpClient client) {
    clients.add(client);
    return client;
  }

  /** What the server sends back to an HTTP/2 preface and SETTINGS: read until it closes, or its first line is in. */
  private Future<String> rawPreface(int port) {
    NetClient net = vertx.createNetClient();
    return net.connect(port, "127.0.0.1").compose(socket -> {
      Promise<String> answer = Promise.promise();
      Buffer received = Buffer.buffer();
      socket.handler(chunk -> {
        received.appendBuffer(chunk);
        if (received.toString(StandardCharsets.ISO_8859_1).contains("\r\n") || received.length() >= 9) {
          answer.tryComplete(received.toString(StandardCharsets.ISO_8859_1));
          socket.close();
        }
      });
      socket.closeHandler(v -> answer.tryComplete(received.toString(StandardCharsets.ISO_8859_1)));
      socket.write(Buffer.buffer(PREFACE).appendBytes(EMPTY_SETTINGS));
      return answer.future();
    });
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static <T> Future<T> awaitOutcome(Future<T> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return future;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return future;
  }
}
