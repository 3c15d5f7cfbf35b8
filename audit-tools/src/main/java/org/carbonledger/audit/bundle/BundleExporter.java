package org.carbonledger.audit.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.carbonledger.chain.Hashing;

/**
 * Writes a ledger's audit bundle ({@code docs/spec/05-audit-bundle.md}) from its database,
 * read-only and in one snapshot: the published keys, every signed chain entry with its stored event
 * row, the events that have no entry, the Merkle leaves and the signed checkpoints, then the
 * manifest.
 *
 * <p>Rows stream through cursors ({@value #FETCH_SIZE} at a time) straight into the files, so
 * memory does not grow with the ledger. The bundle is written into a hidden directory beside the
 * target and renamed onto it only when complete: a failed export leaves no half bundle.
 */
public final class BundleExporter {

  static final int FETCH_SIZE = 2_000;

  private final Connection connection;
  private final LongConsumer progress;
  private final ObjectMapper json = new ObjectMapper();
  private final Base64.Encoder base64 = Base64.getEncoder();

  /** What an export wrote. */
  public record Summary(
      Path bundle,
      String origin,
      long entries,
      long streams,
      long events,
      long unchainedEvents,
      long entriesNotYetLogged,
      long leaves,
      long checkpoints,
      long keys,
      String rootHash,
      double seconds) {}

  /**
   * @param connection a connection with auto-commit off and no statement run yet: the export sets
   *     it to repeatable read so that every file comes from the same snapshot
   * @param progress called with the number of entries written so far, now and then
   */
  public BundleExporter(Connection connection, LongConsumer progress) {
    this.connection = connection;
    this.progress = progress;
  }

  /**
   * Writes the bundle into {@code target}, which must not exist or be an empty directory.
   *
   * @throws IOException if the target is taken or a file cannot be written; nothing is left behind
   */
  public Summary export(Path target) throws IOException, SQLException {
    long started = System.nanoTime();
    Path out = target.toAbsolutePath().normalize();
    if (Files.exists(out) && !isEmptyDirectory(out)) {
      throw new FileAlreadyExistsException(
          out + " already exists and is not an empty directory; name a new one");
    }
    Path parent = out.getParent();
    Files.createDirectories(parent);
    Path partial = Files.createTempDirectory(parent, "." + out.getFileName() + ".partial-");
    try {
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      Map<String, ObjectNode> files = new LinkedHashMap<>();
      Counts counts = new Counts();
      writeKeys(partial, files, counts);
      writeEntries(partial, files, counts);
      writeUnchainedEvents(partial, files, counts);
      MerkleFrontier log = writeLeaves(partial, files, counts);
      ObjectNode latest = writeCheckpoints(partial, files, counts);
      String rootHash = Hashing.hex(log.root());
      writeManifest(partial, files, counts, log.size(), rootHash, latest);
      if (Files.exists(out)) {
        Files.delete(out); // an empty directory the caller made for the bundle
      }
      Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
      return new Summary(
          out,
          counts.origin,
          counts.entries,
          counts.streams,
          counts.entriesWithEvent + counts.unchained,
          counts.unchained,
          counts.notYetLogged,
          counts.leaves,
          counts.checkpoints,
          counts.keys,
          rootHash,
          (System.nanoTime() - started) / 1e9);
    } catch (IOException | SQLException | RuntimeException e) {
      deleteRecursively(partial);
      throw e;
    }
  }

  private static final class Counts {
    String origin;
    long keys;
    long entries;
    long streams;
    long entriesWithEvent;
    long notYetLogged;
    long unchained;
    long leaves;
    long checkpoints;
  }

  // --- the files ------------------------------------------------------------------------------

