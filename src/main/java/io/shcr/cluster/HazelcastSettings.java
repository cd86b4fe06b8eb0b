package io.shcr.cluster;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;

/**
 * The Hazelcast member configuration built in code from {@link ClusterConfig}, equivalent to
 * vertx-hazelcast's {@code default-cluster.xml} (the {@code __vertx.subs} multimap as a set, the
 * {@code __vertx.haInfo} and {@code __vertx.nodeInfo} maps) with what a shared care record needs on
 * top: TCP-IP join only (multicast and auto-detection off), phone-home off, and every map (the
 * {@code "*"} pattern, which also covers Vert.x's {@code __vertx.map.lock} and
 * {@code __vertx.map.counter}) keeping synchronous backups, so grants and throttle state survive the
 * loss of any one member. Vert.x 5 keeps locks and counters in those maps, so no CP subsystem is needed.
 *
 * <p>Who can reach the state: Hazelcast's advanced network with a member endpoint only, bound to the
 * one configured interface (never the wildcard address), so the port speaks the member protocol alone:
 * a Hazelcast client, even one that knows the cluster name, is refused at the protocol handshake, and
 * there is no REST or memcache endpoint. Open-source Hazelcast cannot authenticate members, so a
 * process that reaches the port and knows the cluster name can still join as a member: the network
 * must keep it out (docs/operations.md), and every shared value is sealed so what it writes is ignored.
 * Java deserialisation is limited to JDK and Hazelcast classes, so a value planted in a map cannot
 * name a gadget class from the classpath.
 */
public final class HazelcastSettings {

  private HazelcastSettings() {}

  /** A fresh configuration for one member (never share one between members: Vert.x writes its node id into it). */
  public static Config from(ClusterConfig cluster) {
    Config config = new Config();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.heartbeat.interval.seconds", Integer.toString(cluster.heartbeatSeconds()));
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(cluster.maxNoHeartbeatSeconds()));
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.socket.server.bind.any", "false");
    config.setProperty("hazelcast.socket.client.bind.any", "false");
    config.getSerializationConfig().setJavaSerializationFilterConfig(javaDeserialisation());
    config.getJetConfig().setEnabled(false);
    network(config.getAdvancedNetworkConfig(), cluster);
    maps(config, cluster.backups());
    return config;
  }

  /**
   * Java deserialisation of JDK and Hazelcast classes (Hazelcast's default allow list, less its default
   * deny list of known gadgets) and of Vert.x's cluster manager, whose counters and locks travel as
   * serialised lambdas; nothing else on the classpath.
   */
  private static JavaSerializationFilterConfig javaDeserialisation() {
    JavaSerializationFilterConfig filter = new JavaSerializationFilterConfig();
    filter.getWhitelist().addPackages("io.vertx.spi.cluster.hazelcast.impl");
    return filter;
  }

  /** Members only: one member endpoint on the configured interface, no client, REST or memcache endpoint. */
  private static void network(AdvancedNetworkConfig network, ClusterConfig cluster) {
    network.setEnabled(true);
    ServerSocketEndpointConfig members = new ServerSocketEndpointConfig();
    members.setPort(cluster.port()).setPortCount(cluster.portCount()).setPortAutoIncrement(cluster.portCount() > 1);
    members.getInterfaces().setEnabled(true).addInterface(cluster.host());
    members.setPublicAddress(null);
    network.setMemberEndpointConfig(members);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).setMembers(cluster.members());
  }

  private static void maps(Config config, int backups) {
    config.addMapConfig(new MapConfig("*").setBackupCount(backups).setAsyncBackupCount(0));
    config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(backups));
    config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(backups));
    config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(backups)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMultiMapConfig(new MultiMapConfig("*").setBackupCount(backups));
  }
}
