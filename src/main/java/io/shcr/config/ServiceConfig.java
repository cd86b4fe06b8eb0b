package io.shcr.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The service's own settings from {@code service.yaml}: where it listens and how long a record
 * request may take. Each capability (access, audit, privacy, cluster) reads its own file.
 *
 * @param configDir the directory every configuration file is read from
 * @param host the address to listen on
 * @param port the port to listen on (0 picks a free one)
 * @param eventLoops how many event loops serve HTTP (default: one per core)
 * @param recordDeadlineMs the overall deadline of one record request
 * @param heartbeatMs how often an idle stream gets a comment heartbeat
 * @param h2c whether cleartext HTTP/2 (upgrade and prior knowledge) is served; off unless configured
 * @param slowReader how much one record stream may hold for a client that reads slower than it is written
 * @param resume how long a stream's resume tokens last and the {@code retry:} it starts with
 */
public record ServiceConfig(Path configDir, String host, int port, int eventLoops, long recordDeadlineMs,
    long heartbeatMs, boolean h2c, SlowReader slowReader, Resume resume) {

  /**
   * How a broken stream is resumed ({@code record.resume}).
   *
   * @param tokenTtlSeconds how long after an event its id (a resume token) is accepted
   * @param retryMs the {@code retry:} a stream starts with: how long a client waits before reconnecting (0: none sent)
   */
  public record Resume(long tokenTtlSeconds, long retryMs) {
    public static final Resume DEFAULT = new Resume(300, 3_000);
  }

  /** The default resume settings. */
  public ServiceConfig(Path configDir, String host, int port, int eventLoops, long recordDeadlineMs, long heartbeatMs,
      boolean h2c, SlowReader slowReader) {
    this(configDir, host, port, eventLoops, recordDeadlineMs, heartbeatMs, h2c, slowReader, Resume.DEFAULT);
  }

  /**
   * The most one SSE stream holds that its client has not yet taken ({@code record.slowReader}). A burst
   * (several sources answering at once) may go past the bounds for {@code graceMs}, never past
   * {@link #CEILING} times them; a client still behind by more than the bounds after the grace, or
   * pushed past the ceiling, is cut off: the stream ends with a {@code complete} whose status is
   * {@code client-too-slow}.
   *
   * @param maxEvents events written but not yet handed to the socket
   * @param maxBytes bytes of those events
   * @param graceMs how long a burst may stay past the bounds (0: not at all)
   */
  public record SlowReader(int maxEvents, long maxBytes, long graceMs) {
    public static final int CEILING = 4;
    public static final SlowReader DEFAULT = new SlowReader(2_000, 4L * 1024 * 1024, 2_000);

    public SlowReader {
      if (maxEvents < 1 || maxBytes < 1 || graceMs < 0) {
        throw new IllegalArgumentException("slow reader bounds must be positive");
      }
    }

    public long ceilingBytes() {
      return maxBytes * CEILING;
    }

    public long ceilingEvents() {
      return (long) maxEvents * CEILING;
    }
  }

  /** The default slow-reader bounds. */
  public ServiceConfig(Path configDir, String host, int port, int eventLoops, long recordDeadlineMs, long heartbeatMs,
      boolean h2c) {
    this(configDir, host, port, eventLoops, recordDeadlineMs, heartbeatMs, h2c, SlowReader.DEFAULT);
  }

  /** HTTP/1.1 only (no h2c). */
  public ServiceConfig(Path configDir, String host, int port, int eventLoops, long recordDeadlineMs, long heartbeatMs) {
    this(configDir, host, port, eventLoops, recordDeadlineMs, heartbeatMs, false);
  }

  /** A single-event-loop configuration (tests and embedded use). */
  public ServiceConfig(Path configDir, String host, int port, long recordDeadlineMs, long heartbeatMs) {
    this(configDir, host, port, 1, recordDeadlineMs, heartbeatMs);
  }

  public static ServiceConfig load(Path configDir) {
    return withEnvironment(fromJson(configDir, YamlFiles.readOptional(configDir.resolve("service.yaml"))), System.getenv());
  }

  /** {@code SHCR_HTTP_HOST} and {@code SHCR_HTTP_PORT} override the file (containers listen on 0.0.0.0). */
  static ServiceConfig withEnvironment(ServiceConfig config, java.util.Map<String, String> env) {
    String host = env.getOrDefault("SHCR_HTTP_HOST", config.host());
    int port = config.port();
    String portText = env.get("SHCR_HTTP_PORT");
    if (portText != null && !portText.isBlank()) {
      try {
        port = Integer.parseInt(portText.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException("SHCR_HTTP_PORT: expected a port number, found " + portText);
      }
      if (port < 0 || port > 65_535) {
        throw new ConfigException("SHCR_HTTP_PORT: expected a port number from 0 to 65535, found " + portText);
      }
    }
    return new ServiceConfig(config.configDir(), host, port, config.eventLoops(), config.recordDeadlineMs(),
        config.heartbeatMs(), config.h2c(), config.slowReader(), config.resume());
  }

  public static ServiceConfig fromJson(Path configDir, JsonObject root) {
    List<String> problems = new ArrayList<>();
    Fields top = new Fields(root, "service", problems);
    Fields http = top.nested("http");
    Fields record = top.nested("record");
    Fields slowReader = record.nested("slowReader");
    Fields resume = record.nested("resume");
    ServiceConfig config = new ServiceConfig(
        configDir,
        http.optionalString("host", "127.0.0.1"),
        (int) http.number("port", 8080L, 0, 65_535),
        (int) http.number("eventLoops", (long) Runtime.getRuntime().availableProcessors(), 1, 256),
        record.number("deadlineMs", 10_000L, 100, 600_000),
        record.number("heartbeatMs", 15_000L, 100, 600_000),
        http.bool("h2c", false),
        new SlowReader(
            (int) slowReader.number("maxEvents", (long) SlowReader.DEFAULT.maxEvents(), 16, 1_000_000),
            slowReader.number("maxBytes", SlowReader.DEFAULT.maxBytes(), 64L * 1024, 1024L * 1024 * 1024),
            slowReader.number("graceMs", SlowReader.DEFAULT.graceMs(), 0, 60_000)),
        new Resume(
            resume.number("tokenTtlSeconds", Resume.DEFAULT.tokenTtlSeconds(), 10, 3_600),
            resume.number("retryMs", Resume.DEFAULT.retryMs(), 0, 600_000)));
    if (!problems.isEmpty()) {
      throw ConfigException.of(configDir.resolve("service.yaml").toString(), problems);
    }
    return config;
  }

  public ServiceConfig withPort(int newPort) {
    return new ServiceConfig(configDir, host, newPort, eventLoops, recordDeadlineMs, heartbeatMs, h2c, slowReader, resume);
  }

  public ServiceConfig withSlowReader(SlowReader bounds) {
    return new ServiceConfig(configDir, host, port, eventLoops, recordDeadlineMs, heartbeatMs, h2c, bounds, resume);
  }

  public ServiceConfig withResume(Resume settings) {
    return new ServiceConfig(configDir, host, port, eventLoops, recordDeadlineMs, heartbeatMs, h2c, slowReader, settings);
  }
}
