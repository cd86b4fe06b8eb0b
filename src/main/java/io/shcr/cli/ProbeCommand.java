package io.shcr.cli;

import io.shcr.config.ServiceConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code probe ready|live|started}: asks this machine's service for one probe and exits 0 on 200, 1
 * otherwise, printing the answer. The container's HEALTHCHECK, so an image needs no curl; the port is
 * the configured one (service.yaml and its environment overrides) unless given.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
    description = "Ask the local service for a health probe (ready, live or started); exit 0 when it answers 200.")
public final class ProbeCommand implements Callable<Integer> {

  @picocli.CommandLine.Mixin
  ConfigOption configOption = new ConfigOption();

  @Parameters(index = "0", defaultValue = "ready", description = "ready (default), live or started.")
  String probe;

  @Option(names = "--port", description = "The service's port (default: the configured one).")
  Integer port;

  @Option(names = "--timeout-ms", defaultValue = "3000", description = "How long to wait (default: ${DEFAULT-VALUE}).")
  long timeoutMs;

  @Override
  public Integer call() throws Exception {
    if (!java.util.Set.of("ready", "live", "started").contains(probe)) {
      System.err.println("probe: expected ready, live or started, found " + probe);
      return 2;
    }
    int target = port != null ? port : ServiceConfig.load(configOption.dir()).port();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(timeoutMs)).build();
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target + "/health/" + probe))
          .timeout(Duration.ofMillis(timeoutMs)).header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
      System.out.println(response.statusCode() + " " + response.body());
      return response.statusCode() == 200 ? 0 : 1;
    } catch (java.io.IOException e) {
      System.out.println("no answer on port " + target + ": " + e.getClass().getSimpleName());
      return 1;
    }
  }
}
