package dev.arca.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.arca.engine.chunk.GearChunker;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.BlobType;
import dev.arca.engine.format.Compression;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.IndexFile;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.ObjectCodec;
import dev.arca.engine.format.PackWriter;
import dev.arca.engine.format.Packs;
import dev.arca.engine.format.RepoConfig;
import dev.arca.engine.format.Tree;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Repository format v1 frozen by known answers (FORMAT.md): the key derivation and key slot, the
 * sealing of objects, chunk ids, the chunker's gear table and cut points, and the encodings of
 * index objects and trees, checked against vectors in {@code src/test/resources/format-v1.json}.
 * Any change to how bytes are written or read fails here first. Deterministic answers are
 * recomputed with {@code -Darca.vectors.update=true} (only for a deliberate new format version);
 * the sealed object and the key slot were made once with random nonces and salt and are only ever
 * opened, never remade.
 */
class FormatV1VectorsTest {
  static final Path FILE = Path.of("src/test/resources/format-v1.json");
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final String PASSWORD = "arca format v1";

  /** {@code n} bytes of SHA-256 in counter mode over {@code label}: the same on every machine. */
  static byte[] stream(String label, int n) throws Exception {
    byte[] out = new byte[n];
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (int block = 0, at = 0; at < n; block++) {
      sha.update(label.getBytes(StandardCharsets.UTF_8));
      sha.update(ByteBuffer.allocate(4).putInt(block).array());
      byte[] d = sha.digest();
      int take = Math.min(d.length, n - at);
      System.arraycopy(d, 0, out, at, take);
      at += take;
    }
    return out;
  }

  static MasterKey masterKey() throws Exception {
    return new MasterKey(stream("enc", 32), stream("id", 32), stream("seed", 32));
  }

  /** The answers the code gives now to the deterministic questions. */
  static Map<String, String> deterministic() throws Exception {
    Map<String, String> v = new TreeMap<>();
    MasterKey k = masterKey();
    byte[] data = stream("chunk", 1000);
    v.put(
        "chunkId.hmac-sha256",
        Hex.of(ChunkIds.forAlgorithm(ChunkIds.HMAC_SHA256, k.idKey()).id(data, 0, 1000)));
    v.put("chunkId.sha256", Hex.of(ChunkIds.forAlgorithm(ChunkIds.SHA256, null).id(data, 0, 1000)));
    v.put("masterKey.encoding", Hex.of(k.encode()));

    RepoConfig.Chunker c = RepoConfig.Chunker.defaults();
    GearChunker gear = new GearChunker(k.chunkerSeed(), c.minSize(), c.avgSize(), c.maxSize());
    byte[] big = stream("gear", 16 << 20);
    List<Integer> cuts = new ArrayList<>();
    for (int off = 0; off < big.length; ) {
      int n = gear.cut(big, off, big.length - off);
      cuts.add(n);
      off += n;
    }
    v.put("gear.chunkLengths", cuts.toString());

    List<BlobIndex.Location> blobs =
        List.of(
            new BlobIndex.Location(
                stream("b1", 32), stream("p1", 32), 0, 100, 80, BlobType.DATA, Compression.ZSTD),
            new BlobIndex.Location(
                stream("b2", 32), stream("p1", 32), 100, 50, 50, BlobType.TREE, Compression.NONE),
            new BlobIndex.Location(
                stream("b3", 32),
                stream("p2", 32),
                0,
                4096,
                8192,
                BlobType.DATA,
                Compression.GROUPED_BF16));
    v.put("index.encoding", Base64.getEncoder().encodeToString(IndexFile.encode(blobs)));

    Tree tree =
        new Tree(
            List.of(
                new Node(
                    "model.safetensors",
                    Node.FILE,
                    0644,
                    1_700_000_000_000_000_000L,
                    1_700_000_000_000_000_000L,
                    42,
                    1000,
                    1000,
                    1000,
                    Hex.of(stream("file", 32)),
                    List.of(Hex.of(stream("b1", 32))),
                    null,
                    null),
                new Node(
                    "latest",
                    Node.SYMLINK,
                    0777,
                    0,
                    0,
                    43,
                    1000,
                    1000,
                    0,
                    null,
                    null,
                    "model.safetensors",
                    null),
                new Node(
                    "datasets",
                    Node.DIR,
                    0755,
                    0,
                    0,
                    44,
                    0,
                    0,
                    0,
                    null,
                    null,
                    null,
                    Hex.of(stream("t", 32)))));
    v.put(
        "tree.json", new String(ObjectCodec.JSON.writeValueAsBytes(tree), StandardCharsets.UTF_8));

    PackWriter.Finished clear = pack(BlobCipher.none());
    v.put(
        "pack.unencrypted",
        Base64.getEncoder().encodeToString(Arrays.copyOf(clear.bytes(), clear.length())));
    v.put("pack.unencrypted.id", Hex.of(clear.id()));
    return v;
  }

