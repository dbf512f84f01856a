package dev.arca.engine.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The streaming tree reader gives exactly what data binding gives, for every kind of entry, and
 * trees are written with exactly the documented fields.
 */
class TreeCodecTest {
  private static final String SHA = "ab".repeat(32);

  @Test
  void readsWhatDataBindingWrites() throws IOException {
    Tree tree =
        new Tree(
            List.of(
                new Node("a dir", Node.DIR, 0755, 1L, 2L, 3L, 0, 0, 0, null, null, null, SHA),
                new Node(
                    "f.safetensors",
                    Node.FILE,
                    04644,
                    1_700_000_000_123_456_789L,
                    1_700_000_001_000_000_000L,
                    9_000_000_000L,
                    1000,
                    1001,
                    5_000_000_000L,
                    SHA,
                    List.of(SHA, "cd".repeat(32)),
                    null,
                    null),
                new Node("empty", Node.FILE, 0600, 0, 0, 4, 0, 0, 0, SHA, List.of(), null, null),
                new Node("link", Node.SYMLINK, 0777, 5, 6, 7, 0, 0, 0, null, null, "../a", null),
                new Node(
                    null, "61ff", Node.FILE, 0644, 1, 2, 3, 0, 0, 0, SHA, List.of(), null, null),
                new Node(
                    "ünï cødé ✓",
                    Node.FILE,
                    0644,
                    8,
                    9,
                    10,
                    0,
                    0,
                    1,
                    SHA,
                    List.of(SHA),
                    null,
                    null)));
    byte[] json = ObjectCodec.JSON.writeValueAsBytes(tree);

    assertThat(TreeCodec.read(json)).isEqualTo(tree);
    assertThat(TreeCodec.read(json)).isEqualTo(ObjectCodec.JSON.readValue(json, Tree.class));
  }

  @Test
  void writesExactlyTheDocumentedFieldsInTheirFixedOrder() throws IOException {
    Node n = new Node("f", Node.FILE, 0644, 1, 2, 3, 4, 5, 6, SHA, List.of(SHA), null, null);
    Node d = new Node("d", Node.DIR, 0755, 1, 2, 3, 4, 5, 0, null, null, null, SHA);

    byte[] json = ObjectCodec.JSON.writeValueAsBytes(new Tree(List.of(d, n)));

    assertThat(new String(json, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"nodes\":[{\"name\":\"d\",\"type\":\"dir\",\"mode\":493,\"mtimeNs\":1,"
                + "\"ctimeNs\":2,\"inode\":3,\"uid\":4,\"gid\":5,\"size\":0,\"subtree\":\""
                + SHA
                + "\"},{\"name\":\"f\",\"type\":\"file\",\"mode\":420,\"mtimeNs\":1,"
                + "\"ctimeNs\":2,\"inode\":3,\"uid\":4,\"gid\":5,\"size\":6,\"sha256\":\""
                + SHA
                + "\",\"chunks\":[\""
                + SHA
                + "\"]}]}");
  }

  @Test
  void skipsUnknownFieldsAndDefaultsMissingOnes() throws IOException {
    String json =
        "{\"future\":{\"x\":[1,2]},\"nodes\":[{\"name\":\"f\",\"type\":\"file\",\"xattrs\":"
            + "{\"user.a\":\"b\"},\"size\":3,\"chunks\":[\""
            + SHA
            + "\"],\"later\":[[]]}]}";

    Tree t = TreeCodec.read(json.getBytes(StandardCharsets.UTF_8));

    assertThat(t.nodes())
        .containsExactly(
            new Node("f", Node.FILE, 0, 0, 0, 0, 0, 0, 3, null, List.of(SHA), null, null));
    assertThat(t).isEqualTo(ObjectCodec.JSON.readValue(json, Tree.class));
  }

  @Test
  void rejectsWhatIsNotATree() {
    for (String bad :
        List.of(
            "[]", "{\"nodes\":[{\"size\":\"x\"}]}", "{\"nodes\":[{\"name\":", "{\"nodes\":[1]}")) {
      assertThatThrownBy(() -> TreeCodec.read(bad.getBytes(StandardCharsets.UTF_8)))
          .as(bad)
          .isInstanceOf(IOException.class);
    }
  }
}
