package org.carbonledger.projections;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list.
 *
 * @param items at most the requested limit of items, in the list's order
 * @param next an opaque cursor for the next page ({@link PageRequest#after()}), or null when this
 *     is the last page
 */
public record Page<T>(List<T> items, String next) {

  public Page {
    items = List.copyOf(items);
  }

  /**
   * The page of {@code fetched}, read with one more row than {@code limit}: if that extra row is
   * there, the page ends before it and {@code next} names the page's last item.
   */
  public static <T> Page<T> of(List<T> fetched, int limit, Function<T, String> cursorOf) {
    if (fetched.size() <= limit) {
      return new Page<>(fetched, null);
    }
    List<T> items = fetched.subList(0, limit);
    return new Page<>(items, cursorOf.apply(items.get(limit - 1)));
  }

  public boolean hasNext() {
    return next != null;
  }
}
