package dev.arca.engine.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code config} object: written once at init, in clear JSON, holding no secret. It makes the
 * repository self-describing: the format version and the id of every algorithm used.
 *
 * @param format always {@code arca-repository}
 * @param version the format version (1)
 * @param id random repository id
 * @param created when the repository was created (RFC 3339)
 * @param chunker chunker id and parameters
 * @param chunkId chunk id algorithm: {@code hmac-sha256} (encrypted) or {@code sha256}
 * @param fileHash whole-file hash: {@code sha256}
 * @param compression compression id: {@code zstd}
 * @param compressionLevel zstd level used for new data
 * @param cipher {@code aes-256-gcm} or {@code none}
 * @param packTargetSize packs are closed once they reach this size
 * @param chunkerSeed gear table seed, hex; only for unencrypted repositories (else in the key)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RepoConfig(
    @JsonProperty("format") String format,
    @JsonProperty("version") int version,
    @JsonProperty("id") String id,
    @JsonProperty("created") String created,
    @JsonProperty("chunker") Chunker chunker,
    @JsonProperty("chunkId") String chunkId,
    @JsonProperty("fileHash") String fileHash,
    @JsonProperty("compression") String compression,
    @JsonProperty("compressionLevel") int compressionLevel,
    @JsonProperty("cipher") String cipher,
    @JsonProperty("packTargetSize") int packTargetSize,
    @JsonProperty("chunkerSeed") String chunkerSeed) {

  public static final String KEY = "config";
  public static final String FORMAT = "arca-repository";
  public static final int VERSION = 1;

  /** The largest config object the format allows: a small JSON object. */
  public static final int MAX_SIZE = 64 << 10;

  /**
   * Chunker parameters.
   *
   * @param id {@code arca-chunker-v1}: safetensors at tensor boundaries, FastCDC gear otherwise
   * @param minSize smallest content-defined chunk
   * @param avgSize target average content-defined chunk
   * @param maxSize largest content-defined chunk
   * @param tensorPiece big tensors are cut into pieces of this size, aligned to the tensor start
   * @param smallTensorGroup consecutive small tensors are grouped up to this size
   */
  public record Chunker(
      @JsonProperty("id") String id,
      @JsonProperty("minSize") int minSize,
      @JsonProperty("avgSize") int avgSize,
      @JsonProperty("maxSize") int maxSize,
      @JsonProperty("tensorPiece") int tensorPiece,
      @JsonProperty("smallTensorGroup") int smallTensorGroup) {

    public static final String V1 = "arca-chunker-v1";

    public static Chunker defaults() {
      return new Chunker(V1, 256 << 10, 1 << 20, 4 << 20, 4 << 20, 1 << 20);
    }
  }
}
