package io.shcr.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;

/**
 * The Hazelcast member configuration built in code from {@link ClusterConfig}, equivalent to
 * vertx-hazelcast's {@code default-cluster.xml} (the {@code __vertx.subs} multimap as a set, the
 * {@code __vertx.haInfo} and {@code __vertx.nodeInfo} maps) with what a shared care record needs on
 * top: TCP-IP join only (multicast and auto-detection off), phone-home off, and every map (the
 * {@code "*"} pattern, which also covers Vert.x's {@code __vertx.map.lock} and
 * {@code __vertx.map.counter}) keeping synchronous backups, so grants and throttle state survive the
 * loss of any one member. Vert.x 5 keeps locks and counters in those maps, so no CP subsystem is needed.
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
    config.getJetConfig().setEnabled(false);
    network(config.getNetworkConfig(), cluster);
    maps(config, cluster.backups());
    return config;
  }

  private static void network(NetworkConfig network, ClusterConfig cluster) {
    network.setPort(cluster.port()).setPortCount(cluster.portCount()).setPortAutoIncrement(cluster.portCount() > 1);
    network.getInterfaces().setEnabled(true).addInterface(cluster.host());
    network.setPublicAddress(null);
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
