package org.carbonledger.audit.bundle;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.carbonledger.audit.ExitCodes;
import org.carbonledger.audit.Json;
import org.carbonledger.audit.verify.VerificationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ledger-audit verify --bundle <dir>}: checks an audit bundle offline. {@link #run} lets
 * {@code verify --bundle} delegate here.
 */
@Command(
    name = "verify --bundle",
    description = {
      "Verifies an audit bundle written by export, offline: the manifest's file hashes, each"
          + " entry's hash, links and Ed25519 signature by the keys valid at its leaf (derived from"
          + " the bundle's signed rotations), each event row against its signed entry, each leaf"
          + " recomputed from its entry, each signed checkpoint's root and its consistency with the"
          + " one before.",
      "Exit 0 when everything verifies, 1 on any integrity failure, 2 on a usage or I/O error."
    })
public final class VerifyBundleCommand implements Callable<Integer> {

  @Option(
      names = "--bundle",
      required = true,
      paramLabel = "<dir>",
      description = "The bundle's directory.")
  Path bundle;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    return run(bundle, json, spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /**
   * Verifies {@code bundle} and prints the result.
   *
   * @return the exit code: {@link ExitCodes#OK} or {@link ExitCodes#INTEGRITY_FAILURE}
   * @throws IOException if the bundle cannot be read; the caller reports it in one line
   */
  public static int run(Path bundle, boolean json, PrintWriter out, PrintWriter err)
      throws IOException {
    VerificationReport report =
        new BundleVerifier(bundle, n -> err.printf("... %,d entries verified%n", n).flush())
            .verify();
    if (json) {
      out.println(toJson(bundle, report));
    } else {
      print(out, bundle, report);
    }
    out.flush();
    return report.sound() ? ExitCodes.OK : ExitCodes.INTEGRITY_FAILURE;
  }

  private static void print(PrintWriter out, Path bundle, VerificationReport report) {
    out.printf("bundle: %s%n", bundle);
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
          "%,d newest entries were not in the log yet when exported%n",
          report.entriesNotYetLogged());
    }
    out.printf(
        "verified in %.2f s (%,.0f entries/s)%n",
        report.seconds(), report.seconds() > 0 ? report.entries() / report.seconds() : 0.0);
    report.findings().forEach(finding -> out.println("FAIL " + finding.describe()));
    out.println(
        report.sound()
            ? "OK: every file, event, chain, leaf and checkpoint of the bundle verifies"
            : "FAILED: " + report.findings().size() + " integrity failure(s)");
  }

  private static String toJson(Path bundle, VerificationReport report) {
    return Json.object()
        .put("bundle", bundle.toString())
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
                            .put("file", finding.table())
                            .put("line", finding.row())
                            .put("message", finding.message()))
                .collect(Collectors.toList()))
        .toString();
  }
}
