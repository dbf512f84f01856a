package dev.arca.testcluster.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The node's configuration files hold the settings this machine needs (no root needed). */
class NodeConfigTest {
  private final NodeConfig.Layout layout = new NodeConfig.Layout(Path.of("/tmp/arca-node-1"));

  @Test
  void containerdKeepsItsStateInTheNodeFolderAndClampsOomScores() {
    String toml = NodeConfig.containerd(layout, "arca.test/pause:v1");
    assertThat(toml)
        .contains("root = \"/tmp/arca-node-1/containerd/root\"")
        .contains("address = \"/tmp/arca-node-1/containerd.sock\"")
        .contains("restrict_oom_score_adj = true")
        .contains("SystemdCgroup = false")
        .contains("sandbox_image = \"arca.test/pause:v1\"")
        .contains("netns_mounts_under_state_dir = true")
        .contains("conf_dir = \"/tmp/arca-node-1/cni\"");
  }

  @Test
  void podNetworkIsABridgeWithoutMasquerading() throws Exception {
    JsonNode cni = new ObjectMapper().readTree(NodeConfig.cni("arca-node-1", layout));
    JsonNode bridge = cni.get("plugins").get(0);
    assertThat(bridge.get("type").asText()).isEqualTo("bridge");
    assertThat(bridge.get("ipMasq").asBoolean()).isFalse();
    assertThat(bridge.get("ipam").get("dataDir").asText()).isEqualTo("/tmp/arca-node-1/cni-ipam");
    assertThat(bridge.get("ipam").get("ranges").get(0).get(0).get("gateway").asText())
        .isEqualTo(NodeConfig.NODE_IP);
  }

  @Test
  void kubeletAcceptsCgroupV1AndUsesTheNodesContainerd() {
    String yaml = NodeConfig.kubelet(layout, "/arca-node-1", 4321, Path.of("/tmp/ca.crt"));
    assertThat(yaml)
        .contains("failCgroupV1: false")
        .contains("cgroupDriver: cgroupfs")
        .contains("cgroupRoot: /arca-node-1")
        .contains("containerRuntimeEndpoint: unix:///tmp/arca-node-1/containerd.sock")
        .contains("port: 4321")
        .contains("podLogsDir: /tmp/arca-node-1/pod-logs")
        .contains("nodefs.available: 1%");
    assertThat(NodeConfig.resolvConf()).contains("nameserver " + NodeConfig.NODE_IP);
  }
}
