package dev.arca.e2e;

import dev.arca.testcluster.cluster.KubeCluster;

/** What a failing end-to-end test prints: the objects, the operator's log and the Jobs' logs. */
final class Diagnostics {
  private Diagnostics() {}

  static String dump(String namespace) {
    return dump(Cluster.get(), namespace, Cluster.OPERATOR_NAMESPACE);
  }

  /** The same for any cluster and release namespace (the real-node tier has its own cluster). */
  static String dump(KubeCluster c, String namespace, String operatorNamespace) {
    StringBuilder b = new StringBuilder();
    b.append(
        c.kubectl(
                "get",
                "backuppolicies,restorerequests,snapshots,jobs,pods,pvc",
                "-n",
                namespace,
                "-o",
                "yaml")
            .stdout());
    b.append("\n--- events\n").append(c.kubectl("get", "events", "-n", namespace).stdout());
    b.append("\n--- operator log\n")
        .append(
            c.kubectl("logs", "-n", operatorNamespace, "deployment/arca", "--tail=60").stdout());
    b.append("\n--- Job pods' logs\n")
        .append(
            c.kubectl(
                    "logs",
                    "-n",
                    namespace,
                    "-l",
                    "batch.kubernetes.io/job-name",
                    "--all-containers",
                    "--prefix",
                    "--tail=40")
                .stdout());
    return b.toString();
  }
}
