package org.carbonledger.projections.credits;

import java.time.Instant;
import java.util.List;
import org.carbonledger.credits.SerialBlock;

/**
 * One movement of an account (a row of {@code account_movement}).
 *
 * @param position the global position of the event
 * @param movementId the transfer, retirement or cancellation id; the batch id for an issuance
 * @param quantity credits moved, positive
 * @param change the change to the account's tradable credits: {@code +quantity} into the account,
 *     {@code -quantity} out of it
 * @param counterpartyAccountId the other account of a transfer; null otherwise
 * @param blocks the serial blocks that moved, in the event's order
 * @param serialNumbers the same blocks as serial number labels
 */
public record StatementLine(
    String accountId,
    long position,
    String batchId,
    MovementKind kind,
    String movementId,
    long quantity,
    long change,
    String counterpartyAccountId,
    List<SerialBlock> blocks,
    List<String> serialNumbers,
    Instant occurredAt,
    String eventIdentifier) {

  public StatementLine {
    blocks = List.copyOf(blocks);
    serialNumbers = List.copyOf(serialNumbers);
  }
}
