package org.carbonledger.auditlog;

/** What a ledger key signs. Each purpose has exactly one current key at any leaf of the log. */
public enum KeyPurpose {
  /** Signs every chain entry, that is every stored event. */
  ENTRY("entry", "entry-signing"),
  /** Signs the checkpoints of the Merkle log. */
  CHECKPOINT("checkpoint", "checkpoint-signing");

  private final String column;
  private final String fileName;

  KeyPurpose(String column, String fileName) {
    this.column = column;
    this.fileName = fileName;
  }

  /** The value of {@code ledger_key.purpose}. */
  public String column() {
    return column;
  }

  /** The base name of the key's files in the keys directory. */
  String fileName() {
    return fileName;
  }

  /** The purpose stored as {@code column} in {@code ledger_key}. */
  public static KeyPurpose ofColumn(String column) {
    for (KeyPurpose purpose : values()) {
      if (purpose.column.equals(column)) {
        return purpose;
      }
    }
    throw new IllegalArgumentException("no key purpose is stored as " + column);
  }

  /** The key's name in signatures: the origin for checkpoints, as C2SP notes expect. */
  String keyName(String origin) {
    return this == CHECKPOINT ? origin : origin + "/entries";
  }
}
