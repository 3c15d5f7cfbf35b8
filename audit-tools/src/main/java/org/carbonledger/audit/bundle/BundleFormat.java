package org.carbonledger.audit.bundle;

import java.util.List;
import org.carbonledger.audit.AuditTool;
import org.carbonledger.audit.verify.KeyHistory;

/**
 * The names and constants of an audit bundle, {@code docs/spec/05-audit-bundle.md}: a directory of
 * JSON Lines files and a manifest.
 */
final class BundleFormat {

  /** The value of the manifest's {@code format} member. */
  static final String FORMAT = "carbon-ledger/audit-bundle/v1";

  static final String MANIFEST = "manifest.json";
  static final String KEYS = "keys.jsonl";
  static final String ENTRIES = "entries.jsonl";
  static final String UNCHAINED_EVENTS = "unchained-events.jsonl";
  static final String LEAVES = "leaves.jsonl";
  static final String CHECKPOINTS = "checkpoints.jsonl";

  /** Every file of a bundle besides the manifest, in the order they are written and listed. */
  static final List<String> DATA_FILES =
      List.of(KEYS, ENTRIES, UNCHAINED_EVENTS, LEAVES, CHECKPOINTS);

  /** The stream of the ledger's key rotations and the type of their events (spec 3.6.1). */
  static final String ROTATION_STREAM = KeyHistory.ROTATION_STREAM;

  private BundleFormat() {}

  /**
   * Orders stream ids as the bundle sorts them: by Unicode code point, which is the order of their
   * UTF-8 bytes and of PostgreSQL's {@code COLLATE "C"}.
   */
  static int compareStreamIds(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** The tool's name and version, as {@code ledger-audit --version} prints them. */
  static String toolVersion() {
    String version = AuditTool.class.getPackage().getImplementationVersion();
    return "ledger-audit " + (version == null ? "(development build)" : version);
  }
}
