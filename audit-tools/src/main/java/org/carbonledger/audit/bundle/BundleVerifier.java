package org.carbonledger.audit.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import org.carbonledger.audit.verify.ChainFailures;
import org.carbonledger.audit.verify.Finding;
import org.carbonledger.audit.verify.KeyHistory;
import org.carbonledger.audit.verify.ParallelSignatures;
import org.carbonledger.audit.verify.SavedCheckpoint;
import org.carbonledger.audit.verify.VerificationReport;
import org.carbonledger.audit.verify.VerifyOptions;
import org.carbonledger.chain.ChainException;
import org.carbonledger.chain.ChainFailure;
import org.carbonledger.chain.ChainVerifier;
import org.carbonledger.chain.ChainVerifier.LoggedEntry;
import org.carbonledger.chain.Entry;
import org.carbonledger.chain.EntryCodec;
import org.carbonledger.chain.Hashing;
import org.carbonledger.chain.SignedEntry;
import org.carbonledger.chain.merkle.MerkleProofs;
import org.carbonledger.chain.merkle.MerkleVerifier;
import org.carbonledger.chain.merkle.Rfc6962;
import org.carbonledger.chain.note.Checkpoint;

/**
 * Checks an audit bundle ({@code docs/spec/05-audit-bundle.md}) offline, with nothing but its files
 * and the chain core: the manifest's file hashes; every entry's hash, links and signature by the
 * keys the bundle's own signed rotations allow at its leaf; every stored event row against its
 * signed entry; every leaf recomputed from its entry; every signed checkpoint's root against the
 * recomputed leaves, and each checkpoint's consistency with the one before it.
 *
 * <p>Held to the same trust as a database ({@link VerifyOptions}): with trusted first keys the
 * bundle's own first keys are only compared with them, so a bundle rewritten and re-signed with
 * another key fails; with an earlier audit's checkpoint the recomputed log must extend it, so a
 * bundle of another or a rolled-back history fails; and an entry the sequencer had not logged a
 * grace after its event was stored, measured to the manifest's {@code exportedAt}, was missed.
 *
 * <p>It produces the same {@link VerificationReport} and {@link Finding}s as the database verifier;
 * a finding's {@code table} is the bundle file and its {@code row} the line (from 1).
 *
 * <p>Memory stays bounded: files are read line by line; one stream's entries are held at a time
 * (the entries are sorted by stream); the entries are joined with the leaves, which are in log
 * order, through a temporary file indexed by leaf index ({@link LeafTable}); and the Merkle tree is
 * rebuilt into temporary files ({@link DiskNodeStore}) so that consistency proofs can be computed.
 */
public final class BundleVerifier {

  private static final int PROGRESS_EVERY = 10_000;

  private final Path bundle;
  private final LongConsumer progress;
  private final VerifyOptions options;
  private final ObjectMapper json = new ObjectMapper();
  private final List<Finding> findings = new ArrayList<>();
  private final Map<String, Long> lineCounts = new HashMap<>();

  /** The latest checkpoint that verified, with its signed note, for a later {@code --since}. */
  private String latestVerifiedNote;

  /** When the bundle was exported: entries not logged by then are measured against it. */
  private Instant exportedAt;

  /**
   * @param bundle the bundle's directory
   * @param progress called with the number of entries checked so far, now and then
   */
  public BundleVerifier(Path bundle, LongConsumer progress) {
    this(bundle, progress, VerifyOptions.defaults());
  }

  /**
   * @param bundle the bundle's directory
   * @param progress called with the number of entries checked so far, now and then
   * @param options trusted first keys, an earlier checkpoint to extend, and the log's grace time
   */
  public BundleVerifier(Path bundle, LongConsumer progress, VerifyOptions options) {
    this.bundle = bundle;
    this.progress = progress;
    this.options = options;
  }

  /**
   * The signed note of the largest checkpoint that verified in the last {@link #verify}, to save
   * for the next audit's {@code --since}; null if none did.
   */
  public String latestVerifiedCheckpoint() {
    return latestVerifiedNote;
  }

  /**
   * Verifies the bundle.
   *
   * @throws IOException if the directory is not a readable bundle (no manifest, or a manifest that
   *     is not JSON of the bundle format) or a file cannot be read; then nothing was checked
   */
  public VerificationReport verify() throws IOException {
    long started = System.nanoTime();
    JsonNode manifest = readManifest();
    exportedAt = exportedAt(manifest);
    checkFiles(manifest);
    long leafCount = lineCounts.getOrDefault(BundleFormat.LEAVES, 0L);
    KeyHistory keys = deriveKeys(leafCount);
    SavedCheckpoint since =
        options.since() == null ? null : SavedCheckpoint.open(options.since(), keys, findings);
    try (LeafTable table = new LeafTable(leafCount);
        DiskNodeStore log = new DiskNodeStore()) {
      EntryPass entries = new EntryPass(keys, table, leafCount);
      entries.run();
      long unchained = checkUnchainedEvents();
      LogPass leaves = new LogPass(keys, table, log, since);
      leaves.run();
      compareManifest(manifest, keys, entries, unchained, leaves, log);
      return new VerificationReport(
          entries.eventRows + unchained,
          entries.entries,
          entries.streams,
          log.size(),
          leaves.checkpoints.verified,
          keys.size(),
          entries.notYetLogged,
          (System.nanoTime() - started) / 1e9,
          List.copyOf(findings));
    }
  }

