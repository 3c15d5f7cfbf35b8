package org.carbonledger.audit;

import java.io.PrintWriter;
import org.carbonledger.audit.inventory.InventoryCommand;
import org.carbonledger.audit.verify.VerifyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The regulator's command-line verifier, {@code ledger-audit}.
 *
 * <p>It reads the registry's database (or, later, an export bundle) read-only and needs no Axon, no
 * Spring and no running ledger service: only the data, the published keys and the spec.
 *
 * <p>Exit codes: {@value ExitCodes#OK} when everything checked is sound, {@value
 * ExitCodes#INTEGRITY_FAILURE} when the data fails a check, {@value ExitCodes#USAGE_OR_IO} when the
 * command line is wrong or the data cannot be read.
 */
@Command(
    name = "ledger-audit",
    mixinStandardHelpOptions = true,
    versionProvider = AuditTool.Version.class,
    description = "Checks a carbon ledger without trusting the service that wrote it.",
    subcommands = {
      VerifyCommand.class,
      InventoryCommand.class,
      org.carbonledger.audit.bundle.ExportCommand.class,
      org.carbonledger.audit.prove.ProveCommand.class,
      CommandLine.HelpCommand.class
    })
public final class AuditTool {

  public static void main(String[] args) {
    int exitCode =
        run(
            args,
            new PrintWriter(System.out, true, java.nio.charset.StandardCharsets.UTF_8),
            new PrintWriter(System.err, true, java.nio.charset.StandardCharsets.UTF_8));
    System.exit(exitCode);
  }

  /** Runs one command line and returns its exit code; used by {@link #main} and by tests. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new AuditTool());
    commandLine.setOut(out);
    commandLine.setErr(err);
    // A wrong command line gets one readable line, not a page of usage.
    commandLine.setParameterExceptionHandler(
        (exception, arguments) -> {
          err.println("ledger-audit: " + exception.getMessage() + " (see ledger-audit --help)");
          err.flush();
          return ExitCodes.USAGE_OR_IO;
        });
    commandLine.setExecutionExceptionHandler(
        (exception, line, parseResult) -> {
          err.println("ledger-audit: " + describe(exception));
          err.flush();
          return ExitCodes.USAGE_OR_IO;
        });
    if (args.length == 0) {
      commandLine.usage(err);
      return ExitCodes.USAGE_OR_IO;
    }
    int exitCode = commandLine.execute(args);
    out.flush();
    return exitCode;
  }

  /** The first line of the failure: drivers append positions and hints on further lines. */
  private static String describe(Throwable exception) {
    String message = exception.getMessage();
    if (message == null || message.isBlank()) {
      return exception.getClass().getSimpleName();
    }
    return message.strip().lines().findFirst().orElse("").strip();
  }

  /** The version recorded in the jar's manifest at build time. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = AuditTool.class.getPackage().getImplementationVersion();
      return new String[] {"ledger-audit " + (version == null ? "(development build)" : version)};
    }
  }
}
