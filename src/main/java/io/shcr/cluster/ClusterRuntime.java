package io.shcr.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.shcr.access.SharedState;
import io.shcr.access.SharedValueSeal;
import io.shcr.sources.SourceDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a clustered service: a Vert.x instance on the Hazelcast cluster manager, so shared data
 * (break-glass grants, throttle slots) is held region-wide, and a watch on membership so this node's
 * share of every source's concurrency cap follows the member count. Nothing here carries clinical
 * data: the service sends no event-bus messages between nodes, and what it keeps in shared maps is
 * keyed hashes, reason codes and expiry times (see {@link ClusterScan}).
 */
public final class ClusterRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterRuntime.class);

  private final ClusterConfig config;
  private final Vertx vertx;
  private final HazelcastClusterManager manager;
  private final List<IntConsumer> memberListeners = new CopyOnWriteArrayList<>();
  private volatile int members;

  private ClusterRuntime(ClusterConfig config, Vertx vertx, HazelcastClusterManager manager) {
    this.config = config;
    this.vertx = vertx;
    this.manager = manager;
    this.members = manager.getHazelcastInstance().getCluster().getMembers().size();
    manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        if (!expected(event.getMember().getAddress())) {
          LOG.error("A member at {} joined cluster {} but is not in cluster.yaml's member list: find out what it is "
              + "(docs/operations.md, Isolating the cluster port)", event.getMember().getAddress(), config.name());
        }
        membersChanged(event.getMembers().size());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        membersChanged(event.getMembers().size());
      }
    });
  }

  /** Starts Hazelcast and a clustered Vert.x on it; completes once this node has joined. */
  public static Future<ClusterRuntime> start(ClusterConfig config) {
    return start(config, options -> Vertx.builder().with(options));
  }

  /** As above, with the process's metrics and tracing ({@code Telemetry::builder}). */
  public static Future<ClusterRuntime> start(ClusterConfig config,
      java.util.function.Function<VertxOptions, io.vertx.core.VertxBuilder> builder) {
    HazelcastClusterManager manager = new HazelcastClusterManager(HazelcastSettings.from(config));
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost(config.eventBusHost()).setPort(config.eventBusPort())
        .setClusterPublicHost(config.eventBusHost());
    return builder.apply(options).withClusterManager(manager).buildClustered()
        .map(vertx -> new ClusterRuntime(config, vertx, manager));
  }

  public Vertx vertx() {
    return vertx;
  }

  public ClusterConfig config() {
    return config;
  }

  /** The Hazelcast member under this node, for {@link ClusterScan} and operators' checks. */
  public HazelcastInstance hazelcast() {
    return manager.getHazelcastInstance();
  }

  /** Members of the cluster as this node last saw them (itself included). */
  public int members() {
    return members;
  }

  /** This node's Vert.x node id. */
  public String nodeId() {
    return manager.getNodeId();
  }

  /**
   * Keeps the directory's concurrency shares at ceil(cap / members): now, and whenever a member joins
   * or leaves. Re-sizing happens on a Vert.x context, never on a Hazelcast thread.
   */
  public void shareSourcesWith(SourceDirectory directory) {
    onMembersChanged(count -> directory.rebalance(count));
  }

  /** Calls the listener with the member count now and after every change, on a Vert.x context. */
  public void onMembersChanged(IntConsumer listener) {
    memberListeners.add(listener);
    int now = members;
    vertx.runOnContext(v -> listener.accept(now));
  }

  /**
   * How this node's access state is shared: values sealed under the cluster's shared {@code secret}
   * (see {@link ClusterSecret}), changes watched through Hazelcast's entry events.
   */
  public SharedState sharedState(byte[] secret) {
    return new SharedState(new SharedValueSeal(secret), new HazelcastMapWatch(vertx, hazelcast()), true);
  }

  /** Leaves the cluster cleanly (backups are promoted before this member goes). */
  public Future<Void> close() {
    return vertx.close();
  }

  /** Whether an address is one the member list names (a bare host allows this node's port range). */
  private boolean expected(Address address) {
    String host = address.getHost();
    int port = address.getPort();
    for (String member : config.members()) {
      int colon = member.lastIndexOf(':');
      String memberHost = colon < 0 ? member : member.substring(0, colon);
      boolean portMatches = colon < 0
          ? port >= config.port() && port < config.port() + config.portCount()
          : member.substring(colon + 1).equals(Integer.toString(port));
      if (portMatches && memberHost.equalsIgnoreCase(host)) {
        return true;
      }
    }
    return false;
  }

  private void membersChanged(int count) {
    members = count;
    vertx.runOnContext(v -> memberListeners.forEach(listener -> listener.accept(count)));
  }
}
