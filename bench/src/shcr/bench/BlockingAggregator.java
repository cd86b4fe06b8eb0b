package shcr.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The conventional design: a thread per request (a pool of {@code requestThreads}) that fans out one
 * blocking {@code Patient?identifier=} GET per source on a shared pool of {@code callThreads} and writes
 * each answer as a {@code section} event as it completes, then {@code complete}. Same URL and SSE shape
 * as {@link BareFanout} (each source on its own port); no authentication, Spine, filter or audit.
 * Usage: {@code BlockingAggregator port upstreamPort [sources=20] [requestThreads=400] [callThreads=800]}.
 */
public final class BlockingAggregator {

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    int upstream = Integer.parseInt(args[1]);
    int sources = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int requestThreads = args.length > 3 ? Integer.parseInt(args[3]) : 400;
    int callThreads = args.length > 4 ? Integer.parseInt(args[4]) : 800;
    ExecutorService calls = Executors.newFixedThreadPool(callThreads);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 8192);
    server.setExecutor(Executors.newFixedThreadPool(requestThreads));
    server.createContext("/api/v1/patients/", exchange -> serve(exchange, client, calls, upstream, sources));
    server.start();
    System.out.println("blocking aggregator on " + port + " (" + requestThreads + " request threads, " + callThreads + " call threads)");
  }

  private static void serve(HttpExchange exchange, HttpClient client, ExecutorService calls, int upstream, int sources)
      throws IOException {
    String[] path = exchange.getRequestURI().getPath().split("/");
    if (path.length != 6 || !"record".equals(path[5])) {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
      return;
    }
    String nhs = path[4];
    exchange.getResponseHeaders().add("content-type", "text/event-stream; charset=utf-8");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      write(out, "id: 0\nevent: meta\ndata: {\"patient\":\"" + nhs + "\"}\n\n");
      String query = "/Patient?identifier=" + URLEncoder.encode(FakeNetwork.NHS_SYSTEM + "|" + nhs, StandardCharsets.UTF_8);
      CompletionService<String> done = new ExecutorCompletionService<>(calls);
      for (int i = 0; i < sources; i++) {
        String source = FakeNetwork.sourceId(i);
        int sourcePort = FakeNetwork.sourcePort(upstream, i);
        done.submit(() -> {
          HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + sourcePort + "/" + source + query)).GET().build(), HttpResponse.BodyHandlers.ofString());
          JsonArray resources = new JsonArray();
          for (Object e : new JsonObject(answer.body()).getJsonArray("entry", new JsonArray())) {
            resources.add(((JsonObject) e).getJsonObject("resource"));
          }
          return new JsonObject().put("source", source).put("section", "demographics").put("resources", resources).encode();
        });
      }
      int id = 1;
      for (int i = 0; i < sources; i++) {
        try {
          write(out, "id: " + id++ + "\nevent: section\ndata: " + done.take().get() + "\n\n");
        } catch (Exception e) {
          // a failed source sends no section
        }
      }
      write(out, "id: " + id + "\nevent: complete\ndata: {}\n\n");
    }
  }

  private static void write(OutputStream out, String event) throws IOException {
    out.write(event.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
