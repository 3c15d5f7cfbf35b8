package org.carbonledger.audit.inventory;

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

/** {@code ledger-audit inventory}: what the event store holds, and whether each stream is whole. */
@Command(
    name = "inventory",
    description = {
      "Counts the events and aggregates in the event store and checks that every aggregate's"
          + " sequence numbers run 0, 1, 2, ... without a gap.",
      "Exit 0 when every sequence is whole, 1 when one is broken, 2 on a usage or I/O error."
    })
public final class InventoryCommand implements Callable<Integer> {

  @Mixin DatabaseOptions database;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws SQLException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long started = System.nanoTime();
    Inventory inventory;
    try (Connection connection = database.openReadOnly()) {
      inventory =
          new EventStoreInventory(connection)
              .take(read -> err.printf("... %,d events read%n", read).flush());
      connection.rollback();
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    if (json) {
      out.println(toJson(inventory, seconds));
    } else {
      print(out, inventory, seconds);
    }
    return inventory.sound() ? ExitCodes.OK : ExitCodes.INTEGRITY_FAILURE;
  }

  private void print(PrintWriter out, Inventory inventory, double seconds) {
    out.printf("event store: %s%n", database.url());
    out.printf(
        "%,d events in %,d aggregates (%s)%n",
        inventory.events(),
        inventory.aggregates(),
        inventory.aggregatesByType().entrySet().stream()
            .map(entry -> entry.getKey() + ": " + entry.getValue())
            .collect(Collectors.joining(", ")));
    if (inventory.events() > 0) {
      out.printf(
          "global index %d..%d, %,d unused (rolled-back transactions leave these)%n",
          inventory.lowestGlobalIndex(),
          inventory.highestGlobalIndex(),
          inventory.globalIndexHoles());
    }
    out.printf(
        "read in %.2f s (%,.0f events/s)%n",
        seconds, seconds > 0 ? inventory.events() / seconds : 0.0);
    for (Inventory.SequenceBreak failure : inventory.failures()) {
      out.println("FAIL " + failure.describe());
    }
    out.println(
        inventory.sound()
            ? "OK: every aggregate's sequence is whole"
            : "FAILED: " + inventory.failures().size() + " broken sequence(s)");
  }

  private static String toJson(Inventory inventory, double seconds) {
    return Json.object()
        .put("events", inventory.events())
        .put("aggregates", inventory.aggregates())
        .put("aggregatesByType", inventory.aggregatesByType())
        .put("lowestGlobalIndex", inventory.lowestGlobalIndex())
        .put("highestGlobalIndex", inventory.highestGlobalIndex())
        .put("globalIndexHoles", inventory.globalIndexHoles())
        .put("seconds", seconds)
        .put("sound", inventory.sound())
        .putObjects(
            "failures",
            inventory.failures().stream()
                .map(
                    failure ->
                        Json.object()
                            .put("kind", "sequence-break")
                            .put("aggregate", failure.aggregateId())
                            .put("expectedSequence", failure.expectedSequence())
                            .put("actualSequence", failure.actualSequence()))
                .collect(Collectors.toList()))
        .toString();
  }
}
