package org.carbonledger.projections;

import org.carbonledger.registry.LedgerRejection;

/**
 * Which page of a list to read: at most {@code limit} items, after the item the cursor {@code
 * after} names (null for the first page). Every list of the projections is paged this way, by
 * keyset, never by offset, and no page is larger than {@link #MAX_LIMIT}.
 *
 * @param limit 1 to {@value #MAX_LIMIT}
 * @param after the {@link Page#next()} of the previous page, or null for the first page
 */
public record PageRequest(int limit, String after) {

  /** The hard upper bound of every page. */
  public static final int MAX_LIMIT = 500;

  /** The page size to use when a client names none. */
  public static final int DEFAULT_LIMIT = 50;

  /** Cursors are short; anything longer is not one of ours. */
  private static final int MAX_CURSOR_LENGTH = 2_000;

  public PageRequest {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw LedgerRejection.invalid(
          "limit", "limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
    }
    if (after != null && (after.isBlank() || after.length() > MAX_CURSOR_LENGTH)) {
      throw LedgerRejection.invalid("after", "after is not a cursor returned by this list");
    }
  }

  /** The first page of at most {@code limit} items. */
  public static PageRequest first(int limit) {
    return new PageRequest(limit, null);
  }

  /** A page as a client asks for it: {@link #DEFAULT_LIMIT} items when {@code limit} is null. */
  public static PageRequest of(Integer limit, String after) {
    return new PageRequest(limit == null ? DEFAULT_LIMIT : limit, after);
  }

  /** The page after {@code page}, of the same size; only when {@code page.next()} is not null. */
  public PageRequest next(Page<?> page) {
    if (page.next() == null) {
      throw new IllegalStateException("the last page has no next page");
    }
    return new PageRequest(limit, page.next());
  }
}
