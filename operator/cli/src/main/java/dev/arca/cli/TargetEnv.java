package dev.arca.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment a copy's target is opened with ({@code arca copy}): the process's, in which every
 * variable {@code ARCA_TO_NAME} replaces {@code NAME}, and for Arca's own variables {@code
 * ARCA_NAME} (so {@code ARCA_TO_PASSWORD} is the target's {@code ARCA_PASSWORD}). A variable
 * without an {@code ARCA_TO_} form serves both sides, except within a group of credentials: when
 * any variable of a group has an {@code ARCA_TO_} form, the target takes that group from those
 * forms only, so it never pairs the target's key id with the source's secret. {@code
 * ARCA_OBJECT_LOCK} and {@code ARCA_DOMAIN} never serve the target: its Object Lock and key domain
 * come from {@code ARCA_TO_OBJECT_LOCK} and {@code ARCA_TO_DOMAIN}.
 */
final class TargetEnv {
  static final String PREFIX = dev.arca.contract.TargetVariables.PREFIX;

  /** Credentials that belong together. */
  static final List<List<String>> GROUPS =
      List.of(
          List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"),
          List.of(
              "AZURE_STORAGE_KEY",
              "AZURE_STORAGE_SAS_TOKEN",
              "AZURE_STORAGE_CONNECTION_STRING",
              "AZURE_CLIENT_ID",
              "AZURE_CLIENT_SECRET",
              "AZURE_TENANT_ID",
              "AZURE_FEDERATED_TOKEN_FILE"),
          List.of("GOOGLE_APPLICATION_CREDENTIALS"),
          List.of("ARCA_PASSWORD"));

  /** Arca's own variables that a target may need: their forms drop the repeated {@code ARCA_}. */
  static final List<String> ARCA_NAMES =
      List.of("ARCA_PASSWORD", "ARCA_AZURE_ENDPOINT", "ARCA_OBJECT_LOCK", "ARCA_DOMAIN");

  private TargetEnv() {}

  /** The variable that sets {@code name} for the target. */
  static String targetForm(String name) {
    return dev.arca.contract.TargetVariables.of(name);
  }

  /** The target's environment, made from the process's {@code env}. */
  static Map<String, String> of(Map<String, String> env) {
    Map<String, String> out = new HashMap<>(env);
    // a lock and a key domain describe the repository they are set for: the target's come from
    // ARCA_TO_ only
    out.remove(dev.arca.engine.storage.ObjectLock.ENV);
    out.remove("ARCA_DOMAIN");
    for (List<String> group : GROUPS) {
      if (group.stream().anyMatch(n -> env.containsKey(targetForm(n)))) {
        group.forEach(out::remove);
      }
    }
    env.forEach(
        (name, value) -> {
          if (name.startsWith(PREFIX) && name.length() > PREFIX.length()) {
            String bare = name.substring(PREFIX.length());
            out.put(ARCA_NAMES.contains("ARCA_" + bare) ? "ARCA_" + bare : bare, value);
          }
        });
    return out;
  }
}
