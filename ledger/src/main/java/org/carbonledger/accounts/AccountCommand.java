package org.carbonledger.accounts;

import static org.carbonledger.registry.Require.identifier;
import static org.carbonledger.registry.Require.jurisdictionCode;
import static org.carbonledger.registry.Require.present;
import static org.carbonledger.registry.Require.text;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Everything that can be asked of an {@link Account}. Each command checks its own fields. */
public sealed interface AccountCommand {

  String accountId();

  @TargetAggregateIdentifier
  default String streamId() {
    return Account.streamId(accountId());
  }

  /** Opens an account for a holder. */
  record OpenAccount(String accountId, HolderType holderType, String name, String jurisdiction)
      implements AccountCommand {
    public OpenAccount {
      identifier(accountId, "accountId");
      present(holderType, "holderType");
      text(name, "name", 200);
      jurisdictionCode(jurisdiction, "jurisdiction");
    }
  }

  /** Stops every movement into and out of the account until it is unfrozen. */
  record FreezeAccount(String accountId, String reason) implements AccountCommand {
    public FreezeAccount {
      identifier(accountId, "accountId");
      text(reason, "reason", 500);
    }
  }

  record UnfreezeAccount(String accountId, String reason) implements AccountCommand {
    public UnfreezeAccount {
      identifier(accountId, "accountId");
      text(reason, "reason", 500);
    }
  }

  /** Closes the account for good. A closed account never opens again. */
  record CloseAccount(String accountId, String reason) implements AccountCommand {
    public CloseAccount {
      identifier(accountId, "accountId");
      text(reason, "reason", 500);
    }
  }
}