  private void writeKeys(Path dir, Map<String, ObjectNode> files, Counts counts)
      throws IOException, SQLException {
    try (JsonlWriter writer = new JsonlWriter(dir.resolve(BundleFormat.KEYS), json);
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT key_id, key_name, purpose, public_key, valid_from, valid_until,"
                    + " retires_key_id, introduced_by FROM ledger_key ORDER BY key_id")) {
      query.setFetchSize(FETCH_SIZE);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          ObjectNode key = json.createObjectNode();
          key.put("keyId", rows.getString(1));
          key.put("keyName", rows.getString(2));
          key.put("purpose", rows.getString(3));
          key.put("publicKey", base64(rows.getBytes(4)));
          key.put("validFrom", rows.getObject(5, Long.class));
          key.put("validUntil", rows.getObject(6, Long.class));
          key.put("retiresKeyId", rows.getString(7));
          key.put("introducedBy", rows.getString(8));
          writer.write(key);
          if ("checkpoint".equals(rows.getString(3)) && rows.getString(8) == null) {
            counts.origin = rows.getString(2);
          }
        }
      }
      writer.close();
      counts.keys = writer.lines();
      files.put(BundleFormat.KEYS, fileEntry(writer));
    }
  }

  private void writeEntries(Path dir, Map<String, ObjectNode> files, Counts counts)
      throws IOException, SQLException {
    String order = isPostgres() ? "c.stream_id COLLATE \"C\"" : "c.stream_id";
    try (JsonlWriter writer = new JsonlWriter(dir.resolve(BundleFormat.ENTRIES), json);
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT c.stream_id, c.sequence_number, c.event_identifier, c.entry,"
                    + " c.entry_hash, c.key_id, c.signature, l.leaf_index, "
                    + EVENT_COLUMNS
                    + " FROM chain_entry c"
                    + " LEFT JOIN merkle_leaf l ON l.event_identifier = c.event_identifier"
                    + " LEFT JOIN domain_event_entry d ON d.event_identifier = c.event_identifier"
                    + " ORDER BY "
                    + order
                    + ", c.sequence_number")) {
      query.setFetchSize(FETCH_SIZE);
      try (ResultSet rows = query.executeQuery()) {
        String stream = null;
        while (rows.next()) {
          String streamId = rows.getString(1);
          if (!streamId.equals(stream)) {
            stream = streamId;
            counts.streams++;
          }
          ObjectNode entry = json.createObjectNode();
          entry.put("stream", streamId);
          entry.put("sequence", rows.getLong(2));
          entry.put("eventId", rows.getString(3));
          Long leafIndex = rows.getObject(8, Long.class);
          entry.put("leafIndex", leafIndex);
          entry.put("entry", base64(rows.getBytes(4)));
          entry.put("entryHash", hex(rows.getBytes(5)));
          entry.put("keyId", rows.getString(6));
          entry.put("signature", base64(rows.getBytes(7)));
          ObjectNode event = event(rows, 9);
          entry.set("event", event);
          writer.write(entry);
          if (leafIndex == null) {
            counts.notYetLogged++;
          }
          if (event != null) {
            counts.entriesWithEvent++;
          }
          if (writer.lines() % FETCH_SIZE == 0) {
            progress.accept(writer.lines());
          }
        }
      }
      writer.close();
      counts.entries = writer.lines();
      files.put(BundleFormat.ENTRIES, fileEntry(writer));
    }
  }

  /** The event store's columns, from {@code global_index}, as {@link #event} reads them. */
  private static final String EVENT_COLUMNS =
      "d.global_index, d.event_identifier, d.aggregate_identifier, d.sequence_number,"
          + " d.aggregate_type, d.time_stamp, d.payload_type, d.payload_revision, d.payload,"
          + " d.meta_data";

  /** The stored event row starting at column {@code first}, or null when there is none. */
  private ObjectNode event(ResultSet rows, int first) throws SQLException {
    Long globalIndex = rows.getObject(first, Long.class);
    if (globalIndex == null) {
      return null;
    }
    ObjectNode event = json.createObjectNode();
    event.put("globalIndex", globalIndex);
    event.put("eventId", rows.getString(first + 1));
    event.put("aggregateId", rows.getString(first + 2));
    event.put("sequence", rows.getLong(first + 3));
    event.put("aggregateType", rows.getString(first + 4));
    event.put("timestamp", rows.getString(first + 5));
    event.put("payloadType", rows.getString(first + 6));
    event.put("payloadRevision", rows.getString(first + 7));
    event.put("payload", base64(rows.getBytes(first + 8)));
    event.put("metadata", base64(rows.getBytes(first + 9)));
    return event;
  }

  private void writeUnchainedEvents(Path dir, Map<String, ObjectNode> files, Counts counts)
      throws IOException, SQLException {
    try (JsonlWriter writer = new JsonlWriter(dir.resolve(BundleFormat.UNCHAINED_EVENTS), json);
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT "
                    + EVENT_COLUMNS
                    + " FROM domain_event_entry d"
                    + " LEFT JOIN chain_entry c ON c.event_identifier = d.event_identifier"
                    + " WHERE c.event_identifier IS NULL ORDER BY d.global_index")) {
      query.setFetchSize(FETCH_SIZE);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          writer.write(event(rows, 1));
        }
      }
      writer.close();
      counts.unchained = writer.lines();
      files.put(BundleFormat.UNCHAINED_EVENTS, fileEntry(writer));
    }
  }

  private MerkleFrontier writeLeaves(Path dir, Map<String, ObjectNode> files, Counts counts)
      throws IOException, SQLException {
    MerkleFrontier log = new MerkleFrontier();
    try (JsonlWriter writer = new JsonlWriter(dir.resolve(BundleFormat.LEAVES), json);
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT leaf_index, event_identifier, stream_id, sequence_number, leaf_hash"
                    + " FROM merkle_leaf ORDER BY leaf_index")) {
      query.setFetchSize(FETCH_SIZE);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          ObjectNode leaf = json.createObjectNode();
          leaf.put("leafIndex", rows.getLong(1));
          leaf.put("eventId", rows.getString(2));
          leaf.put("stream", rows.getString(3));
          leaf.put("sequence", rows.getLong(4));
          byte[] hash = rows.getBytes(5);
          leaf.put("leafHash", hex(hash));
          writer.write(leaf);
          log.append(hash, null);
        }
      }
      writer.close();
      counts.leaves = writer.lines();
      files.put(BundleFormat.LEAVES, fileEntry(writer));
    }
    return log;
  }

  /** Writes the checkpoints and returns the latest, or null if there is none. */
  private ObjectNode writeCheckpoints(Path dir, Map<String, ObjectNode> files, Counts counts)
      throws IOException, SQLException {
    ObjectNode latest = null;
    try (JsonlWriter writer = new JsonlWriter(dir.resolve(BundleFormat.CHECKPOINTS), json);
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT tree_size, root_hash, note, created_at FROM log_checkpoint"
                    + " ORDER BY tree_size")) {
      query.setFetchSize(FETCH_SIZE);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          ObjectNode checkpoint = json.createObjectNode();
          checkpoint.put("treeSize", rows.getLong(1));
          checkpoint.put("rootHash", hex(rows.getBytes(2)));
          checkpoint.put("note", rows.getString(3));
          checkpoint.put("createdAt", rows.getString(4));
          writer.write(checkpoint);
          latest = checkpoint;
        }
      }
      writer.close();
      counts.checkpoints = writer.lines();
      files.put(BundleFormat.CHECKPOINTS, fileEntry(writer));
    }
    return latest;
  }

  private void writeManifest(
      Path dir,
      Map<String, ObjectNode> files,
      Counts counts,
      long logSize,
      String rootHash,
      ObjectNode latest)
      throws IOException {
    ObjectNode manifest = json.createObjectNode();
    manifest.put("format", BundleFormat.FORMAT);
    manifest.put("tool", BundleFormat.toolVersion());
    manifest.put("exportedAt", Instant.now().toString());
    manifest.put("origin", counts.origin);
    ObjectNode count = manifest.putObject("counts");
    count.put("keys", counts.keys);
    count.put("entries", counts.entries);
    count.put("streams", counts.streams);
    count.put("events", counts.entriesWithEvent + counts.unchained);
    count.put("unchainedEvents", counts.unchained);
    count.put("entriesNotYetLogged", counts.notYetLogged);
    count.put("leaves", counts.leaves);
    count.put("checkpoints", counts.checkpoints);
    ObjectNode log = manifest.putObject("log");
    log.put("size", logSize);
    log.put("rootHash", rootHash);
    if (latest == null) {
      manifest.putNull("latestCheckpoint");
    } else {
      ObjectNode checkpoint = manifest.putObject("latestCheckpoint");
      checkpoint.put("treeSize", latest.get("treeSize").asLong());
      checkpoint.put("rootHash", latest.get("rootHash").asText());
      checkpoint.put("note", latest.get("note").asText());
    }
    ObjectNode listed = manifest.putObject("files");
    files.forEach(listed::set);
    Files.writeString(
        dir.resolve(BundleFormat.MANIFEST),
        pretty(manifest) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE_NEW);
  }

  private String pretty(ObjectNode manifest) throws JsonProcessingException {
    return json.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(manifest);
  }

  private ObjectNode fileEntry(JsonlWriter writer) {
    ObjectNode file = json.createObjectNode();
    file.put("sha256", writer.sha256Hex());
    file.put("bytes", writer.bytes());
    file.put("lines", writer.lines());
    return file;
  }

  // --- helpers --------------------------------------------------------------------------------

  private boolean isPostgres() throws SQLException {
    return connection
        .getMetaData()
        .getDatabaseProductName()
        .toLowerCase(Locale.ROOT)
        .contains("postgres");
  }

  private String base64(byte[] bytes) {
    return bytes == null ? null : base64.encodeToString(bytes);
  }

  private static String hex(byte[] bytes) {
    return bytes == null ? null : Hashing.hex(bytes);
  }

  private static boolean isEmptyDirectory(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return false;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
      return !children.iterator().hasNext();
    }
  }

  static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(BundleExporter::deleteQuietly);
    } catch (IOException e) {
      // Best effort: the directory is hidden and named as partial.
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // Best effort, see deleteRecursively.
    }
  }
}
