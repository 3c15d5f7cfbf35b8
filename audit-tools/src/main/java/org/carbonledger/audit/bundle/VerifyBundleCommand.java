package org.carbonledger.audit.bundle;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.carbonledger.audit.ExitCodes;
import org.carbonledger.audit.verify.ReportOutput;
import org.carbonledger.audit.verify.SavedCheckpoint;
import org.carbonledger.audit.verify.VerificationReport;
import org.carbonledger.audit.verify.VerifyOptions;

/**
 * {@code ledger-audit verify --bundle <dir>}: checks an audit bundle offline and prints the result.
 * {@code verify} parses the command line, reads the trusted keys and the saved checkpoint exactly
 * as for a database, and delegates here, so that a bundle is held to the same trust as a database.
 */
public final class VerifyBundleCommand {

  private VerifyBundleCommand() {}

  /**
   * Verifies {@code bundle} and prints the result.
   *
   * @param options the first keys to trust instead of the bundle's own, the earlier audit's
   *     checkpoint the bundle's log must extend, and the grace for entries not yet logged, measured
   *     to the manifest's {@code exportedAt}
   * @param saveCheckpoint where to save the latest verified checkpoint if everything verifies; null
   *     for nowhere
   * @return the exit code: {@link ExitCodes#OK} or {@link ExitCodes#INTEGRITY_FAILURE}
   * @throws IOException if the bundle cannot be read or the checkpoint not saved; the caller
   *     reports it in one line
   */
  public static int run(
      Path bundle,
      VerifyOptions options,
      Path saveCheckpoint,
      boolean json,
      PrintWriter out,
      PrintWriter err)
      throws IOException {
    BundleVerifier verifier =
        new BundleVerifier(
            bundle, n -> err.printf("... %,d entries verified%n", n).flush(), options);
    VerificationReport report = verifier.verify();
    if (saveCheckpoint != null) {
      SavedCheckpoint.save(saveCheckpoint, report, verifier.latestVerifiedCheckpoint(), err);
    }
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
