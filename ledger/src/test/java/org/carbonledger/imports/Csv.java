package org.carbonledger.imports;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads RFC 4180 CSV (quoted fields, doubled quotes, commas and newlines inside quotes). */
final class Csv {

  private Csv() {}

  /** The rows of a CSV resource with a header line, each as header to value. */
  static List<Map<String, String>> read(String resource) throws IOException {
    try (InputStream in = Csv.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no test resource " + resource);
      }
      List<List<String>> records = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      List<String> header = records.get(0);
      List<Map<String, String>> rows = new ArrayList<>();
      for (List<String> record : records.subList(1, records.size())) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
          row.put(header.get(i).strip(), i < record.size() ? record.get(i) : "");
        }
        rows.add(row);
      }
      return rows;
    }
  }

  static List<List<String>> parse(String text) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        record.add(field.toString());
        field.setLength(0);
        if (!(record.size() == 1 && record.get(0).isEmpty())) {
          records.add(record);
        }
        record = new ArrayList<>();
      } else {
        field.append(c);
      }
    }
    if (field.length() > 0 || !record.isEmpty()) {
      record.add(field.toString());
      records.add(record);
    }
    return records;
  }
}
