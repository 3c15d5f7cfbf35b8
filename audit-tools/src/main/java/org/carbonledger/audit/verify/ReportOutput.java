package org.carbonledger.audit.verify;

import java.io.PrintWriter;
import java.util.stream.Collectors;
import org.carbonledger.audit.Json;

/**
 * Prints a {@link VerificationReport} for people or as one JSON object, the same way whether the
 * ledger was read from a database or from an audit bundle.
 *
 * @param sourceName what was verified: "ledger" or "bundle"
 * @param source where it was read from: a JDBC URL or a directory
 * @param tableName the JSON name of a finding's container: "table" for a database, "file" for a
 *     bundle
 * @param rowName the JSON name of a finding's place in it: "row" or "line"
 * @param verdict what "OK" covers, such as "every event, chain, leaf and checkpoint verifies"
 */
public record ReportOutput(
    String sourceName, String source, String tableName, String rowName, String verdict) {

  public void print(PrintWriter out, VerificationReport report, String notYetLogged) {
    out.printf("%s: %s%n", sourceName, source);
    out.printf(
        "%,d events, %,d signed entries in %,d streams, %,d leaves, %,d checkpoints, %,d keys%n",
        report.events(),
        report.entries(),
        report.streams(),
        report.leaves(),
        report.checkpoints(),
        report.keys());
    if (report.entriesNotYetLogged() > 0) {
      out.printf("%,d %s%n", report.entriesNotYetLogged(), notYetLogged);
    }
    out.printf(
        "verified in %.2f s (%,.0f entries/s)%n",
        report.seconds(), report.seconds() > 0 ? report.entries() / report.seconds() : 0.0);
    report.findings().forEach(finding -> out.println("FAIL " + finding.describe()));
    out.println(
        report.sound()
            ? "OK: " + verdict
            : "FAILED: " + report.findings().size() + " integrity failure(s)");
  }

  public String json(VerificationReport report) {
    return Json.object()
        .put(sourceName, source)
        .put("events", report.events())
        .put("entries", report.entries())
        .put("streams", report.streams())
        .put("leaves", report.leaves())
        .put("checkpoints", report.checkpoints())
        .put("keys", report.keys())
        .put("entriesNotYetLogged", report.entriesNotYetLogged())
        .put("seconds", report.seconds())
        .put("sound", report.sound())
        .putObjects(
            "failures",
            report.findings().stream()
                .map(
                    finding ->
                        Json.object()
                            .put("kind", finding.kind())
                            .put("stream", finding.streamId())
                            .put("sequence", finding.sequence())
                            .put("leafIndex", finding.leafIndex())
                            .put(tableName, finding.table())
                            .put(rowName, finding.row())
                            .put("message", finding.message()))
                .collect(Collectors.toList()))
        .toString();
  }
}
