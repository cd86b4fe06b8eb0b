package io.shcr.cluster;

import io.shcr.config.ConfigException;
import io.shcr.config.Fields;
import io.shcr.config.YamlFiles;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Clustered mode from {@code cluster.yaml}: whether it is on, which cluster to join and how members
 * find each other (a fixed TCP-IP member list; multicast and cloud auto-detection are never used, so a
 * node can only join the members an operator named), how many backups every shared map keeps, and
 * where the event bus listens. Validated once at start-up; every problem is reported together.
 *
 * @param enabled whether {@code serve} runs clustered without {@code --cluster}
 * @param name the Hazelcast cluster name: members with another name never join
 * @param host the interface Hazelcast binds to and advertises
 * @param port the first Hazelcast port this node tries
 * @param portCount how many ports from {@code port} it may take (several nodes on one machine)
 * @param members the TCP-IP member list, each {@code host} or {@code host:port}
 * @param backups synchronous backups of every shared map (at least 1: survive losing any one node)
 * @param heartbeatSeconds how often members prove they are alive
 * @param maxNoHeartbeatSeconds silence after which a member is declared gone and shares re-balance
 * @param eventBusHost the interface the clustered event bus binds to and advertises
 * @param eventBusPort the event bus port (0 picks a free one)
 * @param secret where the shared-state secret comes from (see {@link ClusterSecret})
 */
public record ClusterConfig(
    boolean enabled,
    String name,
    String host,
    int port,
    int portCount,
    List<String> members,
    int backups,
    int heartbeatSeconds,
    int maxNoHeartbeatSeconds,
    String eventBusHost,
    int eventBusPort,
    Secret secret) {

  private static final Pattern MEMBER = Pattern.compile("[A-Za-z0-9.\\-]+(:\\d{1,5})?");
  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");

  /**
   * Where the secret that seals every shared value comes from.
   *
   * @param env the environment variable holding it (production)
   * @param demoSecret the inline demo fallback, used only by {@code demo} and {@code serve --trust-demo-key}
   */
  public record Secret(String env, String demoSecret) {
    public static final Secret DEFAULT = new Secret("SHCR_CLUSTER_SECRET", null);
  }

  public ClusterConfig {
    members = List.copyOf(members);
  }

  public static ClusterConfig load(Path configDir) {
    Path file = configDir.resolve("cluster.yaml");
    return fromJson(file.toString(), YamlFiles.readOptional(file));
  }

  public static ClusterConfig fromJson(String file, JsonObject root) {
    List<String> problems = new ArrayList<>();
    Fields top = new Fields(root, "cluster", problems);
    Fields hazelcast = top.nested("hazelcast");
    Fields eventBus = top.nested("eventBus");
    Fields secret = top.nested("sharedStateSecret");
    ClusterConfig config = new ClusterConfig(
        top.bool("enabled", false),
        top.optionalString("name", "shcr"),
        hazelcast.optionalString("host", "127.0.0.1"),
        (int) hazelcast.number("port", 5701L, 1, 65_535),
        (int) hazelcast.number("portCount", 10L, 1, 100),
        hazelcast.stringList("members", false),
        (int) hazelcast.number("backups", 1L, 1, 6),
        (int) hazelcast.number("heartbeatSeconds", 1L, 1, 60),
        (int) hazelcast.number("maxNoHeartbeatSeconds", 10L, 2, 600),
        eventBus.optionalString("host", "127.0.0.1"),
        (int) eventBus.number("port", 0L, 0, 65_535),
        new Secret(secret.optionalString("env", Secret.DEFAULT.env()), secret.optionalString("demoSecret", null)));
    if (config.host() == null || !IPV4.matcher(config.host()).matches() || config.host().equals("0.0.0.0")) {
      hazelcast.problem("host", "the one interface to bind, as an IPv4 address (not 0.0.0.0: never every interface)");
    }
    if (config.name() == null || config.name().isBlank()) {
      top.problem("name", "a cluster name is required");
    }
    if (config.members().isEmpty()) {
      hazelcast.problem("members", "at least one member address is required (multicast is never used)");
    }
    config.members().stream().filter(m -> !MEMBER.matcher(m).matches())
        .forEach(m -> hazelcast.problem("members", "not a host or host:port: " + m));
    if (config.heartbeatSeconds() >= config.maxNoHeartbeatSeconds()) {
      hazelcast.problem("heartbeatSeconds", "must be shorter than maxNoHeartbeatSeconds");
    }
    if (!problems.isEmpty()) {
      throw ConfigException.of(file, problems);
    }
    return config;
  }

  /** This configuration switched on, as {@code serve --cluster} asks. */
  public ClusterConfig enable() {
    return new ClusterConfig(true, name, host, port, portCount, members, backups, heartbeatSeconds,
        maxNoHeartbeatSeconds, eventBusHost, eventBusPort, secret);
  }

  /** With another first Hazelcast port (command-line override). */
  public ClusterConfig withPort(int newPort) {
    return new ClusterConfig(enabled, name, host, newPort, portCount, members, backups, heartbeatSeconds,
        maxNoHeartbeatSeconds, eventBusHost, eventBusPort, secret);
  }

  /** With another member list (command-line override). */
  public ClusterConfig withMembers(List<String> newMembers) {
    return new ClusterConfig(enabled, name, host, port, portCount, newMembers, backups, heartbeatSeconds,
        maxNoHeartbeatSeconds, eventBusHost, eventBusPort, secret);
  }

  /** With another cluster name (command-line override; tests use a unique one each). */
  public ClusterConfig withName(String newName) {
    return new ClusterConfig(enabled, newName, host, port, portCount, members, backups, heartbeatSeconds,
        maxNoHeartbeatSeconds, eventBusHost, eventBusPort, secret);
  }

  /** With other failure-detection timings (tests detect a killed node quickly). */
  public ClusterConfig withHeartbeat(int newHeartbeatSeconds, int newMaxNoHeartbeatSeconds) {
    return new ClusterConfig(enabled, name, host, port, portCount, members, backups, newHeartbeatSeconds,
        newMaxNoHeartbeatSeconds, eventBusHost, eventBusPort, secret);
  }

  /** With the shared-state secret taken from another place (tests). */
  public ClusterConfig withSecret(Secret newSecret) {
    return new ClusterConfig(enabled, name, host, port, portCount, members, backups, heartbeatSeconds,
        maxNoHeartbeatSeconds, eventBusHost, eventBusPort, newSecret);
  }
}
