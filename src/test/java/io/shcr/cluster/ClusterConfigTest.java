package io.shcr.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.instance.EndpointQualifier;
import io.shcr.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** cluster.yaml: the project's own file loads, bad values are all reported, and Hazelcast gets what it says. */
class ClusterConfigTest {

  @Test
  void projectFileLoadsAsALocalThreeNodeCluster() {
    ClusterConfig config = ClusterConfig.load(Path.of("conf"));
    assertThat(config.enabled()).isFalse();
    assertThat(config.members()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703");
    assertThat(config.backups()).isEqualTo(1);
    assertThat(config.enable().enabled()).isTrue();
  }

  @Test
  void everyProblemIsReportedTogether() {
    JsonObject root = new JsonObject().put("name", " ").put("hazelcast", new JsonObject()
        .put("members", new JsonArray().add("not a host!")).put("backups", 0).put("port", 70_000)
        .put("heartbeatSeconds", 30).put("maxNoHeartbeatSeconds", 10));
    assertThatThrownBy(() -> ClusterConfig.fromJson("cluster.yaml", root))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.name")
        .hasMessageContaining("cluster.hazelcast.members: not a host or host:port")
        .hasMessageContaining("cluster.hazelcast.backups")
        .hasMessageContaining("cluster.hazelcast.port")
        .hasMessageContaining("cluster.hazelcast.heartbeatSeconds");
  }

  @Test
  void hazelcastBindsOneInterfaceNeverTheWildcard() {
    for (String host : new String[] {"0.0.0.0", "node1.internal", "10.0.0", "*"}) {
      JsonObject root = new JsonObject().put("hazelcast", new JsonObject().put("host", host)
          .put("members", new JsonArray().add("127.0.0.1:5701")));
      assertThatThrownBy(() -> ClusterConfig.fromJson("cluster.yaml", root)).as(host)
          .hasMessageContaining("cluster.hazelcast.host");
    }
    JsonObject ok = new JsonObject().put("hazelcast", new JsonObject().put("host", "10.20.30.40")
        .put("members", new JsonArray().add("10.20.30.41:5701")));
    assertThat(ClusterConfig.fromJson("cluster.yaml", ok).host()).isEqualTo("10.20.30.40");
  }

  @Test
  void hazelcastJoinsOnlyTheNamedMembersAndBacksUpEveryMap() {
    Config config = HazelcastSettings.from(ClusterConfig.load(Path.of("conf")).withName("x").withPort(5801));
    assertThat(config.getClusterName()).isEqualTo("x");
    AdvancedNetworkConfig network = config.getAdvancedNetworkConfig();
    assertThat(network.isEnabled()).as("member-only endpoints").isTrue();
    ServerSocketEndpointConfig members = (ServerSocketEndpointConfig) network.getEndpointConfigs().get(EndpointQualifier.MEMBER);
    assertThat(members.getPort()).isEqualTo(5801);
    assertThat(members.getInterfaces().isEnabled()).isTrue();
    assertThat(members.getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(network.getEndpointConfigs().keySet()).as("no client, REST or memcache endpoint").containsExactly(EndpointQualifier.MEMBER);
    assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    assertThat(config.getProperty("hazelcast.socket.server.bind.any")).isEqualTo("false");
    assertThat(config.getSerializationConfig().getJavaSerializationFilterConfig()).isNotNull();
    assertThat(network.getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(network.getJoin().getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(network.getJoin().getTcpIpConfig().getMembers()).hasSize(3);
    assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(config.findMapConfig("shcr.access.break-glass").getBackupCount()).isEqualTo(1);
    assertThat(config.findMultiMapConfig("__vertx.subs").getValueCollectionType().name()).isEqualTo("SET");
  }
}