  // --- manifest and files ---------------------------------------------------------------------

  private JsonNode readManifest() throws IOException {
    Path file = bundle.resolve(BundleFormat.MANIFEST);
    if (!Files.isDirectory(bundle)) {
      throw new NoSuchFileException(bundle + " is not a directory");
    }
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(bundle + " is not an audit bundle: it has no manifest.json");
    }
    JsonNode manifest;
    try {
      manifest = json.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IOException(file + " is not JSON: " + e.getOriginalMessage());
    }
    if (manifest == null || !BundleFormat.FORMAT.equals(manifest.path("format").asText())) {
      throw new IOException(
          bundle + " is not an audit bundle: manifest.json's format is not " + BundleFormat.FORMAT);
    }
    return manifest;
  }

  /**
   * The manifest's {@code exportedAt}, which is when the snapshot was read, as {@link
   * VerifyOptions#now()} is for a database. A manifest without a readable one is measured to now,
   * which can only find more entries missed, never fewer.
   */
  private Instant exportedAt(JsonNode manifest) {
    try {
      return Instant.parse(manifest.path("exportedAt").asText());
    } catch (DateTimeParseException e) {
      return options.now();
    }
  }

  private void checkFiles(JsonNode manifest) throws IOException {
    JsonNode listed = manifest.path("files");
    for (String name : BundleFormat.DATA_FILES) {
      Path file = bundle.resolve(name);
      if (!Files.isRegularFile(file)) {
        findings.add(fileFinding("FILE_MISSING", name, null, "the bundle has no " + name));
        lineCounts.put(name, 0L);
        continue;
      }
      MessageDigest digest = JsonlWriter.sha256();
      long lines = 0;
      int last = '\n';
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buffer = new byte[1 << 16];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          digest.update(buffer, 0, n);
          for (int i = 0; i < n; i++) {
            if (buffer[i] == '\n') {
              lines++;
            }
          }
          if (n > 0) {
            last = buffer[n - 1];
          }
        }
      }
      lineCounts.put(name, last == '\n' ? lines : lines + 1);
      String actual = Hashing.hex(digest.digest());
      JsonNode entry = listed.get(name);
      if (entry == null) {
        findings.add(
            fileFinding(
                "MANIFEST_HASH_MISMATCH",
                BundleFormat.MANIFEST,
                "files." + name,
                "the manifest does not list " + name));
      } else if (!actual.equals(entry.path("sha256").asText())) {
        findings.add(
            fileFinding(
                "MANIFEST_HASH_MISMATCH",
                BundleFormat.MANIFEST,
                "files." + name,
                name
                    + " has SHA-256 "
                    + actual
                    + " but the manifest lists "
                    + entry.path("sha256").asText()));
      }
    }
  }

  private void compareManifest(
      JsonNode manifest,
      KeyHistory keys,
      EntryPass entries,
      long unchained,
      LogPass leaves,
      DiskNodeStore log) {
    JsonNode counts = manifest.path("counts");
    compareCount(counts, "keys", lineCounts.get(BundleFormat.KEYS));
    compareCount(counts, "entries", entries.entries);
    compareCount(counts, "streams", entries.streams);
    compareCount(counts, "events", entries.eventRows + unchained);
    compareCount(counts, "unchainedEvents", unchained);
    compareCount(counts, "entriesNotYetLogged", entries.notYetLogged);
    compareCount(counts, "leaves", log.size());
    compareCount(counts, "checkpoints", leaves.checkpoints.lines);
    JsonNode size = manifest.path("log").path("size");
    String root = Hashing.hex(log.root());
    if (!size.isIntegralNumber()
        || size.asLong() != log.size()
        || !root.equals(manifest.path("log").path("rootHash").asText())) {
      findings.add(
          fileFinding(
              "MANIFEST_LOG_MISMATCH",
              BundleFormat.MANIFEST,
              "log",
              "the manifest states a log of size "
                  + size
                  + " and root "
                  + manifest.path("log").path("rootHash").asText()
                  + ", the leaves make size "
                  + log.size()
                  + " and root "
                  + root));
    }
    JsonNode latest = manifest.path("latestCheckpoint");
    String stated = latest.isObject() ? latest.path("note").asText() : null;
    if (!Objects.equals(stated, leaves.checkpoints.lastNote)) {
      findings.add(
          fileFinding(
              "MANIFEST_CHECKPOINT_MISMATCH",
              BundleFormat.MANIFEST,
              "latestCheckpoint",
              "the manifest's latest checkpoint is not the last one of "
                  + BundleFormat.CHECKPOINTS));
    }
    if (!keys.origin().equals(manifest.path("origin").asText())) {
      findings.add(
          fileFinding(
              "MANIFEST_ORIGIN_MISMATCH",
              BundleFormat.MANIFEST,
              "origin",
              "the manifest names origin "
                  + manifest.path("origin").asText()
                  + " but the first checkpoint key is named "
                  + keys.origin()));
    }
  }

  private void compareCount(JsonNode counts, String name, long actual) {
    JsonNode stated = counts.get(name);
    if (stated == null || !stated.isIntegralNumber() || stated.asLong() != actual) {
      findings.add(
          fileFinding(
              "MANIFEST_COUNT_MISMATCH",
              BundleFormat.MANIFEST,
              "counts." + name,
              "the manifest counts " + stated + " " + name + ", the bundle holds " + actual));
    }
  }

  // --- keys -----------------------------------------------------------------------------------

  private KeyHistory deriveKeys(long leafCount) throws IOException {
    List<KeyHistory.PublishedKey> published = new ArrayList<>();
    forEachLine(
        BundleFormat.KEYS,
        (line, key) ->
            published.add(
                new KeyHistory.PublishedKey(
                    text(key, "keyId"),
                    text(key, "keyName"),
                    text(key, "purpose"),
                    base64(key, "publicKey"),
                    optionalLong(key, "validFrom"),
                    optionalLong(key, "validUntil"),
                    optionalText(key, "introducedBy"),
                    "line " + line)));
    record Numbered(long sequence, KeyHistory.RotationEntry rotation) {}
    List<Numbered> rotations = new ArrayList<>();
    forEachLine(
        BundleFormat.ENTRIES,
        (line, entry) -> {
          if (BundleFormat.ROTATION_STREAM.equals(entry.path("stream").asText())) {
            try {
              rotations.add(
                  new Numbered(
                      number(entry, "sequence"),
                      new KeyHistory.RotationEntry(
                          optionalText(entry, "eventId"),
                          base64(entry, "entry"),
                          text(entry, "keyId"),
                          Hashing.unhex(text(entry, "entryHash")),
                          base64(entry, "signature"),
                          optionalLong(entry, "leafIndex"),
                          "line " + line)));
            } catch (IllegalArgumentException e) {
              // Reported where the entries are checked.
            }
          }
        },
        // Only lines that mention the rotation stream are parsed here. One that hides it behind
        // JSON escapes brings in no key, so the entries it would admit fail as UNKNOWN_KEY.
        text -> text.contains(BundleFormat.ROTATION_STREAM));
    // In sequence order, as the database verifier reads them.
    rotations.sort(Comparator.comparingLong(Numbered::sequence));
    return KeyHistory.derive(
        published,
        rotations.stream().map(Numbered::rotation).toList(),
        leafCount,
        findings,
        options.trustedKeys(),
        new KeyHistory.Sources(BundleFormat.KEYS, BundleFormat.ENTRIES));
  }

  // --- entries --------------------------------------------------------------------------------

  /** One pass over {@code entries.jsonl}, a stream at a time. */
  private final class EntryPass {
    final KeyHistory keys;
    final LeafTable table;
    final long leafCount;
    long entries;
    long streams;
    long notYetLogged;
    long eventRows;

    String stream;
    final List<LoggedEntry> logged = new ArrayList<>();

    /** The line and leaf index (-1 for none) of each entry in {@link #logged}. */
    final List<long[]> loggedAt = new ArrayList<>();

    /** Signatures are checked on every core while the pass reads on. */
    ParallelSignatures signatures;

    /** Where each sequence of the current stream was read: lines and leaf indexes. */
    final Map<Long, List<long[]>> located = new HashMap<>();

    EntryPass(KeyHistory keys, LeafTable table, long leafCount) {
      this.keys = keys;
      this.table = table;
      this.leafCount = leafCount;
    }

    void run() throws IOException {
      try (ParallelSignatures parallel = new ParallelSignatures(keys.entryKeys())) {
        signatures = parallel;
        forEachLine(BundleFormat.ENTRIES, this::entry);
        endStream();
        findings.addAll(parallel.finish());
      }
    }

    private void entry(long line, JsonNode row) throws IOException {
      String streamId = text(row, "stream");
      long sequence = number(row, "sequence");
      String eventId = text(row, "eventId");
      Long leafIndex = optionalLong(row, "leafIndex");
      if (stream != null && BundleFormat.compareStreamIds(streamId, stream) < 0) {
        findings.add(
            entryFinding(
                "ENTRY_OUT_OF_ORDER",
                streamId,
                sequence,
                leafIndex,
                line,
                "stream "
                    + streamId
                    + " comes after stream "
                    + stream
                    + ": the entries must be sorted by stream, then sequence"));
      }
      if (!streamId.equals(stream)) {
        endStream();
        stream = streamId;
        streams++;
      }
      if (++entries % PROGRESS_EVERY == 0) {
        progress.accept(entries);
      }
      JsonNode event = row.get("event");
      boolean hasEvent = event != null && !event.isNull();
      if (hasEvent) {
        eventRows++;
      }
      SignedEntry signed;
      try {
        signed =
            new SignedEntry(
                EntryCodec.decode(base64(row, "entry")),
                Hashing.unhex(text(row, "entryHash")),
                text(row, "keyId"),
                base64(row, "signature"));
      } catch (ChainException | IllegalArgumentException e) {
        findings.add(
            entryFinding(
                "MALFORMED_ENTRY",
                streamId,
                sequence,
                leafIndex,
                line,
                e instanceof ChainException chain ? chain.failure().describe() : e.getMessage()));
        return;
      }
      Entry entry = signed.entry();
      if (!entry.streamId().equals(streamId) || entry.sequence() != sequence) {
        findings.add(
            entryFinding(
                "ROW_DISAGREES_WITH_ENTRY",
                streamId,
                sequence,
                leafIndex,
                line,
                "the line says "
                    + streamId
                    + "#"
                    + sequence
                    + " but the signed entry is "
                    + entry.streamId()
                    + "#"
                    + entry.sequence()));
      }
      long checkedAt = claimLeaf(line, eventId, signed, leafIndex);
      if (leafIndex == null && hasEvent) {
        checkLoggedInTime(line, event, entry);
      }
      if (hasEvent) {
        checkEvent(line, eventId, event, signed, leafIndex);
      } else {
        findings.add(
            entryFinding(
                "EVENT_MISSING",
                streamId,
                sequence,
                leafIndex,
                line,
                "the signed entry's event "
                    + eventId
                    + " is not in the event store: it was deleted"));
      }
      logged.add(new LoggedEntry(checkedAt, signed));
      long[] where = {line, leafIndex == null ? -1 : leafIndex};
      loggedAt.add(where);
      located.computeIfAbsent(entry.sequence(), s -> new ArrayList<>()).add(where);
    }

    /**
     * Records the entry's leaf for the log pass.
     *
     * @return the leaf index at which its key must be valid
     */
    private long claimLeaf(long line, String eventId, SignedEntry signed, Long leafIndex)
        throws IOException {
      Entry entry = signed.entry();
      if (leafIndex == null) {
        // Not logged yet: its leaf will be at the log's end or later.
        notYetLogged++;
        return leafCount;
      }
      if (leafIndex < 0 || leafIndex >= leafCount) {
        findings.add(
            entryFinding(
                "ENTRY_NOT_IN_LOG",
                entry.streamId(),
                entry.sequence(),
                leafIndex,
                line,
                "the entry claims leaf "
                    + leafIndex
                    + " but the log has only "
                    + leafCount
                    + " leaves"));
        return leafIndex < 0 ? leafCount : leafIndex;
      }
      LeafTable.Slot earlier =
          table.claim(
              leafIndex,
              Rfc6962.leafHash(signed.leafData()),
              LeafTable.identity(eventId, entry.streamId(), entry.sequence()),
              line);
      if (earlier != null) {
        findings.add(
            entryFinding(
                "LEAF_CLAIMED_TWICE",
                entry.streamId(),
                entry.sequence(),
                leafIndex,
                line,
                "the entry on line "
                    + earlier.entryLine()
                    + " of "
                    + BundleFormat.ENTRIES
                    + " already claims leaf "
                    + leafIndex));
      }
      return leafIndex;
    }

    /** The event row must hold exactly what was signed, where it was signed. */
    private void checkEvent(
        long line, String eventId, JsonNode event, SignedEntry signed, Long leafIndex) {
      Entry entry = signed.entry();
      String streamId = entry.streamId();
      long sequence = entry.sequence();
      try {
        if (!Arrays.equals(base64(event, "payload"), entry.payload())) {
          findings.add(
              entryFinding(
                  "PAYLOAD_ALTERED",
                  streamId,
                  sequence,
                  leafIndex,
                  line,
                  "the stored payload of event " + eventId + " differs from the signed one"));
        }
        String storedStream = text(event, "aggregateId");
        long storedSequence = number(event, "sequence");
        if (!streamId.equals(storedStream)
            || sequence != storedSequence
            || !eventId.equals(text(event, "eventId"))) {
          findings.add(
              entryFinding(
                  "EVENT_MOVED",
                  streamId,
                  sequence,
                  leafIndex,
                  line,
                  "event "
                      + text(event, "eventId")
                      + " is stored as "
                      + storedStream
                      + "#"
                      + storedSequence));
        }
        String payloadType = text(event, "payloadType");
        String simpleName =
            payloadType.substring(
                Math.max(payloadType.lastIndexOf('.'), payloadType.lastIndexOf('$')) + 1);
        if (!simpleName.equals(entry.eventType())
            || !entry.aggregateType().equals(optionalText(event, "aggregateType"))) {
          findings.add(
              entryFinding(
                  "EVENT_TYPE_ALTERED",
                  streamId,
                  sequence,
                  leafIndex,
                  line,
                  "the event is stored as a "
                      + payloadType
                      + " of a "
                      + optionalText(event, "aggregateType")
                      + " but the signed entry is a "
                      + entry.eventType()
                      + " of a "
                      + entry.aggregateType()));
        }
        checkMetadata(line, event, entry, leafIndex);
        checkTimestamp(line, event, entry, leafIndex);
      } catch (IllegalArgumentException e) {
        findings.add(
            entryFinding(
                "MALFORMED_EVENT_ROW", streamId, sequence, leafIndex, line, e.getMessage()));
      }
    }

    /** The actor and idempotency key in the stored metadata are what the entry signs. */
    private void checkMetadata(long line, JsonNode event, Entry entry, Long leafIndex) {
      byte[] metadata = optionalBase64(event, "metadata");
      String actor = "";
      String idempotencyKey = "";
      if (metadata != null) {
        JsonNode values;
        try {
          values = json.readTree(metadata);
        } catch (IOException e) {
          values = null;
        }
        if (values == null || !values.isObject()) {
          findings.add(
              entryFinding(
                  "METADATA_ALTERED",
                  entry.streamId(),
                  entry.sequence(),
                  leafIndex,
                  line,
                  "the stored metadata is not a JSON object"));
          return;
        }
        actor = values.hasNonNull("actor") ? values.get("actor").asText() : "";
        idempotencyKey =
            values.hasNonNull("idempotencyKey") ? values.get("idempotencyKey").asText() : "";
      }
      if (!actor.equals(entry.actor()) || !idempotencyKey.equals(entry.idempotencyKey())) {
        findings.add(
            entryFinding(
                "METADATA_ALTERED",
                entry.streamId(),
                entry.sequence(),
                leafIndex,
                line,
                "the stored metadata names actor '"
                    + actor
                    + "' and idempotency key '"
                    + idempotencyKey
                    + "', the signed entry '"
                    + entry.actor()
                    + "' and '"
                    + entry.idempotencyKey()
                    + "'"));
      }
    }

    /**
     * An event that the sequencer had not logged long before the export was missed, for instance
     * because it committed later than Axon's gap window: it would never be provable. Newer ones
     * were only waiting for the sequencer. As on a database, the stored time stamp is measured.
     */
    private void checkLoggedInTime(long line, JsonNode event, Entry entry) {
      JsonNode timestamp = event.get("timestamp");
      if (timestamp == null || !timestamp.isTextual()) {
        return;
      }
      try {
        Instant stored = Instant.parse(timestamp.asText());
        if (stored.plus(options.logGrace()).isBefore(exportedAt)) {
          findings.add(
              entryFinding(
                  "EVENT_NOT_LOGGED",
                  entry.streamId(),
                  entry.sequence(),
                  null,
                  line,
                  "stored at "
                      + stored
                      + " and still not in the Merkle log when exported at "
                      + exportedAt));
        }
      } catch (DateTimeParseException e) {
        // Reported as an altered time stamp by checkTimestamp.
      }
    }

    /** The stored time stamp is the signed one, to the millisecond. */
    private void checkTimestamp(long line, JsonNode event, Entry entry, Long leafIndex) {
      String stored = text(event, "timestamp");
      long signedMillis = Math.floorDiv(entry.timestampMicros(), 1000L);
      String problem = null;
      try {
        long storedMillis = Instant.parse(stored).toEpochMilli();
        if (storedMillis != signedMillis) {
          problem =
              "the event is stored at "
                  + stored
                  + " but the entry is signed at "
                  + Instant.EPOCH.plusNanos(entry.timestampMicros() * 1000L);
        }
      } catch (DateTimeParseException | ArithmeticException e) {
        problem = "the stored time stamp " + stored + " is not an ISO-8601 instant";
      }
      if (problem != null) {
        findings.add(
            entryFinding(
                "TIMESTAMP_ALTERED", entry.streamId(), entry.sequence(), leafIndex, line, problem));
      }
    }

    private void endStream() {
      if (stream == null) {
        return;
      }
      ChainVerifier.StreamVerifier chain =
          new ChainVerifier.StreamVerifier(keys.origin(), stream, keys.entryKeys(), false);
      for (int i = 0; i < logged.size(); i++) {
        LoggedEntry entry = logged.get(i);
        List<ChainFailure> failures = chain.next(entry);
        for (ChainFailure failure : failures) {
          Long sequence = ChainFailures.sequenceOf(failure);
          List<long[]> lines = sequence == null ? null : located.get(sequence);
          Long leaf = null;
          if (lines != null) {
            int at = failure instanceof ChainFailure.SequenceGap ? lines.size() - 1 : 0;
            leaf = lines.get(at)[1] < 0 ? null : lines.get(at)[1];
          }
          findings.add(
              new Finding(
                  ChainFailures.kindOf(failure),
                  stream,
                  sequence,
                  leaf,
                  BundleFormat.ENTRIES,
                  lines == null ? null : lineList(lines),
                  failure.describe()));
        }
        if (failures.stream().noneMatch(ChainFailures::hidesSignature)) {
          long[] where = loggedAt.get(i);
          signatures.add(
              entry.signed(),
              where[1] < 0 ? null : where[1],
              BundleFormat.ENTRIES,
              "line " + where[0]);
        }
      }
      logged.clear();
      loggedAt.clear();
      located.clear();
    }
  }

  private static String lineList(List<long[]> lines) {
    if (lines.size() == 1) {
      return "line " + lines.get(0)[0];
    }
    StringBuilder text = new StringBuilder("lines ");
    for (int i = 0; i < lines.size(); i++) {
      text.append(i == 0 ? "" : ", ").append(lines.get(i)[0]);
    }
    return text.toString();
  }

  // --- events without entries -----------------------------------------------------------------

  private long checkUnchainedEvents() throws IOException {
    long[] count = {0};
    forEachLine(
        BundleFormat.UNCHAINED_EVENTS,
        (line, event) -> {
          count[0]++;
          findings.add(
              new Finding(
                  "UNCHAINED_EVENT",
                  optionalText(event, "aggregateId"),
                  optionalLong(event, "sequence"),
                  null,
                  BundleFormat.UNCHAINED_EVENTS,
                  "line " + line,
                  "event "
                      + optionalText(event, "eventId")
                      + " (global index "
                      + optionalLong(event, "globalIndex")
                      + ") has no signed chain entry: it was inserted around the ledger"));
        });
    return count[0];
  }

  // --- the log and its checkpoints ------------------------------------------------------------

  /** A checkpoint whose signature verified. */
  private record SignedCheckpoint(long line, long size, byte[] root, String note) {}

  /** Reads {@code checkpoints.jsonl} a line at a time, verifying each note's signature. */
  private final class CheckpointCursor implements Closeable {
    private final KeyHistory keys;
    private final BufferedReader reader;
    long lines;
    long verified;
    String lastNote;
    private SignedCheckpoint last;

    CheckpointCursor(KeyHistory keys) throws IOException {
      this.keys = keys;
      Path file = bundle.resolve(BundleFormat.CHECKPOINTS);
      this.reader =
          Files.isRegularFile(file) ? Files.newBufferedReader(file, StandardCharsets.UTF_8) : null;
    }

    /** The next checkpoint that verifies, or null at the end. */
    SignedCheckpoint next() throws IOException {
      if (reader == null) {
        return null;
      }
      for (String text = reader.readLine(); text != null; text = reader.readLine()) {
        long line = ++lines;
        JsonNode row = parse(BundleFormat.CHECKPOINTS, line, text);
        if (row == null) {
          continue;
        }
        try {
          SignedCheckpoint checkpoint = open(line, row);
          if (checkpoint != null) {
            return checkpoint;
          }
        } catch (IllegalArgumentException e) {
          findings.add(lineFinding("MALFORMED_LINE", BundleFormat.CHECKPOINTS, line, null, e));
        }
      }
      return null;
    }

    private SignedCheckpoint open(long line, JsonNode row) {
      long size = number(row, "treeSize");
      String note = text(row, "note");
      lastNote = note;
      Checkpoint checkpoint;
      try {
        checkpoint = Checkpoint.open(note, keys.origin(), keys.checkpointKeysFor(size));
      } catch (ChainException e) {
        findings.add(
            new Finding(
                "CHECKPOINT_NOT_VERIFIED",
                null,
                null,
                size > 0 ? size - 1 : null,
                BundleFormat.CHECKPOINTS,
                "line " + line,
                "the checkpoint of size " + size + " does not verify: " + e.failure().describe()));
        return null;
      }
      if (checkpoint.size() != size
          || !Arrays.equals(checkpoint.rootHash(), Hashing.unhex(text(row, "rootHash")))) {
        findings.add(
            new Finding(
                "CHECKPOINT_ROW_ALTERED",
                null,
                null,
                null,
                BundleFormat.CHECKPOINTS,
                "line " + line,
                "the line's treeSize or rootHash differs from its signed note"));
      }
      SignedCheckpoint signed =
          new SignedCheckpoint(line, checkpoint.size(), checkpoint.rootHash(), note);
      if (last != null && signed.size() <= last.size()) {
        if (signed.size() == last.size() && !Arrays.equals(signed.root(), last.root())) {
          findings.add(
              new Finding(
                  "CHECKPOINT_FORK",
                  null,
                  null,
                  signed.size() - 1,
                  BundleFormat.CHECKPOINTS,
                  "line " + line,
                  "two signed checkpoints of size "
                      + signed.size()
                      + " (lines "
                      + last.line()
                      + " and "
                      + line
                      + ") have different roots"));
        } else if (signed.size() < last.size()) {
          findings.add(
              new Finding(
                  "CHECKPOINT_OUT_OF_ORDER",
                  null,
                  null,
                  null,
                  BundleFormat.CHECKPOINTS,
                  "line " + line,
                  "a checkpoint of size "
                      + signed.size()
                      + " follows one of size "
                      + last.size()
                      + " (line "
                      + last.line()
                      + ")"));
        }
        return null;
      }
      verified++;
      last = signed;
      return signed;
    }

    @Override
    public void close() throws IOException {
      if (reader != null) {
        // Count the lines not read, so that the manifest comparison sees them all.
        for (String text = reader.readLine(); text != null; text = reader.readLine()) {
          lines++;
        }
        reader.close();
      }
    }
  }

  /** One pass over {@code leaves.jsonl}, in lock step with the checkpoints. */
  private final class LogPass {
    final LeafTable table;
    final DiskNodeStore log;
    final CheckpointCursor checkpoints;
    final SavedCheckpoint since;
    SignedCheckpoint pending;
    SignedCheckpoint previous;
    boolean gaps;

    LogPass(KeyHistory keys, LeafTable table, DiskNodeStore log, SavedCheckpoint since)
        throws IOException {
      this.table = table;
      this.log = log;
      this.checkpoints = new CheckpointCursor(keys);
      this.since = since;
    }

    void run() throws IOException {
      try (checkpoints) {
        pending = checkpoints.next();
        reachCheckpoints();
        forEachLine(BundleFormat.LEAVES, this::leaf);
        while (pending != null) {
          findings.add(
              new Finding(
                  "LOG_TRUNCATED",
                  null,
                  null,
                  log.size(),
                  BundleFormat.CHECKPOINTS,
                  "line " + pending.line(),
                  "a signed checkpoint covers "
                      + pending.size()
                      + " leaves but the log holds only "
                      + log.size()));
          pending = checkpoints.next();
        }
      }
      if (gaps) {
        findUnloggedEntries();
      }
      if (since != null) {
        // Once the saved root matches the recomputed tree and every later checkpoint's root does
        // too, the log extends the saved checkpoint: a consistency proof computed from the same
        // recomputed tree could not fail. The database verifier proves it from the stored nodes
        // instead, because the proofs it serves are built from those; a bundle has none.
        since.reachedBy(log.size(), BundleFormat.LEAVES);
      }
    }

    private void leaf(long line, JsonNode row) throws IOException {
      long leafIndex = number(row, "leafIndex");
      String eventId = text(row, "eventId");
      String streamId = text(row, "stream");
      long sequence = number(row, "sequence");
      byte[] stored = Hashing.unhex(text(row, "leafHash"));
      byte[] leafHash = stored;
      if (leafIndex != log.size()) {
        gaps = true;
        findings.add(
            leafFinding(
                "LEAF_GAP",
                streamId,
                sequence,
                leafIndex,
                line,
                "expected leaf " + log.size() + " next, found leaf " + leafIndex));
      }
      if (leafIndex >= 0 && leafIndex < table.size()) {
        LeafTable.Slot slot = table.read(leafIndex);
        if (slot.state() == LeafTable.FREE) {
          findings.add(
              leafFinding(
                  "LOGGED_ENTRY_MISSING",
                  streamId,
                  sequence,
                  leafIndex,
                  line,
                  "the log holds event "
                      + eventId
                      + " but no signed entry claims this leaf: it was deleted"));
        } else {
          table.visit(leafIndex);
          String entryLine = " (" + BundleFormat.ENTRIES + " line " + slot.entryLine() + ")";
          if (!Arrays.equals(slot.identity(), LeafTable.identity(eventId, streamId, sequence))) {
            findings.add(
                leafFinding(
                    "LEAF_DISAGREES_WITH_ENTRY",
                    streamId,
                    sequence,
                    leafIndex,
                    line,
                    "the leaf names event "
                        + eventId
                        + " but the entry that claims it is another"
                        + entryLine));
          }
          if (!Arrays.equals(slot.leafHash(), stored)) {
            findings.add(
                leafFinding(
                    "LEAF_HASH_MISMATCH",
                    streamId,
                    sequence,
                    leafIndex,
                    line,
                    "the signed entry no longer hashes to its leaf: stored "
                        + Hashing.hex(stored)
                        + ", recomputed "
                        + Hashing.hex(slot.leafHash())
                        + entryLine));
            leafHash = slot.leafHash();
          }
        }
      }
      log.append(leafHash);
      if (since != null && since.size() == log.size()) {
        since.compareRoot(log.root(), BundleFormat.LEAVES, "lines 1.." + log.size());
      }
      reachCheckpoints();
    }

    /** Checks every checkpoint whose size the rebuilt log has reached. */
    private void reachCheckpoints() throws IOException {
      while (pending != null && pending.size() <= log.size()) {
        if (pending.size() == log.size()) {
          check(pending);
        }
        pending = checkpoints.next();
      }
    }

    private void check(SignedCheckpoint checkpoint) {
      byte[] root = log.root();
      if (Arrays.equals(root, checkpoint.root())) {
        latestVerifiedNote = checkpoint.note();
      } else {
        findings.add(
            new Finding(
                "CHECKPOINT_ROOT_MISMATCH",
                null,
                null,
                checkpoint.size() - 1,
                BundleFormat.CHECKPOINTS,
                "line " + checkpoint.line(),
                "the signed root "
                    + Hashing.hex(checkpoint.root())
                    + " of size "
                    + checkpoint.size()
                    + " is not the root "
                    + Hashing.hex(root)
                    + " of the leaves"));
      }
      if (previous != null && previous.size() > 0 && previous.size() < checkpoint.size()) {
        List<byte[]> proof = MerkleProofs.consistencyProof(log, previous.size(), checkpoint.size());
        MerkleVerifier.verifyConsistency(
                previous.size(), checkpoint.size(), previous.root(), checkpoint.root(), proof)
            .ifPresent(
                failure ->
                    findings.add(
                        new Finding(
                            "CHECKPOINTS_INCONSISTENT",
                            null,
                            null,
                            checkpoint.size() - 1,
                            BundleFormat.CHECKPOINTS,
                            "line " + checkpoint.line(),
                            "the checkpoint of size "
                                + checkpoint.size()
                                + " is not consistent with the one of size "
                                + previous.size()
                                + " on line "
                                + previous.line()
                                + ": "
                                + failure.describe())));
      }
      previous = checkpoint;
    }

    /** Entries that claim a leaf index the log's lines skipped. */
    private void findUnloggedEntries() throws IOException {
      for (long index = 0; index < table.size(); index++) {
        LeafTable.Slot slot = table.read(index);
        if (slot.state() == LeafTable.CLAIMED) {
          findings.add(
              new Finding(
                  "ENTRY_NOT_IN_LOG",
                  null,
                  null,
                  index,
                  BundleFormat.ENTRIES,
                  "line " + slot.entryLine(),
                  "the entry claims leaf " + index + " but the log has no such leaf"));
        }
      }
    }
  }

  // --- reading lines --------------------------------------------------------------------------

  private interface LineHandler {
    void line(long line, JsonNode row) throws IOException;
  }

  private void forEachLine(String name, LineHandler handler) throws IOException {
    forEachLine(name, handler, null);
  }

  /**
   * Calls {@code handler} with each line of a bundle file parsed as JSON; a line that is not JSON
   * or lacks a member the handler needs is a MALFORMED_LINE finding.
   *
   * @param only if not null, a quiet pre-pass: only lines whose text it accepts are parsed, and
   *     nothing is reported (the main pass over the file reports)
   */
  private void forEachLine(String name, LineHandler handler, Predicate<String> only)
      throws IOException {
    boolean report = only == null;
    Path file = bundle.resolve(name);
    if (!Files.isRegularFile(file)) {
      return;
    }
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long line = 0;
      for (String text = reader.readLine(); text != null; text = reader.readLine()) {
        line++;
        if (!report && !only.test(text)) {
          continue;
        }
        JsonNode row = report ? parse(name, line, text) : parseQuietly(text);
        if (row == null) {
          continue;
        }
        try {
          handler.line(line, row);
        } catch (IllegalArgumentException e) {
          if (report) {
            findings.add(lineFinding("MALFORMED_LINE", name, line, row, e));
          }
        }
      }
    }
  }

  private JsonNode parse(String name, long line, String text) {
    try {
      JsonNode row = json.readTree(text);
      if (row != null && row.isObject()) {
        return row;
      }
      findings.add(
          fileFinding("MALFORMED_LINE", name, "line " + line, "the line is not a JSON object"));
    } catch (JsonProcessingException e) {
      findings.add(
          fileFinding(
              "MALFORMED_LINE", name, "line " + line, "not JSON: " + e.getOriginalMessage()));
    }
    return null;
  }

  private JsonNode parseQuietly(String text) {
    try {
      JsonNode row = json.readTree(text);
      return row != null && row.isObject() ? row : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static String text(JsonNode row, String name) {
    JsonNode value = row.get(name);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("member " + name + " is missing or not a string");
    }
    return value.asText();
  }

  private static String optionalText(JsonNode row, String name) {
    JsonNode value = row.get(name);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static long number(JsonNode row, String name) {
    JsonNode value = row.get(name);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new IllegalArgumentException("member " + name + " is missing or not an integer");
    }
    return value.asLong();
  }

  private static Long optionalLong(JsonNode row, String name) {
    JsonNode value = row.get(name);
    return value == null || value.isNull() ? null : number(row, name);
  }

  private static byte[] base64(JsonNode row, String name) {
    try {
      return Base64.getDecoder().decode(text(row, name));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("member " + name + " is not base64: " + e.getMessage());
    }
  }

  private static byte[] optionalBase64(JsonNode row, String name) {
    JsonNode value = row.get(name);
    return value == null || value.isNull() ? null : base64(row, name);
  }

  // --- findings -------------------------------------------------------------------------------

  private static Finding fileFinding(String kind, String file, String row, String message) {
    return new Finding(kind, null, null, null, file, row, message);
  }

  private static Finding lineFinding(
      String kind, String file, long line, JsonNode row, IllegalArgumentException e) {
    String stream = row == null ? null : optionalText(row, "stream");
    return new Finding(kind, stream, null, null, file, "line " + line, e.getMessage());
  }

  private static Finding entryFinding(
      String kind, String stream, long sequence, Long leafIndex, long line, String message) {
    return new Finding(
        kind, stream, sequence, leafIndex, BundleFormat.ENTRIES, "line " + line, message);
  }

  private static Finding leafFinding(
      String kind, String stream, long sequence, long leafIndex, long line, String message) {
    return new Finding(
        kind, stream, sequence, leafIndex, BundleFormat.LEAVES, "line " + line, message);
  }
}
