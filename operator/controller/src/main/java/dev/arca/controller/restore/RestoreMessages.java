package dev.arca.controller.restore;

import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.RestoreRequestStatus;
import dev.arca.contract.RestoreReport;
import java.util.ArrayList;
import java.util.List;

/** The one-line summaries of a finished RestoreRequest that its status and Events carry. */
final class RestoreMessages {
  private RestoreMessages() {}

  /**
   * What a successful Job did: into a PVC, how many files the selection holds, how many were
   * written (and their size), already right, and kept although they differ (named); into a pipe,
   * which file went into which command.
   */
  /** What a checkpoint restore passed over (verifyBeforeRestore), for its Warning Event. */
  static String rejected(RestoreRequestStatus st) {
    StringBuilder b =
        new StringBuilder("restored checkpoint ")
            .append(st.checkpoint == null ? "?" : st.checkpoint.path)
            .append(" after passing over ")
            .append(st.checkpointsRejected.size())
            .append(" newer whose data failed the check: ");
    for (int i = 0; i < st.checkpointsRejected.size() && i < 3; i++) {
      var c = st.checkpointsRejected.get(i);
      b.append(i > 0 ? "; " : "")
          .append(c.path)
          .append(" of snapshot ")
          .append(short12(c.snapshotId))
          .append(" (")
          .append(c.reason)
          .append(')');
    }
    return b.append(st.checkpointsRejected.size() > 3 ? "; more in status" : "").toString();
  }

  static String succeeded(RestoreRequest r, RestoreRequestStatus st, RestoreReport report) {
    String snapshot =
        (st.checkpoint == null ? "" : "checkpoint " + st.checkpoint.path + " of ")
            + (st.snapshotId == null ? "the snapshot" : "snapshot " + short12(st.snapshotId));
    if (r.getSpec().pipe != null) {
      var pipe = r.getSpec().pipe;
      var piped = report == null || report.piped() == null ? List.of() : report.piped();
      String size =
          piped.isEmpty()
              ? ""
              : " (" + dev.arca.controller.Sizes.of(report.piped().get(0).bytes()) + ")";
      return "piped "
          + pipe.path
          + size
          + " of "
          + snapshot
          + " into the command in "
          + (pipe.pod != null ? "pod " + pipe.pod : "the pod labelled " + pipe.podSelector);
    }
    if (st.files == null) {
      return "restored " + snapshot + " (the Job left no counts)";
    }
    List<String> parts = new ArrayList<>();
    parts.add(st.written + " written (" + st.size + ")");
    parts.add(st.unchanged + " already right");
    String msg =
        "restored "
            + snapshot
            + " into PVC "
            + r.getSpec().target.pvc
            + ": "
            + st.files
            + " files, "
            + String.join(", ", parts);
    if (st.kept != null && st.kept > 0) {
      msg +=
          "; "
              + st.kept
              + " differ from the snapshot and were kept (overwrite: Never), so the volume holds a"
              + " mix of versions: "
              + String.join(", ", st.keptFiles == null ? List.of() : st.keptFiles)
              + (st.keptFiles != null && st.kept > st.keptFiles.size() ? ", ..." : "");
    }
    return msg;
  }

  private static String short12(String id) {
    return id == null ? "?" : id.length() > 12 ? id.substring(0, 12) : id;
  }
}
