package org.carbonledger.audit.replay;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.carbonledger.audit.replay.BatchChange.Issued;
import org.carbonledger.audit.replay.BatchChange.Kind;
import org.carbonledger.audit.replay.BatchChange.Moved;
import org.carbonledger.audit.replay.BatchState.Place;
import org.carbonledger.audit.verify.Finding;

/**
 * Replays stored batch events into their batches' holdings and supply, and checks the domain's
 * invariants (docs/spec/01-domain.md §1.8) at every event:
 *
 * <ul>
 *   <li>a movement takes exactly its listed blocks from the account it names, which must hold them
 *       ({@code SERIALS_NOT_HELD}); retired and cancelled serials never move again ({@code
 *       SERIAL_RETIRED_TWICE}, {@code MOVED_AFTER_RETIREMENT}); no serial outside the issued block
 *       ({@code SERIALS_NOT_ISSUED});
 *   <li>issued = tradable + retired + cancelled, the tradable credits being those held ({@code
 *       SUPPLY_EQUATION_BROKEN});
 *   <li>nothing moves before the batch is issued ({@code MOVEMENT_BEFORE_ISSUANCE}), a batch is
 *       issued once ({@code BATCH_ISSUED_TWICE}), and every quantity is the size of its serials
 *       ({@code ISSUED_QUANTITY_MISMATCH}, {@code MOVEMENT_QUANTITY_MISMATCH}).
 * </ul>
 *
 * <p>A movement that names serials its account does not hold moves only the part it holds: the
 * replay goes on with every serial in one place, as the ledger would have kept it, while the
 * quantities count what the events state (as {@code batch_supply} does), so the supply equation
 * shows the difference.
 *
 * <p>A batch's events must arrive in their stream's order; events of different batches may come in
 * any order, because no invariant of one batch depends on another's events (docs/adr/0004). {@link
 * ProjectionCheck} therefore replays one batch at a time and {@link #release releases} each batch's
 * state before the next, so that the replay holds one batch, not the ledger.
 */
final class CreditReplay {

  private static final String STREAM_PREFIX = "batch:";

  private final Map<String, BatchState> batches = new HashMap<>();
  private final Map<String, String> accounts = new HashMap<>();
  private final Consumer<Finding> findings;
  private long events;
  private int mostBatchesHeld;

  CreditReplay(Consumer<Finding> findings) {
    this.findings = findings;
  }

  /** The batch's state, or null before its issuance. */
  BatchState batch(String batchId) {
    return batches.get(batchId);
  }

  Collection<BatchState> batches() {
    return batches.values();
  }

  /**
   * Drops a batch's state once nothing more of it will be replayed. When no batch is held any more,
   * the account ids shared by the states are dropped too: they were kept only so that the blocks of
   * one account share one string.
   */
  void release(String batchId) {
    batches.remove(batchId);
    if (batches.isEmpty()) {
      accounts.clear();
    }
  }

  /**
   * The most batch states held at once so far. {@link ProjectionCheck} keeps it at 1, which is what
   * bounds its memory; a test pins that.
   */
  int mostBatchesHeld() {
    return mostBatchesHeld;
  }

  /** How many batch events were applied (or found malformed) so far. */
  long events() {
    return events;
  }

  /** Whether the replay reads this row: a batch event ({@code batch:} stream, batch event type). */
  static boolean isBatchEvent(String aggregateIdentifier, String payloadType) {
    return aggregateIdentifier != null
        && payloadType != null
        && aggregateIdentifier.startsWith(STREAM_PREFIX)
        && BatchEventJson.isBatchEvent(payloadType);
  }

  /**
   * What one batch event did, once applied: the change its payload states, its batch afterwards,
   * and its time as the projections store it (null when unreadable, which is reported).
   */
  record Applied(StoredEvent event, BatchChange change, BatchState batch, Instant at) {}

  /**
   * Applies one stored event; events that are not batch events are ignored.
   *
   * @return whether the event was a batch event
   */
  boolean apply(StoredEvent event) {
    if (!isBatchEvent(event.aggregateIdentifier(), event.payloadType())) {
      return false;
    }
    applyBatchEvent(event);
    return true;
  }

