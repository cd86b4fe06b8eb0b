package shcr.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The physical limit of this design: {@code GET /api/v1/patients/{nhs}/record} as SSE, one
 * {@code Patient?identifier=} search per source at once, each answer decoded and sent as a
 * {@code section} event as it arrives, then {@code complete}. No authentication, Spine, privacy
 * filter, patient check or audit. Each source is its own host and port ({@link FakeNetwork#sourcePort}), so
 * each has its own pool of {@code connections} (the per-source cap shcr's bench configuration gives it).
 * Usage: {@code BareFanout port upstreamPort [sources=20] [connections=200]}.
 */
public final class BareFanout {

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int upstream = Integer.parseInt(args[1]);
    int sources = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int connections = args.length > 3 ? Integer.parseInt(args[3]) : 200;
    int loops = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx();
    // Vert.x pools per host and port: one client, one pool of `connections` per source.
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1"),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    for (int l = 0; l < loops; l++) {
      vertx.createHttpServer(new HttpServerOptions().setAcceptBacklog(8192)).requestHandler(req -> {
        String[] path = req.path().split("/");
        if (path.length != 6 || !"record".equals(path[5])) {
          req.response().setStatusCode(404).end();
          return;
        }
        String nhs = path[4];
        HttpServerResponse out = req.response().setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8");
        out.write("id: 0\nevent: meta\ndata: {\"patient\":\"" + nhs + "\"}\n\n");
        AtomicInteger left = new AtomicInteger(sources);
        AtomicInteger ids = new AtomicInteger(1);
        String query = "/Patient?identifier=" + URLEncoder.encode(FakeNetwork.NHS_SYSTEM + "|" + nhs, StandardCharsets.UTF_8);
        for (int i = 0; i < sources; i++) {
          String source = FakeNetwork.sourceId(i);
          client.request(HttpMethod.GET, FakeNetwork.sourcePort(upstream, i), "127.0.0.1", "/" + source + query)
              .compose(r -> r.send().compose(HttpClientResponse::body))
              .onComplete(done -> {
                if (done.succeeded() && !out.closed()) {
                  JsonArray resources = new JsonArray();
                  for (Object e : new JsonObject(done.result()).getJsonArray("entry", new JsonArray())) {
                    resources.add(((JsonObject) e).getJsonObject("resource"));
                  }
                  out.write("id: " + ids.getAndIncrement() + "\nevent: section\ndata: " + new JsonObject().put("source", source)
                      .put("section", "demographics").put("resources", resources).encode() + "\n\n");
                }
                if (left.decrementAndGet() == 0 && !out.closed()) {
                  out.end(Buffer.buffer("id: " + ids.get() + "\nevent: complete\ndata: {}\n\n"));
                }
              });
        }
      }).listen(port, "127.0.0.1").await();
    }
    System.out.println("bare fan-out on " + port + " (" + loops + " event loops)");
  }
}
