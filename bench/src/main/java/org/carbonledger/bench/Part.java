package org.carbonledger.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The figures of one benchmark program, written as one JSON file into {@code target/bench/parts/}
 * for {@code bench/run.sh} to gather (the contract is in docs/performance.md):
 *
 * <pre>
 * {"benchmark": name, "figures": [{"name", "value", "unit", "limit", "goal", "notes"}, ...]}
 * </pre>
 */
public final class Part {

  /** Where {@code bench/run.sh} gathers the parts, relative to the project's root. */
  public static final Path DIRECTORY = Path.of("target", "bench", "parts");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final ObjectNode root = JSON.createObjectNode();
  private final ArrayNode figures;

  /**
   * A part with no figures yet.
   *
   * @param benchmark the benchmark's name, also the file's name
   */
  public Part(String benchmark) {
    root.put("benchmark", benchmark);
    figures = root.putArray("figures");
  }

  /**
   * Adds a figure.
   *
   * @param name unique across all parts, dotted, e.g. {@code pg.commit.8_connections.commits_per_s}
   * @param value the measured value
   * @param unit e.g. {@code ops/s}
   * @param limit the name of the figure this one is divided by, or null
   * @param goal e.g. {@code Map.of("minRatio", 0.8)} or {@code Map.of("max", 50)}, or null
   * @param notes how it was measured, in a few words, or null
   * @return the figure, for further fields
   */
  public ObjectNode figure(
      String name,
      double value,
      String unit,
      String limit,
      Map<String, Number> goal,
      String notes) {
    ObjectNode figure = figures.addObject();
    figure.put("name", name);
    figure.put("value", value);
    figure.put("unit", unit);
    figure.put("limit", limit);
    if (goal == null) {
      figure.putNull("goal");
    } else {
      ObjectNode conditions = figure.putObject("goal");
      goal.forEach((key, number) -> conditions.put(key, number.doubleValue()));
    }
    figure.put("notes", notes);
    return figure;
  }

  /** The whole part, for fields beside the figures (the machine, the settings). */
  public ObjectNode root() {
    return root;
  }

  /**
   * Writes the part to {@code <directory>/<benchmark>.json}.
   *
   * @return the file written
   */
  public Path write(Path directory) throws IOException {
    Files.createDirectories(directory);
    Path file = directory.resolve(root.get("benchmark").asText() + ".json");
    Files.writeString(file, JSON.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
    return file;
  }
}
