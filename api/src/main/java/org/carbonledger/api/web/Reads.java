package org.carbonledger.api.web;

import java.util.Optional;
import java.util.function.Supplier;

/** Shorthands for reads. */
public final class Reads {

  private Reads() {}

  /** The value, or NOT_FOUND naming what was looked for. */
  public static <T> T found(Optional<T> value, Supplier<String> what) {
    return value.orElseThrow(
        () -> new ApiException(ApiProblem.NOT_FOUND, what.get() + " does not exist"));
  }
}
