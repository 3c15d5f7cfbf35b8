package org.carbonledger.audit.replay;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.carbonledger.audit.replay.BatchChange.Issued;

/**
 * One batch as the replay has rebuilt it: where every serial is (an account's tradable holding,
 * retired or cancelled) and its supply as {@code batch_supply} states it.
 *
 * <p>Holdings are kept as docs/spec/04-projections.md §4.2.6 keeps {@code holding_block}: one entry
 * per block of one account, keyed by its first serial; an account's blocks are merged, so two
 * blocks of one account are never adjacent. Retired and cancelled serials are kept as merged
 * ranges. The state is proportional to how fragmented the batch's serials are, never to its number
 * of events.
 */
final class BatchState {

  /** Where a serial the movement wanted was, when it was not in the moving account. */
  enum Place {
    HELD_ELSEWHERE,
    RETIRED,
    CANCELLED,
    NOT_ISSUED,
    NOWHERE
  }

  /** One block held by one account; its first serial is its key in {@link #holdings}. */
  static final class Held {
    long last;
    final String account;
    boolean compared;

    Held(long last, String account) {
      this.last = last;
      this.account = account;
    }
  }

  /** Receives the parts of a block that a {@link #take} found, in serial order. */
  interface Parts {
    void taken(long first, long last);

    /**
     * @param holder the account that holds the part, with {@link Place#HELD_ELSEWHERE}; else null
     */
    void missing(Place place, String holder, long first, long last);
  }

  final Issued issued;
  final Instant issuedAt;
  final long issuedPosition;
  final String eventIdentifier;
  final TreeMap<Long, Held> holdings = new TreeMap<>();
  final SerialRanges retiredSerials = new SerialRanges();
  final SerialRanges cancelledSerials = new SerialRanges();

  /** The sum of the quantities of the batch's {@code CreditsRetired}. */
  long retired;

  /** The sum of the quantities of the batch's {@code CreditsCancelled}. */
  long cancelled;

  /** The serials in {@link #holdings}. */
  long held;

  /** The global position of the batch's last event applied. */
  long lastPosition;

  /** {@code held - tradable()} when the supply equation was last reported broken; 0 before. */
  long reportedImbalance;

  BatchState(Issued issued, Instant issuedAt, long issuedPosition, String eventIdentifier) {
    this.issued = issued;
    this.issuedAt = issuedAt;
    this.issuedPosition = issuedPosition;
    this.eventIdentifier = eventIdentifier;
    this.lastPosition = issuedPosition;
  }

  long firstSerial() {
    return issued.serials().first();
  }

  long lastSerial() {
    return issued.serials().last();
  }

  /** {@code last_serial - first_serial + 1}. */
  long issuedCount() {
    return issued.serials().count();
  }

  /** What {@code batch_supply.tradable} states: issued minus every retired and cancelled credit. */
  long tradable() {
    return issuedCount() - retired - cancelled;
  }

  /**
   * Adds serials that no account holds to an account's holding, merged with its adjacent blocks.
   */
  void give(String account, long first, long last) {
    held += last - first + 1;
    Held after = holdings.get(last + 1);
    boolean mergeAfter = after != null && after.account.equals(account);
    Map.Entry<Long, Held> before = holdings.floorEntry(first - 1);
    if (before != null
        && before.getValue().last == first - 1
        && before.getValue().account.equals(account)) {
      // Grows the block before instead of replacing it: the tree keeps its shape.
      before.getValue().last = mergeAfter ? after.last : last;
      if (mergeAfter) {
        holdings.remove(last + 1);
      }
      return;
    }
    if (mergeAfter) {
      holdings.remove(last + 1);
    }
    holdings.put(first, new Held(mergeAfter ? after.last : last, account));
  }

  /**
   * Takes the serials {@code first..last} out of an account's holding: every part the account holds
   * is removed (splitting its block) and passed to {@link Parts#taken}; every other part is left
   * where it is and passed to {@link Parts#missing} with where it is.
   */
  void take(String account, long first, long last, Parts parts) {
    long cursor = first;
    while (cursor <= last) {
      Map.Entry<Long, Held> entry = holdings.floorEntry(cursor);
      if (entry != null && entry.getValue().last >= cursor) {
        Held block = entry.getValue();
        long end = Math.min(block.last, last);
        if (block.account.equals(account)) {
          cut(entry.getKey(), block, cursor, end);
          parts.taken(cursor, end);
        } else {
          parts.missing(Place.HELD_ELSEWHERE, block.account, cursor, end);
        }
        cursor = end + 1;
      } else {
        Long nextHeld = holdings.higherKey(cursor);
        long end = Math.min(last, nextHeld == null ? Long.MAX_VALUE : nextHeld - 1);
        cursor = locateUnheld(cursor, end, parts) + 1;
      }
      if (cursor == Long.MIN_VALUE) {
        return; // Passed Long.MAX_VALUE.
      }
    }
  }

  /** Removes {@code from..to} from the block that starts at {@code key} and holds them. */
  private void cut(long key, Held block, long from, long to) {
    long blockLast = block.last;
    if (key < from) {
      block.last = from - 1; // Shortens the block in place: the tree keeps its shape.
    } else {
      holdings.remove(key);
    }
    if (to < blockLast) {
      holdings.put(to + 1, new Held(blockLast, block.account));
    }
    held -= to - from + 1;
  }

  /**
   * Says where the first part of {@code from..to}, serials no account holds, is.
   *
   * @return the last serial of that part
   */
  private long locateUnheld(long from, long to, Parts parts) {
    long end;
    Place place;
    if (from < firstSerial()) {
      end = Math.min(to, firstSerial() - 1);
      place = Place.NOT_ISSUED;
    } else if (from > lastSerial()) {
      end = to;
      place = Place.NOT_ISSUED;
    } else if (retiredSerials.endOfRangeHolding(from) >= 0) {
      end = Math.min(to, retiredSerials.endOfRangeHolding(from));
      place = Place.RETIRED;
    } else if (cancelledSerials.endOfRangeHolding(from) >= 0) {
      end = Math.min(to, cancelledSerials.endOfRangeHolding(from));
      place = Place.CANCELLED;
    } else {
      end =
          Math.min(
              Math.min(to, lastSerial()),
              Math.min(retiredSerials.nextAfter(from), cancelledSerials.nextAfter(from)) - 1);
      place = Place.NOWHERE;
    }
    parts.missing(place, null, from, end);
    return end;
  }
}
