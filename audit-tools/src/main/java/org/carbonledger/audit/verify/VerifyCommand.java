package org.carbonledger.audit.verify;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
          + " with --since that the log extends an earlier audit's checkpoint.",
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
              + " taken from the ledger_key table, which trusts whoever can write it.")
  Path keys;

  @Option(
      names = "--since",
      paramLabel = "<checkpoint>",
      description =
          "A signed checkpoint saved at an earlier audit (--save-checkpoint). The log must extend"
              + " it, proven with a consistency proof, or history was rewritten in between.")
  Path since;

  @Option(
      names = "--save-checkpoint",
      paramLabel = "<file>",
      description = "Saves the latest checkpoint that verified, for the next audit's --since.")
  Path saveCheckpoint;

  @Option(
      names = "--log-grace-seconds",
      defaultValue = "300",
      paramLabel = "<seconds>",
      description =
          "How long an event may wait for the Merkle log before it counts as missed"
              + " (default: ${DEFAULT-VALUE}).")
  long logGraceSeconds;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws SQLException, IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (source.bundle != null) {
      if (keys != null || since != null || saveCheckpoint != null) {
        throw new ParameterException(
            spec.commandLine(), "--keys, --since and --save-checkpoint need --db, not --bundle");
      }
      return VerifyBundleCommand.run(source.bundle, json, out, err);
    }
    DatabaseOptions database = source.database;
    if (logGraceSeconds < 0) {
      throw new ParameterException(spec.commandLine(), "--log-grace-seconds must not be negative");
    }
    VerifyOptions options =
        VerifyOptions.defaults().withLogGrace(Duration.ofSeconds(logGraceSeconds));
    try {
      if (keys != null) {
        options = options.withTrustedKeys(firstKeys(keys));
      }
      if (since != null) {
        options = options.withSince(Files.readString(since, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IOException(
          "cannot read " + (e.getMessage() == null ? "a file" : e.getMessage()), e);
    }
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
    if (saveCheckpoint != null && report.sound() && latest != null) {
      Files.writeString(saveCheckpoint, latest, StandardCharsets.UTF_8);
      err.printf("saved the latest verified checkpoint to %s%n", saveCheckpoint).flush();
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