  /**
   * Applies one stored event and says what it did, for comparisons that need each movement and not
   * only the state it leaves.
   *
   * @return what the event did; null when it is no batch event or the replay could not apply it
   *     (its payload is malformed, names another batch, issues a batch again, moves credits of a
   *     batch not issued, or transfers to the account it leaves), which is reported
   */
  Applied applyBatchEvent(StoredEvent event) {
    if (!isBatchEvent(event.aggregateIdentifier(), event.payloadType())) {
      return null;
    }
    events++;
    BatchChange change;
    try {
      change = BatchEventJson.parse(event.payloadType(), event.payload());
    } catch (BatchEventJson.MalformedPayload e) {
      report(
          event,
          ProjectionCheck.MALFORMED_BATCH_EVENT,
          BatchEventJson.simpleName(event.payloadType()) + ": " + e.getMessage());
      return null;
    }
    String streamBatch = event.aggregateIdentifier().substring(STREAM_PREFIX.length());
    if (!change.batchId().equals(streamBatch)) {
      report(
          event,
          ProjectionCheck.BATCH_ID_MISMATCH,
          "the payload names batch "
              + change.batchId()
              + " but is stored in stream "
              + event.aggregateIdentifier());
      return null;
    }
    if (change instanceof Issued issued) {
      return issue(event, issued);
    }
    return move(event, (Moved) change);
  }

  private Applied issue(StoredEvent event, Issued issued) {
    BatchState existing = batches.get(issued.batchId());
    if (existing != null) {
      report(
          event,
          ProjectionCheck.BATCH_ISSUED_TWICE,
          "batch "
              + issued.batchId()
              + " was already issued by event "
              + existing.eventIdentifier
              + " at global position "
              + existing.issuedPosition);
      return null;
    }
    if (issued.quantity() != issued.serials().count()) {
      report(
          event,
          ProjectionCheck.ISSUED_QUANTITY_MISMATCH,
          "BatchIssued states "
              + issued.quantity()
              + " credits but issues serials "
              + issued.serials()
              + " ("
              + issued.serials().count()
              + ")");
    }
    Instant issuedAt = instant(event);
    Issued kept =
        new Issued(
            issued.batchId(),
            issued.projectId(),
            issued.batchSequence(),
            issued.vintageStart(),
            issued.vintageEnd(),
            issued.verificationReportId(),
            issued.verifier(),
            account(issued.accountId()),
            issued.quantity(),
            issued.serials(),
            issued.serialPrefix());
    BatchState batch = new BatchState(kept, issuedAt, event.globalIndex(), event.eventIdentifier());
    batch.give(kept.accountId(), kept.serials().first(), kept.serials().last());
    batches.put(kept.batchId(), batch);
    mostBatchesHeld = Math.max(mostBatchesHeld, batches.size());
    checkSupply(event, batch);
    return new Applied(event, kept, batch, issuedAt);
  }

  private Applied move(StoredEvent event, Moved moved) {
    BatchState batch = batches.get(moved.batchId());
    if (batch == null) {
      report(
          event,
          ProjectionCheck.MOVEMENT_BEFORE_ISSUANCE,
          moved.describe() + " moves credits of batch " + moved.batchId() + " before its issuance");
      return null;
    }
    long size = 0;
    for (SerialRange block : moved.blocks()) {
      size = saturatedAdd(size, block.count());
    }
    if (moved.blocks().isEmpty() || moved.quantity() <= 0 || moved.quantity() != size) {
      report(
          event,
          ProjectionCheck.MOVEMENT_QUANTITY_MISMATCH,
          moved.describe()
              + " states "
              + moved.quantity()
              + " credits but lists "
              + (moved.blocks().isEmpty() ? "no serial block" : "serials " + blocks(moved.blocks()))
              + " ("
              + size
              + ")");
    }
    batch.lastPosition = event.globalIndex();
    if (moved.kind() == Kind.TRANSFER && moved.accountId().equals(moved.toAccountId())) {
      report(
          event,
          ProjectionCheck.TRANSFER_TO_SAME_ACCOUNT,
          moved.describe() + " goes to the account it leaves");
      return null;
    }
    String from = account(moved.accountId());
    String to = moved.toAccountId() == null ? null : account(moved.toAccountId());
    Misplaced misplaced = new Misplaced(moved.kind());
    List<long[]> taken = new ArrayList<>();
    for (SerialRange block : moved.blocks()) {
      taken.clear();
      batch.take(
          from,
          block.first(),
          block.last(),
          new BatchState.Parts() {
            @Override
            public void taken(long first, long last) {
              taken.add(new long[] {first, last});
            }

            @Override
            public void missing(Place place, String holder, long first, long last) {
              misplaced.add(place, holder, first, last);
            }
          });
      for (long[] part : taken) {
        switch (moved.kind()) {
          case TRANSFER -> batch.give(to, part[0], part[1]);
          case RETIREMENT -> batch.retiredSerials.add(part[0], part[1]);
          case CANCELLATION -> batch.cancelledSerials.add(part[0], part[1]);
        }
      }
    }
    switch (moved.kind()) {
      case RETIREMENT -> batch.retired = saturatedAdd(batch.retired, moved.quantity());
      case CANCELLATION -> batch.cancelled = saturatedAdd(batch.cancelled, moved.quantity());
      case TRANSFER -> {}
    }
    misplaced.report(event, moved, batch);
    checkSupply(event, batch);
    return new Applied(event, moved, batch, instant(event));
  }

