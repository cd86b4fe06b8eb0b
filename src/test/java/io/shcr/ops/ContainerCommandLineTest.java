package io.shcr.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's command line without Docker (none on these machines): {@code demo} run as the image runs
 * it (the Dockerfile's ENV, its ENTRYPOINT's {@code java -jar ... demo} as {@code java -cp ... Main
 * demo}) in a directory outside the clone with no {@code conf/} there, so the packaged configuration
 * is used; then the HEALTHCHECK's own command line, a record view as a user would ask for it, the
 * trail under SHCR_DATA and nothing written to the working directory, and JSON log lines.
 * Only the ports differ from the image: tests use free ports, so the sources are pointed at the
 * simulator through the environment override rule.
 */
class ContainerCommandLineTest {

  @TempDir
  Path dir;

  @Test
  void theImagesDemoRunsFromAnyDirectoryOnThePackagedConfigurationAndItsHealthcheckPasses() throws Exception {
    List<String> dockerfile = Files.readAllLines(Path.of("Dockerfile"));
    Map<String, String> env = new LinkedHashMap<>(imageEnv(dockerfile));
    assertThat(env).containsEntry("SHCR_SERVICE__HTTP__HOST", "0.0.0.0").containsEntry("SHCR_SIMULATOR__HTTP__HOST", "0.0.0.0")
        .containsKey("SHCR_DATA");
    Path work = Files.createDirectories(dir.resolve("elsewhere"));
    Path data = dir.resolve("data");
    env.put("SHCR_DATA", data.toString());
    int service = freePort();
    int simulator = freePort();
    env.put("SHCR_SERVICE__HTTP__PORT", Integer.toString(service));
    env.put("SHCR_SIMULATOR__HTTP__PORT", Integer.toString(simulator));
    env.put("SHCR_OPERATIONS__METRICS__PORT", Integer.toString(freePort()));
    pointSourcesAt(env, "http://127.0.0.1:" + simulator);

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The jar's logging configuration, not the tests' logback-test.xml that is on the test classpath.
    String logback = "-Dlogback.configurationFile=" + Path.of("target/classes/logback.xml").toAbsolutePath();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", logback, "-cp", System.getProperty("java.class.path"),
        "io.shcr.Main", "demo"));
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process demo = builder.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    List<String> all = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
          all.add(line);
        }
      } catch (Exception ignored) {
        // exited
      }
    });
    reader.setDaemon(true);
    reader.start();
    try {
      String running = next(lines, "shcr demo is running: ");
      assertThat(running).contains("http://127.0.0.1:" + service);
      String token = all.stream().filter(l -> l.startsWith("export TOKEN_ED_DOCTOR=")).findFirst().orElseThrow()
          .substring("export TOKEN_ED_DOCTOR=".length()).replace("'", "").replace("\"", "");

      List<String> healthcheck = healthcheck(dockerfile);
      assertThat(healthcheck).startsWith("java").contains("-jar", "/app/shcr.jar", "probe", "ready");
      assertThat(run(asClasspath(healthcheck, java), work, env)).as("the image's HEALTHCHECK").isZero();
      assertThat(run(asClasspath(List.of("java", "-jar", "/app/shcr.jar", "probe", "live"), java), work, env)).isZero();

      HttpResponse<String> view = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + service + "/api/v1/patients/9990000018/record"))
          .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(view.statusCode()).isEqualTo(200);
      JsonArray sources = new JsonObject(view.body()).getJsonArray("sources");
      assertThat(sources.stream().map(s -> ((JsonObject) s).getString("status"))).contains("ok");

      try (Stream<Path> files = Files.list(data.resolve("audit"))) {
        assertThat(files.map(p -> p.getFileName().toString())).anyMatch(name -> name.startsWith("audit-"));
      }
      try (Stream<Path> written = Files.list(work)) {
        assertThat(written.toList()).as("nothing lands in the working directory").isEmpty();
      }
    } finally {
      demo.destroy();
      assertThat(demo.waitFor(40, TimeUnit.SECONDS)).as("SIGTERM ends the demo").isTrue();
      demo.destroyForcibly();
    }
    List<String> logs = all.stream().filter(l -> l.startsWith("{\"timestamp\"")).toList();
    assertThat(logs).as("SHCR_LOG_FORMAT=json from the image: JSON log lines").isNotEmpty();
    logs.forEach(l -> assertThat(new JsonObject(l).getString("level")).isNotBlank());
    assertThat(logs).anyMatch(l -> l.contains("\"loggerName\":\"shcr.view\"") && l.contains("\"requestId\""));
  }

  /** The final stage's ENV, continuation lines joined. */
  static Map<String, String> imageEnv(List<String> dockerfile) {
    String text = String.join("\n", dockerfile.subList(lastFrom(dockerfile), dockerfile.size())).replace("\\\n", " ");
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("ENV ")) {
        Matcher m = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\"[^\"]*\"|\\S+)").matcher(line.substring(4));
        while (m.find()) {
          env.put(m.group(1), m.group(2).replace("\"", ""));
        }
      }
    }
    env.remove("JAVA_OPTS");
    return env;
  }

  static List<String> healthcheck(List<String> dockerfile) {
    String text = String.join("\n", dockerfile).replace("\\\n", " ");
    Matcher m = Pattern.compile("HEALTHCHECK [^\\n]*CMD (\\[[^\\]]*\\])").matcher(text);
    assertThat(m.find()).as("a HEALTHCHECK in the Dockerfile").isTrue();
    return new JsonArray(m.group(1)).stream().map(Object::toString).toList();
  }

  private static int lastFrom(List<String> dockerfile) {
    int last = 0;
    for (int i = 0; i < dockerfile.size(); i++) {
      if (dockerfile.get(i).startsWith("FROM ")) {
        last = i;
      }
    }
    return last;
  }

  /** {@code java ... -jar /app/shcr.jar args} as {@code java ... -cp <test classpath> io.shcr.Main args}. */
  private static List<String> asClasspath(List<String> command, String java) {
    List<String> out = new ArrayList<>();
    out.add(java);
    for (int i = 1; i < command.size(); i++) {
      if (command.get(i).equals("-jar")) {
        out.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.shcr.Main"));
        i++;
      } else {
        out.add(command.get(i));
      }
    }
    return out;
  }

  /** Every source and Spine at the simulator, through SHCR_<FILE>__<KEY> overrides (the shipped files name 8090). */
  private static void pointSourcesAt(Map<String, String> env, String base) throws Exception {
    JsonObject sources = io.shcr.config.YamlFiles.read(Path.of("conf/sources.yaml"));
    JsonArray list = sources.getJsonArray("sources");
    for (int i = 0; i < list.size(); i++) {
      String url = list.getJsonObject(i).getString("baseUrl");
      if (url != null) { // a GP practice has none: SDS gives its endpoint
        env.put("SHCR_SOURCES__SOURCES__" + i + "__BASE_URL", url.replace("http://127.0.0.1:8090", base));
      }
    }
    env.put("SHCR_SOURCES__GP_CONNECT__SDS__BASE_URL", base + "/sds");
    env.put("SHCR_ACCESS_POLICY__SPINE__CONSENT__BASE_URL", base + "/spine");
    env.put("SHCR_ACCESS_POLICY__SPINE__PDS__BASE_URL", base + "/spine");
  }

  private static int run(List<String> command, Path work, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process p = builder.start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String next(BlockingQueue<String> lines, String prefix) throws InterruptedException {
    long until = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < until) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line != null && line.contains(prefix)) {
        return line;
      }
    }
    throw new AssertionError("never printed " + prefix);
  }
}
