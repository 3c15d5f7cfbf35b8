package org.carbonledger.projections;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.carbonledger.registry.LedgerRejection;

/**
 * Keyset cursors: the sort key of the last item of a page, tagged with the list it belongs to, as
 * base64url text. Clients treat them as opaque; a cursor of another list, or anything that is not a
 * cursor, is refused as an invalid {@code after}.
 */
public final class Cursor {

  private static final String SEPARATOR = "\u001f";

  private Cursor() {}

  /** The cursor of a list {@code list} after the item whose sort key is {@code key}. */
  public static String encode(String list, String key) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((list + SEPARATOR + key).getBytes(StandardCharsets.UTF_8));
  }

  public static String encode(String list, long key) {
    return encode(list, Long.toString(key));
  }

  /**
   * The sort key in {@code cursor}, or null when {@code cursor} is null (the first page).
   *
   * @throws LedgerRejection {@code INVALID_ARGUMENT} on {@code after} if it is not a cursor of
   *     {@code list}
   */
  public static String decode(String list, String cursor) {
    if (cursor == null) {
      return null;
    }
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw notACursor();
    }
    String prefix = list + SEPARATOR;
    if (!text.startsWith(prefix) || text.length() == prefix.length()) {
      throw notACursor();
    }
    return text.substring(prefix.length());
  }

  /** A numeric sort key, or {@code before} when {@code cursor} is null. */
  public static long decodeLong(String list, String cursor, long before) {
    String key = decode(list, cursor);
    if (key == null) {
      return before;
    }
    try {
      return Long.parseLong(key);
    } catch (NumberFormatException e) {
      throw notACursor();
    }
  }

  private static LedgerRejection notACursor() {
    return LedgerRejection.invalid("after", "after is not a cursor returned by this list");
  }
}
