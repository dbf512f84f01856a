package dev.arca.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A data set the tools are measured on ({@link Dataset}, the synthetic one, or {@link RealDataset})
 * and the changes the benchmark makes to it between steps.
 */
public interface BenchData {
  /** {@code synthetic} or {@code real}. */
  String kind();

  /** The folder the tools back up. */
  Path root();

  /** Total size in bytes, before the benchmark changes anything. */
  long totalBytes();

  /** Number of files, before the benchmark changes anything. */
  int fileCount();

  /** One line saying what the set is made of, for the log. */
  String describe();

  /** What the set is made of, one Markdown bullet each (without the leading dash). */
  List<String> describeParts();

  /** Rewrites one tensor of the weights in place, for the one-tensor incremental. */
  TensorRewriter.Rewrite rewriteOneTensor(long seed) throws IOException;

  /** Writes the next checkpoint, for the new-checkpoint incremental. */
  NextCheckpoint.Written writeNextCheckpoint(long seed) throws IOException;

  /** The file of the one-large-file restore, relative to {@link #root()}. */
  String largeFile();

  /** The folder of the one-folder restore, relative to {@link #root()}. */
  String folder();

  /** Size of the files under {@link #folder()}. */
  long folderBytes();

  /** Number of files under {@link #folder()}. */
  int folderFiles();

  /** The folder backed up alone into a new repository in the last step. */
  Path weightsFolder();

  /** How the stored-bytes line names what {@link #weightsFolder()} holds. */
  String weightsWhat();

  /** How the report names {@code step} for this set. */
  default String label(Step step) {
    return step.label();
  }
}
