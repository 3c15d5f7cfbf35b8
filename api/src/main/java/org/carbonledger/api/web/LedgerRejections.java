package org.carbonledger.api.web;

import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.carbonledger.registry.LedgerRejection;

/** Finds the domain's refusal inside whatever the command bus wrapped it in. */
final class LedgerRejections {

  private LedgerRejections() {}

  static LedgerRejection find(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof LedgerRejection rejection) {
        return rejection;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  static AggregateStreamCreationException findExists(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof AggregateStreamCreationException exists) {
        return exists;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  static ConcurrencyException findConcurrency(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConcurrencyException conflict) {
        return conflict;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
