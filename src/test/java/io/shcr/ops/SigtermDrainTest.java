package io.shcr.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.audit.AuditEntry;
import io.shcr.support.AuditTrailFiles;
import io.shcr.support.FakeSources;
import io.shcr.support.SseClient;
import io.shcr.support.SseEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real server process (a child JVM) while an SSE stream and a JSON view are open, one of
 * their sources never answering: the stream ends with {@code complete}, the source cut short is
 * {@code shutdown} (not blamed on it), the JSON view is answered likewise, a new view meanwhile is 503
 * {@code SHUTTING_DOWN}, and the trail holds every outcome, synced before the process exits.
 */
class SigtermDrainTest {

  private static final long DRAIN_LIMIT_MS = 1_500;

  @TempDir
  Path dir;

  @Test
  void sigtermDrainsOpenViewsEndsEveryStreamWithCompleteAndKeepsEveryOutcome() throws Exception {
    Path trail = dir.resolve("audit");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), DrainChild.class.getName(),
        trail.toString(), Long.toString(DRAIN_LIMIT_MS))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (Exception ignored) {
        // the child exited
      }
    });
    reader.setDaemon(true);
    reader.start();
    Vertx vertx = Vertx.vertx();
    try {
      int port = Integer.parseInt(next(lines, "port ").substring(5));
      String path = "/api/v1/patients/" + FakeSources.NHS + "/record";
      SseClient.Stream stream = await(new SseClient(vertx).open(port, path, Map.of(), e -> { }));
      WebClient client = WebClient.create(vertx);
      Future<HttpResponse<Buffer>> json = client.get(port, "127.0.0.1", path).send();
      next(lines, "open 2");
      long sigterm = System.nanoTime();
      child.destroy(); // SIGTERM

      HttpResponse<Buffer> refused = await(eventuallyRefused(client, port, path));
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.getHeader("Retry-After")).isNotBlank();
      assertThat(refused.bodyAsJsonObject().encode()).contains("SHUTTING_DOWN");

      await(stream.ended.future());
      long endedMs = (System.nanoTime() - sigterm) / 1_000_000L;
      List<String> types = stream.types();
      assertThat(types.get(types.size() - 1)).as("the stream's last event").isEqualTo("complete");
      SseEvent complete = stream.ofType("complete").get(0);
      Map<String, String> statuses = statuses(complete.data());
      assertThat(statuses).containsEntry("DRA", "ok").containsEntry("DRH", "shutdown");
      assertThat(endedMs).as("the open view ran on until the drain limit").isGreaterThanOrEqualTo(DRAIN_LIMIT_MS - 200);

      HttpResponse<Buffer> document = await(json);
      assertThat(document.statusCode()).isEqualTo(200);
      assertThat(statuses(document.bodyAsJsonObject())).containsEntry("DRA", "ok").containsEntry("DRH", "shutdown");

      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the process exits after draining").isTrue();
    } finally {
      child.destroyForcibly();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    List<AuditEntry> entries = AuditTrailFiles.read(trail);
    List<AuditEntry> views = entries.stream().filter(e -> AuditEntry.ACCESS.equals(e.type()))
        .filter(e -> "allowed".equals(e.data().getString("outcome"))).toList();
    assertThat(views).as("the two views").hasSize(2);
    for (AuditEntry view : views) {
      AuditEntry outcome = entries.stream().filter(e -> AuditEntry.OUTCOME.equals(e.type()))
          .filter(e -> Long.valueOf(view.sequence()).equals(e.refersTo())).findFirst()
          .orElseThrow(() -> new AssertionError("no outcome record for access " + view.sequence()));
      assertThat(outcome.data().getString("outcome")).isEqualTo("shutdown");
      assertThat(outcome.data().getJsonObject("sourceStatuses").getMap()).containsEntry("DRA", "ok").containsEntry("DRH", "shutdown");
    }
    assertThat(entries.stream().filter(e -> "SHUTTING_DOWN".equals(e.data().getString("refusalCode"))).count())
        .as("the view refused while draining is audited").isGreaterThanOrEqualTo(1);
  }

  private static Map<String, String> statuses(JsonObject complete) {
    Map<String, String> out = new java.util.HashMap<>();
    complete.getJsonArray("sources").forEach(s -> out.put(((JsonObject) s).getString("source"), ((JsonObject) s).getString("status")));
    return out;
  }

  /** A new view right after SIGTERM (the hook starts within a few ms; retried while it has not). */
  private static Future<HttpResponse<Buffer>> eventuallyRefused(WebClient client, int port, String path) {
    return client.get(port, "127.0.0.1", path).send().compose(r -> r.statusCode() == 503 ? Future.succeededFuture(r)
        : eventuallyRefused(client, port, path));
  }

  private static String next(BlockingQueue<String> lines, String prefix) throws InterruptedException {
    long until = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < until) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith(prefix)) {
        return line;
      }
    }
    throw new AssertionError("the child never printed " + prefix);
  }

  private static <T> T await(Future<T> future) {
    return TraceAndMetricsTest.await(future);
  }
}
