package org.carbonledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class AuditToolTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return AuditTool.run(args, new PrintWriter(out), new PrintWriter(err));
  }

  @Test
  void aMissingDatabaseIsAUsageErrorOnOneLine() {
    assertThat(run("inventory")).isEqualTo(ExitCodes.USAGE_OR_IO);
    assertThat(err.toString().strip())
        .startsWith("ledger-audit: Missing required option: '--db=<jdbc url>'")
        .doesNotContain("\n");
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    assertThat(run("rewrite-history")).isEqualTo(ExitCodes.USAGE_OR_IO);
    assertThat(err.toString()).contains("rewrite-history");
  }

  @Test
  void anUnreachableDatabaseIsAnIoErrorNotAnIntegrityFailure() {
    assertThat(run("inventory", "--db", "jdbc:postgresql://127.0.0.1:1/nothing-here"))
        .isEqualTo(ExitCodes.USAGE_OR_IO);
    assertThat(err.toString()).startsWith("ledger-audit: ").contains("127.0.0.1:1");
  }

  @Test
  void noArgumentsPrintsUsage() {
    assertThat(run()).isEqualTo(ExitCodes.USAGE_OR_IO);
    assertThat(err.toString()).contains("Usage: ledger-audit").contains("inventory");
  }

  @Test
  void jsonQuotingEscapesQuotesBackslashesAndControlCharacters() {
    assertThat(Json.quote("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
  }
}
