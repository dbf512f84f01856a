package dev.arca.e2e;

/** What a failing end-to-end test prints: the objects and the operator's log. */
final class Diagnostics {
  private Diagnostics() {}

  static String dump(String namespace) {
    var c = Cluster.get();
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
            c.kubectl("logs", "-n", Cluster.OPERATOR_NAMESPACE, "deployment/arca", "--tail=60")
                .stdout());
    return b.toString();
  }
}
