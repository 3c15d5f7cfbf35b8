package org.carbonledger.registry;

/**
 * The event stream of every aggregate is named {@code kind:id}, such as {@code account:acme} or
 * {@code batch:P-001-B1}.
 *
 * <p>Axon keys every event stream by identifier alone, across all aggregate types. Without a prefix
 * an account and a project that happened to share an id would share one stream, and the second to
 * be created would fail with a baffling concurrency error. The prefix also tells a reader of the
 * raw event table, and the regulator's verifier, what each stream is.
 */
public final class StreamIds {

  public static final String ACCOUNT = "account";
  public static final String METHODOLOGY = "methodology";
  public static final String PROJECT = "project";
  public static final String BATCH = "batch";
  public static final String FOOTPRINT = "footprint";
  public static final String SIGNING_KEYS = "signing-keys";

  private StreamIds() {}

  public static String of(String kind, String id) {
    return kind + ":" + id;
  }

  /** The kind of a stream id, or the empty string when it has none. */
  public static String kindOf(String streamId) {
    int colon = streamId.indexOf(':');
    return colon < 0 ? "" : streamId.substring(0, colon);
  }

  /** The id of a stream id without its kind. */
  public static String idOf(String streamId) {
    return streamId.substring(streamId.indexOf(':') + 1);
  }
}
