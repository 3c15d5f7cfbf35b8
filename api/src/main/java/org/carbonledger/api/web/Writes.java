package org.carbonledger.api.web;

import org.springframework.http.HttpStatus;

/** Shorthands for the writes whose answer is {@link Written}. */
public final class Writes {

  private Writes() {}

  /** A write that creates the resource named {@code id}, answered 201. */
  public static LedgerWrites.Write<Written> creating(Object request, Object command, String id) {
    return new LedgerWrites.Write<>(
        request,
        command,
        id,
        HttpStatus.CREATED,
        (result, position) -> new Written(result, position));
  }

  /** A write that creates something whose id the command handler returns, answered 201. */
  public static LedgerWrites.Write<Written> creatingReturned(Object request, Object command) {
    return new LedgerWrites.Write<>(
        request,
        command,
        null,
        HttpStatus.CREATED,
        (result, position) -> new Written(result, position));
  }

  /** A write that acts on the existing resource named {@code id}, answered 200. */
  public static LedgerWrites.Write<Written> acting(Object request, Object command, String id) {
    return new LedgerWrites.Write<>(
        request, command, id, HttpStatus.OK, (result, position) -> new Written(result, position));
  }
}