  /** A pack of two blobs (their bytes as they would be sealed), its header sealed by {@code c}. */
  static PackWriter.Finished pack(BlobCipher c) throws Exception {
    PackWriter w = new PackWriter(1024);
    byte[] one = stream("blob one", 300);
    byte[] two = stream("blob two", 120);
    w.add(BlobType.DATA, Compression.ZSTD, stream("b1", 32), one, one.length, 500);
    w.add(BlobType.TREE, Compression.NONE, stream("b2", 32), two, two.length, 120);
    return w.finish(c);
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> vectors() throws Exception {
    Map<String, String> v =
        Files.exists(FILE) ? JSON.readValue(FILE.toFile(), TreeMap.class) : new TreeMap<>();
    if (Boolean.getBoolean("arca.vectors.update")) {
      v.putAll(deterministic());
      if (!v.containsKey("keySlot.json")) { // made once, then only opened
        MasterKey k = masterKey();
        v.put(
            "keySlot.json",
            JSON.writeValueAsString(
                KeySlot.wrap(k, PASSWORD.toCharArray(), 1 << 10, "2026-12-05T00:00:00Z")));
        byte[] plain = stream("sealed", 70_000); // two 64 KiB segments
        v.put(
            "sealed.base64",
            Base64.getEncoder().encodeToString(BlobCipher.aesGcm(k.encryptionKey()).seal(plain)));
      }
      if (!v.containsKey("pack.encrypted")) { // made once, then only read
        PackWriter.Finished sealed = pack(BlobCipher.aesGcm(masterKey().encryptionKey()));
        v.put(
            "pack.encrypted",
            Base64.getEncoder().encodeToString(Arrays.copyOf(sealed.bytes(), sealed.length())));
      }
      Files.writeString(FILE, JSON.writeValueAsString(v) + "\n");
    }
    return v;
  }

  @Test
  void theDeterministicEncodingsAreFormatV1s() throws Exception {
    Map<String, String> v = vectors();
    Map<String, String> now = deterministic();
    for (var e : now.entrySet()) {
      assertThat(e.getValue())
          .as("%s (format v1, %s)", e.getKey(), FILE)
          .isEqualTo(v.get(e.getKey()));
    }
    // and the index decodes back to what it encoded
    BlobIndex index = new BlobIndex();
    IndexFile.decodeInto(Base64.getDecoder().decode(v.get("index.encoding")), index, "vector");
    assertThat(index.size()).isEqualTo(3);
  }

  @Test
  void aKeySlotOfFormatV1OpensWithItsPasswordAndYieldsItsKey() throws Exception {
    KeySlot slot = JSON.readValue(vectors().get("keySlot.json"), KeySlot.class);
    assertThat(slot.kdf()).isEqualTo("scrypt");
    MasterKey k = slot.unwrap(PASSWORD.toCharArray());
    assertThat(k).isNotNull();
    assertThat(Hex.of(k.encode())).isEqualTo(Hex.of(masterKey().encode()));
    assertThat(slot.unwrap("wrong".toCharArray())).isNull();
  }

  @Test
  void anEncryptedPackOfFormatV1HasTheHeaderItWasWrittenWith() throws Exception {
    byte[] pack = Base64.getDecoder().decode(vectors().get("pack.encrypted"));
    List<Packs.Entry> header =
        Packs.readHeader(pack, BlobCipher.aesGcm(masterKey().encryptionKey()), "vector");
    assertThat(header)
        .extracting(
            e ->
                e.type()
                    + " "
                    + e.codec()
                    + " "
                    + Hex.of(e.id())
                    + " "
                    + e.offset()
                    + " "
                    + e.length()
                    + " "
                    + e.rawLength())
        .containsExactly(
            "DATA 1 " + Hex.of(stream("b1", 32)) + " 0 300 500",
            "TREE 0 " + Hex.of(stream("b2", 32)) + " 300 120 120");
    assertThat(Arrays.copyOfRange(pack, 300, 420)).isEqualTo(stream("blob two", 120));
  }

  @Test
  void anObjectSealedInFormatV1OpensToItsBytes() throws Exception {
    byte[] sealed = Base64.getDecoder().decode(vectors().get("sealed.base64"));
    BlobCipher cipher = BlobCipher.aesGcm(masterKey().encryptionKey());
    assertThat(sealed).hasSize(70_000 + cipher.overhead(70_000));
    assertThat(cipher.open(sealed, "vector")).isEqualTo(stream("sealed", 70_000));
  }
}
