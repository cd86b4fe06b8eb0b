package io.shcr.support;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A test client that reads an SSE stream event by event, as a browser or mobile app would. */
public final class SseClient {

  private final HttpClient http;
  /**
   * Every request is made on this one context, so the response's future completes on the thread that then
   * delivers its body, and the handlers attached when it completes are in place before the first chunk.
   * Made from a test's own thread instead, the future's listeners can run a turn later, after the first
   * chunk was delivered to no handler (the stream then seemed to start with a section, its meta lost).
   */
  private final Context context;

  public SseClient(Vertx vertx) {
    this.http = vertx.createHttpClient();
    this.context = vertx.getOrCreateContext();
  }

  /** A stream in progress: its events so far, the response, and a Future that completes at its end. */
  public static final class Stream {
    public final List<SseEvent> events = new CopyOnWriteArrayList<>();
    public final Promise<Stream> ended = Promise.promise();
    public volatile HttpClientResponse response;
    public volatile Buffer errorBody;
    public final java.util.concurrent.atomic.AtomicInteger comments = new java.util.concurrent.atomic.AtomicInteger();
    private final StringBuilder pending = new StringBuilder();
    /**
     * Keeps the client (and so its HttpClient) reachable while the stream is: Vert.x closes an HttpClient
     * that is no longer referenced, and a test that writes {@code new SseClient(vertx).open(...)} keeps none,
     * so a collection mid-stream failed it with "Pool closed".
     */
    private SseClient owner;

    public List<SseEvent> ofType(String type) {
      return events.stream().filter(e -> e.event().equals(type)).toList();
    }

    public List<String> types() {
      return events.stream().map(SseEvent::event).toList();
    }

    public void close() {
      response.request().connection().close();
    }
  }

  public Future<Stream> open(int port, String path, Map<String, String> headers, Consumer<SseEvent> onEvent) {
    Promise<Stream> opened = Promise.promise();
    context.runOnContext(v -> openHere(port, path, headers, onEvent).onComplete(opened));
    return opened.future();
  }

  private Future<Stream> openHere(int port, String path, Map<String, String> headers, Consumer<SseEvent> onEvent) {
    Stream stream = new Stream();
    stream.owner = this;
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI(path).putHeader("Accept", "text/event-stream");
    headers.forEach(options::putHeader);
    return http.request(options).compose(req -> req.send()).map(resp -> {
      stream.response = resp;
      if (resp.statusCode() != 200) {
        // An error body that never arrives (the connection broken) ends the stream too, empty, so a test
        // fails on what it reads instead of waiting for ever.
        resp.body().onComplete(body -> {
          stream.errorBody = body.succeeded() ? body.result() : io.vertx.core.buffer.Buffer.buffer();
          stream.ended.tryComplete(stream);
        });
        return stream;
      }
      resp.handler(chunk -> {
        stream.pending.append(chunk.toString());
        int split;
        while ((split = stream.pending.indexOf("\n\n")) >= 0) {
          String frame = stream.pending.substring(0, split);
          stream.pending.delete(0, split + 2);
          if (frame.startsWith(":")) {
            stream.comments.incrementAndGet();
          }
          SseEvent event = parse(frame);
          if (event != null) {
            stream.events.add(event);
            onEvent.accept(event);
          }
        }
      });
      resp.endHandler(v -> stream.ended.tryComplete(stream));
      resp.exceptionHandler(t -> stream.ended.tryComplete(stream));
      return stream;
    });
  }

  private static SseEvent parse(String frame) {
    String id = null;
    String event = "message";
    StringBuilder data = new StringBuilder();
    for (String line : frame.split("\n")) {
      if (line.startsWith(":")) {
        continue;
      }
      if (line.startsWith("id: ")) {
        id = line.substring(4);
      } else if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("data: ")) {
        data.append(line.substring(6));
      }
    }
    return data.length() == 0 ? null : new SseEvent(id, event, new JsonObject(data.toString()));
  }
}
