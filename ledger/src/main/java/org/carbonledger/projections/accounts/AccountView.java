package org.carbonledger.projections.accounts;

import java.time.Instant;
import org.carbonledger.accounts.AccountStatus;
import org.carbonledger.accounts.HolderType;

/**
 * An account as the registry shows it (a row of {@code account_view}).
 *
 * @param statusReason the reason given for the last freeze, unfreeze or close; null before any
 * @param updatedAt the time of the account's last event
 * @param lastPosition the global position of the account's last event
 */
public record AccountView(
    String accountId,
    HolderType holderType,
    String name,
    String jurisdiction,
    AccountStatus status,
    String statusReason,
    Instant openedAt,
    long openedPosition,
    Instant updatedAt,
    long lastPosition) {}
