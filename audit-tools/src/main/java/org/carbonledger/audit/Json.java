package org.carbonledger.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small writer for the flat JSON that {@code --json} prints. The verifier keeps its dependencies
 * few so that a regulator can read all of it; a JSON library would be most of it.
 */
public final class Json {

  private final Map<String, String> members = new LinkedHashMap<>();

  private Json() {}

  public static Json object() {
    return new Json();
  }

  public Json put(String name, String value) {
    members.put(name, value == null ? "null" : quote(value));
    return this;
  }

  /** A number, or null when absent. */
  public Json put(String name, Long value) {
    members.put(name, value == null ? "null" : Long.toString(value));
    return this;
  }

  public Json put(String name, long value) {
    members.put(name, Long.toString(value));
    return this;
  }

  public Json put(String name, double value) {
    members.put(name, String.format(java.util.Locale.ROOT, "%.3f", value));
    return this;
  }

  public Json put(String name, boolean value) {
    members.put(name, Boolean.toString(value));
    return this;
  }

  public Json put(String name, Map<String, Long> counts) {
    Json nested = object();
    counts.forEach(nested::put);
    members.put(name, nested.toString());
    return this;
  }

  public Json putObjects(String name, List<Json> objects) {
    StringBuilder array = new StringBuilder("[");
    for (int i = 0; i < objects.size(); i++) {
      array.append(i == 0 ? "" : ",").append(objects.get(i));
    }
    members.put(name, array.append(']').toString());
    return this;
  }

  @Override
  public String toString() {
    StringBuilder json = new StringBuilder("{");
    members.forEach(
        (name, value) ->
            json.append(json.length() == 1 ? "" : ",")
                .append(quote(name))
                .append(':')
                .append(value));
    return json.append('}').toString();
  }

  /** Quotes a string as RFC 8259 requires: quote, backslash and control characters escaped. */
  static String quote(String value) {
    StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}
