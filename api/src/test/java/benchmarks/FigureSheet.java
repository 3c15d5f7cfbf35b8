package benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The figures of one end-to-end benchmark program: printed as a table and written as the part that
 * the suite runner aggregates, {@code target/bench/parts/<benchmark>.json} (or under the folder
 * named by {@code -Dbench.parts}):
 *
 * <pre>{@code
 * {"benchmark": "<name>",
 *  "figures": [{"name", "value", "unit", "limit", "goal", "notes"}, ...]}
 * }</pre>
 *
 * <p>{@code limit} names the figure this one is measured against (or is null); {@code goal} is the
 * issue's goal in words such as {@code ">= 0.8 of limit"}, {@code ">= 5000 /s"} or {@code "<= 50
 * ms"}, several joined by {@code " and "}, or null.
 */
final class FigureSheet {

  /** One measured figure. */
  record Figure(String name, double value, String unit, String limit, String goal, String notes) {}

  private static final Pattern GOAL =
      Pattern.compile("\\s*(>=|<=)\\s*([0-9][0-9,_.]*)\\s*(of limit)?.*");

  private final String benchmark;
  private final List<Figure> figures = new ArrayList<>();
  private final Map<String, Object> context = new LinkedHashMap<>();

  FigureSheet(String benchmark) {
    this.benchmark = benchmark;
  }

  void add(String name, double value, String unit, String limit, String goal, String notes) {
    figures.add(new Figure(name, value, unit, limit, goal, notes));
  }

  /** Something about the run that is no figure (sizes, the machine's load), kept in the part. */
  void context(String key, Object value) {
    context.put(key, value);
  }

  Double value(String name) {
    return figures.stream()
        .filter(f -> f.name().equals(name))
        .map(Figure::value)
        .findFirst()
        .orElse(null);
  }

  /** Prints every figure with its ratio to its limit and whether its goal is met. */
  void print() {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%-52s %12s %-9s %7s  %-32s %s%n",
        "figure (" + benchmark + ")",
        "value",
        "unit",
        "÷limit",
        "goal",
        "met");
    for (Figure figure : figures) {
      Double limit = figure.limit() == null ? null : value(figure.limit());
      Double ratio = limit == null || limit == 0 ? null : figure.value() / limit;
      Boolean met = met(figure.goal(), figure.value(), ratio);
      System.out.printf(
          Locale.ROOT,
          "%-52s %12s %-9s %7s  %-32s %s%n",
          figure.name(),
          format(figure.value()),
          figure.unit(),
          ratio == null ? "" : String.format(Locale.ROOT, "%.2f", ratio),
          figure.goal() == null ? "" : figure.goal(),
          met == null ? "" : met ? "yes" : "NO");
    }
  }

  /** Writes the part and returns where. */
  Path write() {
    Path parts = Path.of(System.getProperty("bench.parts", "target/bench/parts"));
    Path file = parts.resolve(benchmark + ".json");
    Map<String, Object> part = new LinkedHashMap<>();
    part.put("benchmark", benchmark);
    List<Map<String, Object>> list = new ArrayList<>();
    for (Figure figure : figures) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", figure.name());
      entry.put("value", Double.isFinite(figure.value()) ? figure.value() : null);
      entry.put("unit", figure.unit());
      entry.put("limit", figure.limit());
      entry.put("goal", figure.goal());
      entry.put("notes", figure.notes());
      list.add(entry);
    }
    part.put("figures", list);
    if (!context.isEmpty()) {
      part.put("context", context);
    }
    try {
      Files.createDirectories(parts);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), part);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    System.out.println("figures written to " + file);
    return file;
  }

  /** Whether every condition of a goal holds; null when there is no goal or it cannot be read. */
  static Boolean met(String goal, double value, Double ratio) {
    if (goal == null) {
      return null;
    }
    boolean all = true;
    for (String condition : goal.split(" and ")) {
      Matcher m = GOAL.matcher(condition);
      if (!m.matches()) {
        return null;
      }
      double target = Double.parseDouble(m.group(2).replace(",", "").replace("_", ""));
      Double measured = m.group(3) != null ? ratio : Double.valueOf(value);
      if (measured == null) {
        return null;
      }
      all &= m.group(1).equals(">=") ? measured >= target : measured <= target;
    }
    return all;
  }

  static String format(double value) {
    if (!Double.isFinite(value)) {
      return "n/a";
    }
    if (Math.abs(value) >= 100) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (Math.abs(value) >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return String.format(Locale.ROOT, "%.3g", value);
  }

  /** The load average now, for the record: these machines are shared. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }
}
