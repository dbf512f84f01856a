package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/**
 * A command run in a container of a running pod of the same namespace, through the Kubernetes exec
 * API (as {@code kubectl exec} does): a database dump taken where the database runs, or a restore
 * piped into its client. The Job that runs it gets the right to exec into pods of its own namespace
 * only, and only for as long as the resource that needs it exists.
 */
@ValidationRule(
    value = "has(self.pod) != has(self.podSelector)",
    message = "give exactly one of pod and podSelector")
public class PodCommand {
  /** Name of the pod to run the command in. */
  @JsonPropertyDescription("Name of the pod to run the command in.")
  public String pod;

  /** Labels of the pod to run the command in: the first running and ready one by name. */
  @JsonPropertyDescription(
      "Labels of the pod to run the command in: the first running and ready one by name.")
  public Map<String, String> podSelector;

  /** Container of the pod (default: its first). */
  @JsonPropertyDescription("Container of the pod (default: its first).")
  public String container;

  /**
   * The command and its arguments, run without a shell (wrap it in sh -c for one). Keep passwords
   * out of it: the container's own environment (PGPASSWORD, MYSQL_PWD) is where they belong.
   */
  @JsonPropertyDescription(
      "The command and its arguments, run without a shell (wrap it in sh -c for one). Keep"
          + " passwords out of it: the container's own environment (PGPASSWORD, MYSQL_PWD) is where"
          + " they belong.")
  @Required
  @Size(min = 1)
  public List<String> command;
}
