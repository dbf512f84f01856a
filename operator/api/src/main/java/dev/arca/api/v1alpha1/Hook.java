package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/**
 * A command run around a backup in the containers of running pods of the policy's namespace,
 * through the Kubernetes exec API (as {@code kubectl exec} does): flush and pause a trainer, a
 * database CHECKPOINT, fsfreeze. A short Job of the arca image runs it, with the right to exec into
 * those pods alone for as long as it runs.
 */
@ValidationRule(
    value = "has(self.pod) != has(self.podSelector)",
    message = "give exactly one of pod and podSelector")
public class Hook {
  /** What the hook does, for the status and Events: a-z, 0-9 and '-'. */
  @JsonPropertyDescription("What the hook does, for the status and Events: a-z, 0-9 and '-'.")
  @Required
  @Pattern("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
  public String name;

  /** Name of the pod to run the command in. */
  @JsonPropertyDescription("Name of the pod to run the command in.")
  public String pod;

  /**
   * Labels of the pods to run the command in: every running and ready one (all ranks of a trainer),
   * one after the other by name. None is an error of the hook.
   */
  @JsonPropertyDescription(
      "Labels of the pods to run the command in: every running and ready one (all ranks of a"
          + " trainer), one after the other by name. None is an error of the hook.")
  public Map<String, String> podSelector;

  /** Container of the pods (default: the first). */
  @JsonPropertyDescription("Container of the pods (default: the first).")
  public String container;

  /**
   * The command and its arguments, run without a shell (wrap it in sh -c for one). Its output is
   * kept in the status (the last 512 bytes): keep secrets out of it.
   */
  @JsonPropertyDescription(
      "The command and its arguments, run without a shell (wrap it in sh -c for one). Its output"
          + " is kept in the status (the last 512 bytes): keep secrets out of it.")
  @Required
  @Size(min = 1)
  public List<String> command;

  /**
   * How long the command may run in one pod (default 60). One that takes longer is a failure of the
   * hook; it is abandoned, but it may still run in its container: make it end by itself.
   */
  @JsonPropertyDescription(
      "How long the command may run in one pod (default 60). One that takes longer is a failure"
          + " of the hook; it is abandoned, but it may still run in its container: make it end by"
          + " itself.")
  @Min(1)
  @Max(3600)
  public Integer timeoutSeconds;

  /**
   * What a failure of the hook (a non-zero exit, a timeout, no pod) does: Fail (the default) fails
   * the run (a before hook: no backup is taken, the remaining before hooks are skipped, and the
   * after hooks run); Continue records it and goes on.
   */
  @JsonPropertyDescription(
      "What a failure of the hook (a non-zero exit, a timeout, no pod) does: Fail (the default)"
          + " fails the run (a before hook: no backup is taken, the remaining before hooks are"
          + " skipped, and the after hooks run); Continue records it and goes on.")
  public OnError onError;

  /** What a failed hook does to the run. */
  public enum OnError {
    /** Fail the run. */
    Fail,
    /** Record the failure and go on. */
    Continue
  }

  /** The hook's timeout. */
  public int timeout() {
    return timeoutSeconds == null ? 60 : timeoutSeconds;
  }

  /** Whether a failure of this hook fails the run. */
  public boolean failsRun() {
    return onError != OnError.Continue;
  }
}
