package org.carbonledger.chain.note;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.carbonledger.chain.ChainException;
import org.carbonledger.chain.ChainFailure;
import org.carbonledger.chain.Hashing;

/**
 * A C2SP tlog checkpoint: the note text {@code <origin>\n<tree size>\n<base64 root hash>\n},
 * optionally followed by extension lines, signed as a {@link SignedNote} (spec section 3.9).
 *
 * @param origin the log's identity, the ledger origin; non-empty, no newline
 * @param size the number of leaves; not negative
 * @param rootHash the RFC 6962 root hash of the first {@code size} leaves; 32 bytes, copied
 * @param extensions extension lines, each non-empty without a newline; the ledger writes none
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {

  /**
   * Checks and copies the fields.
   *
   * @throws IllegalArgumentException if a field is not valid
   */
  public Checkpoint {
    if (origin == null || origin.isEmpty() || origin.contains("\n")) {
      throw new IllegalArgumentException("origin must be one non-empty line");
    }
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
    Objects.requireNonNull(rootHash, "rootHash");
    if (rootHash.length != Hashing.HASH_BYTES) {
      throw new IllegalArgumentException("rootHash must be 32 bytes, was " + rootHash.length);
    }
    rootHash = rootHash.clone();
    extensions = List.copyOf(extensions);
    for (String line : extensions) {
      if (line.isEmpty() || line.contains("\n")) {
        throw new IllegalArgumentException("extension lines must be non-empty single lines");
      }
    }
  }

  /**
   * A checkpoint without extension lines.
   *
   * @param origin the log's identity
   * @param size the number of leaves
   * @param rootHash the 32-byte root hash
   * @return the checkpoint
   */
  public static Checkpoint of(String origin, long size, byte[] rootHash) {
    return new Checkpoint(origin, size, rootHash, List.of());
  }

  /**
   * The checkpoint's note text, which is what is signed.
   *
   * @return the lines, each ending in a newline
   */
  public String text() {
    StringBuilder text = new StringBuilder();
    text.append(origin).append('\n');
    text.append(size).append('\n');
    text.append(Base64.getEncoder().encodeToString(rootHash)).append('\n');
    extensions.forEach(line -> text.append(line).append('\n'));
    return text.toString();
  }

  /**
   * Signs the checkpoint.
   *
   * @param signers one or more signers; the log's key should be named after the origin
   * @return the signed note
   */
  public SignedNote sign(List<NoteSigner> signers) {
    return SignedNote.sign(text(), signers);
  }

  /**
   * Reads checkpoint text. The tree size must be decimal without leading zeros and the root hash
   * canonical base64 of 32 bytes, so that one checkpoint has exactly one text.
   *
   * @param text the note text, including its final newline
   * @return the checkpoint
   * @throws ChainException carrying {@link ChainFailure.MalformedCheckpoint} if the text is not a
   *     checkpoint
   */
  public static Checkpoint parse(String text) {
    Objects.requireNonNull(text, "text");
    if (!text.endsWith("\n")) {
      throw malformed("the text does not end with a newline");
    }
    List<String> lines = Arrays.asList(text.substring(0, text.length() - 1).split("\n", -1));
    if (lines.size() < 3) {
      throw malformed("fewer than three lines");
    }
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isEmpty()) {
        throw malformed("line " + (i + 1) + " is empty");
      }
    }
    String sizeLine = lines.get(1);
    if (!sizeLine.matches("0|[1-9][0-9]{0,18}")) {
      throw malformed("tree size is not a decimal number without leading zeros: " + sizeLine);
    }
    long size;
    try {
      size = Long.parseLong(sizeLine);
    } catch (NumberFormatException e) {
      throw malformed("tree size is too large: " + sizeLine);
    }
    byte[] root = NoteVerifierKey.strictBase64(lines.get(2));
    if (root == null || root.length != Hashing.HASH_BYTES) {
      throw malformed("root hash is not canonical base64 of 32 bytes");
    }
    return new Checkpoint(lines.get(0), size, root, lines.subList(3, lines.size()));
  }

  /**
   * Parses and verifies a signed checkpoint for a given log: the note must be signed by a trusted
   * key, its text must be a checkpoint and its origin the expected one.
   *
   * @param signedNote the signed note, not null
   * @param expectedOrigin the origin of the log the caller is checking, not null
   * @param trusted the trusted keys, not null
   * @return the checkpoint, whose size and root may now be relied on
   * @throws ChainException carrying {@link ChainFailure.MalformedNote}, {@link
   *     ChainFailure.NoteUnknownKey}, {@link ChainFailure.NoteBadSignature}, {@link
   *     ChainFailure.MalformedCheckpoint} or {@link ChainFailure.WrongOrigin}
   */
  public static Checkpoint open(
      String signedNote, String expectedOrigin, List<NoteVerifierKey> trusted) {
    Objects.requireNonNull(expectedOrigin, "expectedOrigin");
    SignedNote note = SignedNote.parse(signedNote);
    note.verify(trusted);
    Checkpoint checkpoint = parse(note.text());
    if (!checkpoint.origin().equals(expectedOrigin)) {
      throw new ChainException(new ChainFailure.WrongOrigin(expectedOrigin, checkpoint.origin()));
    }
    return checkpoint;
  }

  /**
   * The root hash.
   *
   * @return a copy, safe to modify
   */
  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Checkpoint that
        && origin.equals(that.origin)
        && size == that.size
        && Arrays.equals(rootHash, that.rootHash)
        && extensions.equals(that.extensions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, size, Arrays.hashCode(rootHash), extensions);
  }

  @Override
  public String toString() {
    return "Checkpoint[" + origin + ", size " + size + ", root " + Hashing.hex(rootHash) + "]";
  }

  private static ChainException malformed(String reason) {
    return new ChainException(new ChainFailure.MalformedCheckpoint(reason));
  }
}
