package org.carbonledger.audit.verify;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.carbonledger.audit.DatabaseOptions;
import org.carbonledger.audit.ExitCodes;
import org.carbonledger.audit.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ledger-audit verify}: recompute every hash, link, signature, leaf and checkpoint. */
@Command(
    name = "verify",
    description = {
      "Verifies the ledger's database: each stored event against its signed chain entry, each"
          + " aggregate's chain (links, hashes, Ed25519 signatures by published keys within their"
          + " validity), each Merkle leaf against its entry, and each signed checkpoint's root.",
      "Exit 0 when everything verifies, 1 on any integrity failure, 2 on a usage or I/O error."
    })
public final class VerifyCommand implements Callable<Integer> {

  @Mixin DatabaseOptions database;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws SQLException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    VerificationReport report;
    try (Connection connection = database.openReadOnly()) {
      report =
          new DatabaseVerifier(connection, n -> err.printf("... %,d entries verified%n", n).flush())
              .verify();
      connection.rollback();
    }
    if (json) {
      out.println(toJson(report));
    } else {
      print(out, report);
    }
    return report.sound() ? ExitCodes.OK : ExitCodes.INTEGRITY_FAILURE;
  }

  private void print(PrintWriter out, VerificationReport report) {
    out.printf("ledger: %s%n", database.url());
    out.printf(
        "%,d events, %,d signed entries in %,d streams, %,d leaves, %,d checkpoints, %,d keys%n",
        report.events(),
        report.entries(),
        report.streams(),
        report.leaves(),
        report.checkpoints(),
        report.keys());
    if (report.entriesNotYetLogged() > 0) {
      out.printf(
          "%,d newest entries are not in the log yet (the sequencer is behind)%n",
          report.entriesNotYetLogged());
    }
    out.printf(
        "verified in %.2f s (%,.0f entries/s)%n",
        report.seconds(), report.seconds() > 0 ? report.entries() / report.seconds() : 0.0);
    report.findings().forEach(finding -> out.println("FAIL " + finding.describe()));
    out.println(
        report.sound()
            ? "OK: every event, chain, leaf and checkpoint verifies"
            : "FAILED: " + report.findings().size() + " integrity failure(s)");
  }

  private static String toJson(VerificationReport report) {
    return Json.object()
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
                            .put("table", finding.table())
                            .put("row", finding.row())
                            .put("message", finding.message()))
                .collect(Collectors.toList()))
        .toString();
  }
}
