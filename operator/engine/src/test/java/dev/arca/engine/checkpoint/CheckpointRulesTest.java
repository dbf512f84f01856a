package dev.arca.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import dev.arca.engine.Fixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which checkpoint folders count as complete, and the reason given for those that do not. */
class CheckpointRulesTest {
  @TempDir Path tmp;

  private static final CheckpointRules AUTO =
      CheckpointRules.of(new CheckpointSpec(List.of("runs/*/checkpoint-*"), "auto"));

  private static Path shard(Path p) throws Exception {
    return Fixtures.safetensors(p, new int[] {1000, 3000}, new long[] {1, 2});
  }

  @Test
  void aTrainerFolderIsCompleteOnceTrainerStateIsWritten() throws Exception {
    Path ckpt = tmp.resolve("checkpoint-100");
    shard(ckpt.resolve("model.safetensors"));
    assertThat(AUTO.problem(ckpt)).isEqualTo(KnownWriters.NONE);
    Fixtures.write(ckpt.resolve("trainer_state.json"), "{}");
    assertThat(AUTO.problem(ckpt)).isNull();
  }

  @Test
  void deepSpeedTagsUpToTheOneLatestNamesAreComplete() throws Exception {
    Fixtures.write(tmp.resolve("latest"), "global_step10\n");
    for (String tag : List.of("global_step5", "global_step10", "global_step20")) {
      Fixtures.write(tmp.resolve(tag + "/mp_rank_00_model_states.pt"), "weights");
    }
    assertThat(AUTO.problem(tmp.resolve("global_step10"))).isNull();
    assertThat(AUTO.problem(tmp.resolve("global_step5"))).isNull();
    assertThat(AUTO.problem(tmp.resolve("global_step20")))
        .isEqualTo(
            KnownWriters.NONE
                + "; DeepSpeed's latest names 'global_step10', not this folder or a later step");
  }

  @Test
  void aLatestFileTooLargeToNameATagIsNotReadWhole() throws Exception {
    Files.write(tmp.resolve("latest"), new byte[1 << 20]);
    Fixtures.write(tmp.resolve("global_step1/x.pt"), "x");
    assertThat(AUTO.problem(tmp.resolve("global_step1"))).isEqualTo(KnownWriters.NONE);
  }

  @Test
  void aDistributedCheckpointIsCompleteWithItsMetadata() throws Exception {
    Path dcp = tmp.resolve("step-7");
    Fixtures.write(dcp.resolve("__0_0.distcp"), "rank 0");
    assertThat(AUTO.problem(dcp)).isEqualTo(KnownWriters.NONE);
    Fixtures.write(dcp.resolve(".metadata"), "meta");
    assertThat(AUTO.problem(dcp)).isNull();
  }

  @Test
  void aTruncatedShardMakesAMarkedFolderIncomplete() throws Exception {
    Path ckpt = tmp.resolve("checkpoint-1");
    Path s = shard(ckpt.resolve("sub/model-00001-of-00002.safetensors"));
    Fixtures.write(ckpt.resolve("trainer_state.json"), "{}");
    long size = Files.size(s);
    try (FileChannel ch = FileChannel.open(s, StandardOpenOption.WRITE)) {
      ch.truncate(size - 100);
    }
    assertThat(AUTO.problem(ckpt))
        .isEqualTo(
            "sub/model-00001-of-00002.safetensors: "
                + (size - 100)
                + " bytes, but its header describes "
                + size
                + " (cut short or being written)");
  }

  @Test
  void aShardWhoseHeaderClaimsMoreThanTheFileIsNamedWithoutAllocatingIt() throws Exception {
    Path ckpt = tmp.resolve("checkpoint-1");
    Fixtures.write(ckpt.resolve("trainer_state.json"), "{}");
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 62);
    Fixtures.write(ckpt.resolve("model.safetensors"), b.array());
    assertThat(AUTO.problem(ckpt))
        .startsWith("model.safetensors: not a complete safetensors file: its header length")
        .contains("is not within 2 and 56");
  }

  @Test
  void anIndexNamingAMissingShardMakesTheFolderIncomplete() throws Exception {
    Path ckpt = tmp.resolve("checkpoint-1");
    Fixtures.write(ckpt.resolve("trainer_state.json"), "{}");
    shard(ckpt.resolve("model-00001-of-00002.safetensors"));
    Fixtures.write(
        ckpt.resolve("model.safetensors.index.json"),
        "{\"metadata\":{},\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\","
            + "\"b\":\"model-00002-of-00002.safetensors\"}}");
    assertThat(AUTO.problem(ckpt))
        .isEqualTo(
            "model.safetensors.index.json names shard model-00002-of-00002.safetensors,"
                + " which is not present");
    shard(ckpt.resolve("model-00002-of-00002.safetensors"));
    assertThat(AUTO.problem(ckpt)).isNull();
  }

  @Test
  void anIndexNamingAPathOutsideItsFolderOrNotParsingIsAReason() throws Exception {
    Path ckpt = tmp.resolve("checkpoint-1");
    Fixtures.write(ckpt.resolve("trainer_state.json"), "{}");
    Path index = ckpt.resolve("model.safetensors.index.json");
    Fixtures.write(index, "{\"weight_map\":{\"a\":\"../trainer_state.json\"}}");
    assertThat(AUTO.problem(ckpt))
        .endsWith("names shard '../trainer_state.json', which is not a file beside it");
    Fixtures.write(index, "{\"weight_map\":{\"a\":");
    assertThat(AUTO.problem(ckpt)).startsWith("model.safetensors.index.json does not parse (");
  }

  @Test
  void anExplicitMarkerIsTheOnlyMarkerThatCounts() throws Exception {
    CheckpointRules done =
        CheckpointRules.of(new CheckpointSpec(List.of("checkpoint-*"), "COMPLETE"));
    Path ckpt = tmp.resolve("checkpoint-1");
    Fixtures.write(ckpt.resolve("trainer_state.json"), "{}");
    assertThat(done.problem(ckpt)).isEqualTo("no completion marker COMPLETE in it");
    Fixtures.write(ckpt.resolve("COMPLETE"), "");
    assertThat(done.problem(ckpt)).isNull();
  }

  @Test
  void globsMatchFoldersRelativeToTheSourceRoot() {
    assertThat(AUTO.matches("runs/a/checkpoint-100")).isTrue();
    assertThat(AUTO.matches("runs/a/checkpoint-100/sub")).isFalse();
    assertThat(AUTO.matches("runs/checkpoint-100")).isFalse();
    CheckpointRules anyDepth =
        CheckpointRules.of(new CheckpointSpec(List.of("global_step*"), null));
    assertThat(anyDepth.matches("x/y/global_step10")).isTrue();
  }

  @Test
  void aMarkerThatIsNotAFileNameIsAUsageError() {
    assertThatThrownBy(() -> new CheckpointSpec(List.of("c-*"), "../DONE"))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("--checkpoint-complete '../DONE' is neither 'auto' nor a file name");
  }

  @Test
  void theStepIsTheLastRunOfDigitsInTheName() {
    assertThat(Step.of("checkpoint-1200")).isEqualTo(1200L);
    assertThat(Step.of("global_step20")).isEqualTo(20L);
    assertThat(Step.of("run3-step45-final")).isEqualTo(45L);
    assertThat(Step.of("final")).isNull();
    assertThat(Step.of("step-99999999999999999999")).isNull();
  }
}
