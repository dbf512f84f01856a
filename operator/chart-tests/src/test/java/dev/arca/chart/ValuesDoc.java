package dev.arca.chart;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The documentation in values.yaml: the {@code # --} comment block above each key, by dotted key
 * path, in file order. The chart README's values table is made from it.
 */
final class ValuesDoc {
  private static final Pattern KEY = Pattern.compile("^( *)([A-Za-z][A-Za-z0-9]*):");

  private ValuesDoc() {}

  /** Dotted key path of each key line to its '# --' comment (without the markers), or null. */
  static Map<String, String> comments(String valuesYaml) {
    Map<String, String> out = new LinkedHashMap<>();
    Deque<String[]> stack = new ArrayDeque<>(); // {indent, key}
    String[] lines = valuesYaml.split("\n");
    for (int i = 0; i < lines.length; i++) {
      Matcher m = KEY.matcher(lines[i]);
      if (!m.find()) {
        continue;
      }
      int indent = m.group(1).length();
      while (!stack.isEmpty() && Integer.parseInt(stack.peek()[0]) >= indent) {
        stack.pop();
      }
      stack.push(new String[] {Integer.toString(indent), m.group(2)});
      List<String> keys = new ArrayList<>();
      stack.descendingIterator().forEachRemaining(s -> keys.add(s[1]));
      int j = i - 1;
      while (j >= 0 && lines[j].strip().startsWith("#") && !lines[j].strip().startsWith("# --")) {
        j--;
      }
      String comment = null;
      if (j >= 0 && lines[j].strip().startsWith("# --")) {
        StringBuilder b = new StringBuilder(lines[j].strip().substring(4).strip());
        for (int k = j + 1; k < i; k++) {
          b.append(' ').append(lines[k].strip().substring(1).strip());
        }
        comment = b.toString();
      }
      out.put(String.join(".", keys), comment);
    }
    return out;
  }

  /** A Markdown table of the settings: key, default (as JSON), description. */
  static String table(List<String> settings, JsonNode values, Map<String, String> comments) {
    StringBuilder b = new StringBuilder("| key | default | description |\n|---|---|---|\n");
    for (String k : settings) {
      JsonNode v = values.at("/" + k.replace('.', '/'));
      b.append("| `")
          .append(k)
          .append("` | `")
          .append(v.toString().replace("|", "\\|"))
          .append("` | ")
          .append(String.valueOf(comments.get(k)).replace("|", "\\|"))
          .append(" |\n");
    }
    return b.toString();
  }
}