  /** The parts of a movement that were not in its account, grouped by the finding they give. */
  private final class Misplaced {
    private final Kind kind;
    private final Map<Place, List<String>> parts = new EnumMap<>(Place.class);

    Misplaced(Kind kind) {
      this.kind = kind;
    }

    void add(Place place, String holder, long first, long last) {
      String range = first + "-" + last;
      parts
          .computeIfAbsent(place, p -> new ArrayList<>())
          .add(
              switch (place) {
                case HELD_ELSEWHERE -> range + " (held by " + holder + ")";
                case NOWHERE -> range + " (held by no account)";
                case RETIRED, CANCELLED, NOT_ISSUED -> range;
              });
    }

    void report(StoredEvent event, Moved moved, BatchState batch) {
      List<String> notHeld = new ArrayList<>();
      notHeld.addAll(parts.getOrDefault(Place.HELD_ELSEWHERE, List.of()));
      notHeld.addAll(parts.getOrDefault(Place.NOWHERE, List.of()));
      if (!notHeld.isEmpty()) {
        CreditReplay.this.report(
            event,
            ProjectionCheck.SERIALS_NOT_HELD,
            moved.describe()
                + " moves serials that "
                + moved.accountId()
                + " does not hold: "
                + String.join(", ", notHeld));
      }
      List<String> retired = parts.getOrDefault(Place.RETIRED, List.of());
      if (!retired.isEmpty() && kind == Kind.RETIREMENT) {
        CreditReplay.this.report(
            event,
            ProjectionCheck.SERIAL_RETIRED_TWICE,
            moved.describe() + " retires serials already retired: " + String.join(", ", retired));
      }
      List<String> gone = new ArrayList<>();
      if (kind != Kind.RETIREMENT) {
        retired.forEach(range -> gone.add(range + " (retired)"));
      }
      parts
          .getOrDefault(Place.CANCELLED, List.of())
          .forEach(range -> gone.add(range + " (cancelled)"));
      if (!gone.isEmpty()) {
        CreditReplay.this.report(
            event,
            ProjectionCheck.MOVED_AFTER_RETIREMENT,
            moved.describe()
                + " moves serials after their retirement or cancellation: "
                + String.join(", ", gone));
      }
      List<String> outside = parts.getOrDefault(Place.NOT_ISSUED, List.of());
      if (!outside.isEmpty()) {
        CreditReplay.this.report(
            event,
            ProjectionCheck.SERIALS_NOT_ISSUED,
            moved.describe()
                + " names serials outside the batch's issued block "
                + batch.issued.serials()
                + ": "
                + String.join(", ", outside));
      }
    }
  }

  /**
   * issued = tradable + retired + cancelled, with tradable the serials the accounts hold and
   * retired and cancelled the stated quantities. Reported when it breaks, and again whenever the
   * difference changes, not at every later event of a broken batch.
   */
  private void checkSupply(StoredEvent event, BatchState batch) {
    long imbalance = batch.held - batch.tradable();
    if (imbalance == batch.reportedImbalance) {
      return;
    }
    batch.reportedImbalance = imbalance;
    if (imbalance != 0) {
      report(
          event,
          ProjectionCheck.SUPPLY_EQUATION_BROKEN,
          "issued "
              + batch.issuedCount()
              + " != tradable "
              + batch.held
              + " (serials held) + retired "
              + batch.retired
              + " + cancelled "
              + batch.cancelled);
    }
  }

  /**
   * The event's time as the projections store it: truncated to whole microseconds. A time that
   * cannot be read is reported, and null.
   */
  private Instant instant(StoredEvent event) {
    try {
      return Instant.parse(event.timeStamp()).truncatedTo(ChronoUnit.MICROS);
    } catch (DateTimeParseException | NullPointerException e) {
      try {
        return OffsetDateTime.parse(event.timeStamp()).toInstant().truncatedTo(ChronoUnit.MICROS);
      } catch (DateTimeParseException | NullPointerException again) {
        report(
            event,
            ProjectionCheck.MALFORMED_BATCH_EVENT,
            "time_stamp " + event.timeStamp() + " is not an ISO-8601 instant");
        return null;
      }
    }
  }

  private String account(String accountId) {
    return accounts.computeIfAbsent(accountId, id -> id);
  }

  private void report(StoredEvent event, String kind, String message) {
    findings.accept(
        new Finding(
            kind,
            event.aggregateIdentifier(),
            event.sequenceNumber(),
            null,
            "domain_event_entry",
            event.eventIdentifier(),
            message));
  }

  static String blocks(List<SerialRange> blocks) {
    return blocks.stream().map(SerialRange::toString).collect(Collectors.joining(","));
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    if (((a ^ sum) & (b ^ sum)) < 0) {
      return sum < 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return sum;
  }
}
