package io.shcr.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.support.DemoNetwork;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * openapi.json and the router say the same: every route the running service's router declares is
 * described, every described route exists (those marked {@code x-mounted-when} only in that mode),
 * every {@code $ref} resolves, and the SSE events have their schemas.
 */
class OpenApiCoverageTest {

  private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete", "head", "options");
  private static Vertx vertx;
  private static DemoNetwork demo;
  private static JsonObject document;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    demo = await(DemoNetwork.start(vertx, true));
    HttpResponse<Buffer> response = await(WebClient.create(vertx).get(demo.service.port(), "127.0.0.1", "/openapi.json").send());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    document = response.bodyAsJsonObject();
  }

  @AfterAll
  static void stop() {
    await(demo.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Set<String> described(boolean includeConditional) {
    Set<String> routes = new TreeSet<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      if (!includeConditional && item.containsKey("x-mounted-when")) {
        continue;
      }
      for (String method : item.fieldNames()) {
        if (METHODS.contains(method)) {
          routes.add(method.toUpperCase() + " " + path);
        }
      }
    }
    return routes;
  }

  @Test
  void everyRouteOfTheRouterIsDescribed() {
    Set<String> missing = new TreeSet<>(demo.service.declaredRoutes());
    missing.removeAll(described(true));
    assertThat(missing)
        .as("routes the router declares that src/main/resources/openapi.json does not describe (add each under "
            + "\"paths\", with {param} for :param): " + missing)
        .isEmpty();
  }

  @Test
  void everyDescribedRouteExists() {
    Set<String> ghosts = described(false);
    ghosts.removeAll(demo.service.declaredRoutes());
    assertThat(ghosts)
        .as("routes src/main/resources/openapi.json describes that the router does not declare (remove them, or mark "
            + "the path item with x-mounted-when if it exists only in one mode): " + ghosts)
        .isEmpty();
  }

  @Test
  void itIsOpenApi31AndEveryReferenceResolves() {
    assertThat(document.getString("openapi")).isEqualTo("3.1.0");
    List<String> unresolved = new ArrayList<>();
    Matcher refs = Pattern.compile("\"\\$ref\":\"#/([^\"]+)\"").matcher(document.encode());
    while (refs.find()) {
      Object node = document;
      for (String part : refs.group(1).split("/")) {
        node = node instanceof JsonObject json ? json.getValue(part) : null;
      }
      if (node == null) {
        unresolved.add(refs.group(1));
      }
    }
    assertThat(unresolved).isEmpty();
    JsonObject events = document.getJsonObject("paths").getJsonObject("/api/v1/patients/{nhsNumber}/record").getJsonObject("get")
        .getJsonObject("responses").getJsonObject("200").getJsonObject("content").getJsonObject("text/event-stream")
        .getJsonObject("x-sse-events");
    assertThat(events.fieldNames()).containsExactlyInAnyOrder("meta", "section", "group", "source", "complete", "error");
  }
}
