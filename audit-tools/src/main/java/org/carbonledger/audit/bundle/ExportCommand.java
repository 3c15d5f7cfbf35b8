package org.carbonledger.audit.bundle;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import org.carbonledger.audit.DatabaseOptions;
import org.carbonledger.audit.ExitCodes;
import org.carbonledger.audit.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ledger-audit export}: writes a portable audit bundle that verifies offline. */
@Command(
    name = "export",
    description = {
      "Exports the ledger's database, read-only and in one snapshot, as an audit bundle"
          + " (docs/spec/05-audit-bundle.md): the signed entries with their event rows, the Merkle"
          + " leaves, the signed checkpoints, the published keys and a manifest with counts, the"
          + " log's root and the SHA-256 of every file. Check it offline with verify --bundle.",
      "Exit 0 when the bundle is written, 2 on a usage or I/O error (nothing is left behind)."
    })
public final class ExportCommand implements Callable<Integer> {

  @Mixin DatabaseOptions database;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "<dir>",
      description = "The bundle's directory; it must not exist, or be empty.")
  Path out;

  @Option(names = "--json", description = "Print the summary as one JSON object.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws SQLException, IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    BundleExporter.Summary summary;
    try (Connection connection = database.openReadOnly()) {
      try {
        summary =
            new BundleExporter(connection, n -> err.printf("... %,d entries exported%n", n).flush())
                .export(this.out);
      } finally {
        connection.rollback();
      }
    }
    if (json) {
      out.println(
          Json.object()
              .put("bundle", summary.bundle().toString())
              .put("origin", summary.origin())
              .put("entries", summary.entries())
              .put("streams", summary.streams())
              .put("events", summary.events())
              .put("unchainedEvents", summary.unchainedEvents())
              .put("entriesNotYetLogged", summary.entriesNotYetLogged())
              .put("leaves", summary.leaves())
              .put("checkpoints", summary.checkpoints())
              .put("keys", summary.keys())
              .put("rootHash", summary.rootHash())
              .put("seconds", summary.seconds()));
    } else {
      out.printf("ledger: %s%n", database.url());
      out.printf("bundle: %s%n", summary.bundle());
      out.printf(
          "%,d events, %,d signed entries in %,d streams, %,d leaves, %,d checkpoints, %,d keys%n",
          summary.events(),
          summary.entries(),
          summary.streams(),
          summary.leaves(),
          summary.checkpoints(),
          summary.keys());
      out.printf("log size %,d, root %s%n", summary.leaves(), summary.rootHash());
      out.printf(
          "exported in %.2f s (%,.0f entries/s)%n",
          summary.seconds(), summary.seconds() > 0 ? summary.entries() / summary.seconds() : 0.0);
      out.println("OK: bundle written; nothing in it has been verified yet (run verify --bundle)");
    }
    return ExitCodes.OK;
  }
}
