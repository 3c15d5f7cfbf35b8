package org.carbonledger.audit.verify;

/**
 * One thing that does not verify, with where it is: the aggregate's stream and sequence number, the
 * Merkle leaf index, and the table and row that hold it. Fields that do not apply are null.
 *
 * @param kind a stable name for the kind of failure, such as {@code PAYLOAD_ALTERED}
 */
public record Finding(
    String kind,
    String streamId,
    Long sequence,
    Long leafIndex,
    String table,
    String row,
    String message) {

  /** One line for people: the kind, the location, then what is wrong. */
  public String describe() {
    StringBuilder line = new StringBuilder(kind);
    if (streamId != null) {
      line.append(" stream=").append(streamId);
    }
    if (sequence != null) {
      line.append(" sequence=").append(sequence);
    }
    if (leafIndex != null) {
      line.append(" leaf=").append(leafIndex);
    }
    if (table != null) {
      line.append(" table=").append(table);
    }
    if (row != null) {
      line.append(" row=").append(row);
    }
    return line.append(": ").append(message).toString();
  }
}
