package org.carbonledger.audit.verify;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.carbonledger.audit.DatabaseOptions;
import org.carbonledger.audit.ExitCodes;
import org.carbonledger.audit.TrustedKeyFile;
import org.carbonledger.audit.bundle.VerifyBundleCommand;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ledger-audit verify}: recompute every hash, link, signature, leaf and checkpoint. */
@Command(
    name = "verify",
    description = {
      "Verifies the ledger's database: each stored event row against its signed chain entry"
          + " (payload, types, time, actor, idempotency key), each aggregate's chain (links,"
          + " hashes, Ed25519 signatures by keys valid at their leaf, rotations followed from the"
          + " first keys), each Merkle leaf and stored node, each signed checkpoint's root, and"
          + " with --since that the log extends an earlier audit's checkpoint. With --bundle the"
          + " same checks run offline on an exported audit bundle; pass --keys and --since there"
          + " too, since a bundle is only as trustworthy as the keys and checkpoint it is held to.",
      "Exit 0 when everything verifies, 1 on any integrity failure, 2 on a usage or I/O error."
    })
public final class VerifyCommand implements Callable<Integer> {

  /** What to verify: a database, or an audit bundle exported from one. */
  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @ArgGroup(exclusive = false, heading = "A ledger database:%n")
    DatabaseOptions database;

    @Option(
        names = "--bundle",
        paramLabel = "<dir>",
        description = "An audit bundle written by `ledger-audit export`, checked offline.")
    Path bundle;
  }

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Option(
      names = "--keys",
      paramLabel = "<keys.json>",
      description =
          "The ledger's first keys as you trust them: the JSON of GET /api/v1/keys saved at an"
              + " earlier audit or received from the operator. Without it the first keys are"
              + " taken from the ledger_key table (a bundle's keys.jsonl), which trusts whoever"
              + " can write it.")
  Path keys;

  @Option(
      names = "--since",
      paramLabel = "<checkpoint>",
      description =
          "A signed checkpoint saved at an earlier audit (--save-checkpoint). The log must extend"
              + " it, or history was rewritten or rolled back in between.")
  Path since;

  @Option(
      names = "--save-checkpoint",
      paramLabel = "<file>",
      description =
          "Saves the latest checkpoint that verified, for the next audit's --since; only when"
              + " everything verifies.")
  Path saveCheckpoint;

  @Option(
      names = "--log-grace-seconds",
      defaultValue = "300",
      paramLabel = "<seconds>",
      description =
          "How long an event may wait for the Merkle log before it counts as missed"
              + " (default: ${DEFAULT-VALUE}), measured to now for a database and to the"
              + " manifest's exportedAt for a bundle.")
  long logGraceSeconds;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws SQLException, IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (logGraceSeconds < 0) {
      throw new ParameterException(spec.commandLine(), "--log-grace-seconds must not be negative");
    }
    VerifyOptions options = options();
    if (source.bundle != null) {
      return VerifyBundleCommand.run(source.bundle, options, saveCheckpoint, json, out, err);
    }
    DatabaseOptions database = source.database;
    VerificationReport report;
    String latest;
    try (Connection connection = database.openReadOnly()) {
      DatabaseVerifier verifier =
          new DatabaseVerifier(
              connection,
              n -> err.printf("... %,d verified%n", n).flush(),
              options,
              database::openReadOnly);
      report = verifier.verify();
      latest = verifier.latestVerifiedCheckpoint();
      connection.rollback();
    }
    if (saveCheckpoint != null) {
      SavedCheckpoint.save(saveCheckpoint, report, latest, err);
    }
    ReportOutput output =
        new ReportOutput(
            "ledger",
            source.database.url(),
            "table",
            "row",
            "every event, chain, leaf, checkpoint and projection verifies");
    if (json) {
      out.println(output.json(report));
    } else {
      output.print(out, report, "newest entries are not in the log yet (the sequencer is behind)");
    }
    return report.sound() ? ExitCodes.OK : ExitCodes.INTEGRITY_FAILURE;
  }

  /**
   * The trusted first keys, the saved checkpoint and the grace, read before anything is verified: a
   * file that cannot be read is a usage error on one line, not a verification that silently trusts
   * less.
   */
  private VerifyOptions options() throws IOException {
    VerifyOptions options =
        VerifyOptions.defaults().withLogGrace(Duration.ofSeconds(logGraceSeconds));
    if (keys != null) {
      options = options.withTrustedKeys(firstKeys(keys));
    }
    if (since != null) {
      options = options.withSince(SavedCheckpoint.read(since));
    }
    return options;
  }

  /** The ledger's first keys in a trusted keys file: those valid from leaf 0. */
  private static List<VerifyOptions.TrustedKey> firstKeys(Path file) throws IOException {
    List<VerifyOptions.TrustedKey> first =
        TrustedKeyFile.read(file).stream()
            .filter(key -> key.purpose() != null && Long.valueOf(0).equals(key.validFrom()))
            .map(key -> new VerifyOptions.TrustedKey(key.purpose(), key.name(), key.publicKey()))
            .toList();
    if (first.isEmpty()) {
      throw new IOException(
          file + " names no first key (a key of GET /api/v1/keys with validFrom 0)");
    }
    return first;
  }
}
