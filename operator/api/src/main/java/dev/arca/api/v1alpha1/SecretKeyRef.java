package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A key of a Secret in the resource's namespace. */
public class SecretKeyRef {
  /** Name of the Secret, in the same namespace. */
  @JsonPropertyDescription("Name of the Secret, in the same namespace.")
  @Required
  public String name;

  /** Key in the Secret whose value is used. */
  @JsonPropertyDescription("Key in the Secret whose value is used.")
  public String key;

  public SecretKeyRef() {}

  public SecretKeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }
}
