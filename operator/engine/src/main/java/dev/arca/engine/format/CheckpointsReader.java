package dev.arca.engine.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a snapshot's {@code checkpoints} with the streaming parser, checking as it goes: at most
 * {@link Limits#MAX_CHECKPOINTS} entries (counted before each is kept, so a crafted list costs no
 * more than the limit), each an object with a valid {@code path} ({@link Checkpoint#pathProblem})
 * named once, and a {@code step} that is absent, null or a whole number from 0 to 2^63-1. Anything
 * else is a {@link FormatViolation} naming the entry.
 */
public final class CheckpointsReader extends StdDeserializer<List<Checkpoint>> {
  private static final long serialVersionUID = 1L;

  public CheckpointsReader() {
    super(List.class);
  }

  @Override
  public List<Checkpoint> deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
    if (!p.isExpectedStartArrayToken()) {
      throw new FormatViolation("its checkpoints field is not a list");
    }
    List<Checkpoint> out = new ArrayList<>();
    Set<String> paths = new HashSet<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (out.size() == Limits.MAX_CHECKPOINTS) {
        throw new FormatViolation(
            "its checkpoints list holds more than "
                + Limits.MAX_CHECKPOINTS
                + " entries, more than the format allows");
      }
      Checkpoint c = entry(p, t, out.size());
      if (!paths.add(c.path())) {
        throw new FormatViolation(
            "its checkpoints list names " + FileName.display(c.path()) + " twice");
      }
      out.add(c);
    }
    return out;
  }

  private static Checkpoint entry(JsonParser p, JsonToken start, int i) throws IOException {
    if (start != JsonToken.START_OBJECT) {
      throw bad(i, "is not an object");
    }
    String path = null;
    Long step = null;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if ("path".equals(field)) {
        path = v == JsonToken.VALUE_STRING ? p.getText() : null;
      } else if ("step".equals(field)) {
        step = step(p, v, i);
      } else {
        p.skipChildren();
      }
    }
    String problem = Checkpoint.pathProblem(path);
    if (problem != null) {
      throw bad(i, problem);
    }
    return new Checkpoint(path, step);
  }

  private static Long step(JsonParser p, JsonToken v, int i) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (v != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
        || p.getLongValue() < 0) {
      throw bad(i, "has a step that is not a whole number from 0 to 2^63-1");
    }
    return p.getLongValue();
  }

  private static FormatViolation bad(int i, String problem) {
    return new FormatViolation("its checkpoint entry " + i + " " + problem);
  }
}
