package org.carbonledger.audit.bundle;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.carbonledger.audit.ExitCodes;
import org.carbonledger.audit.verify.ReportOutput;
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
    ReportOutput output =
        new ReportOutput(
            "bundle",
            bundle.toString(),
            "file",
            "line",
            "every file, event, chain, leaf and checkpoint of the bundle verifies");
    if (json) {
      out.println(output.json(report));
    } else {
      output.print(out, report, "newest entries were not in the log yet when exported");
    }
    out.flush();
    return report.sound() ? ExitCodes.OK : ExitCodes.INTEGRITY_FAILURE;
  }
}
