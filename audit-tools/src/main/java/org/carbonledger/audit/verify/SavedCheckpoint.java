package org.carbonledger.audit.verify;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.carbonledger.audit.FileProblems;
import org.carbonledger.chain.ChainException;
import org.carbonledger.chain.Hashing;
import org.carbonledger.chain.note.Checkpoint;
import org.carbonledger.chain.note.SignedNote;

/**
 * A signed checkpoint that an earlier audit saved ({@code --save-checkpoint}) and that the log of a
 * later audit must extend ({@code --since}). A log that verifies on its own may still be another
 * history, re-signed with the real keys, or the same history rolled back: only a checkpoint
 * obtained outside the ledger shows either.
 *
 * <p>It reports the kinds the database verifier reports for {@code --since}, naming the caller's
 * own table or file: {@code SINCE_CHECKPOINT_NOT_VERIFIED} when the saved note does not verify with
 * the checkpoint key valid at its size, {@code HISTORY_REWRITTEN} when the recomputed tree of that
 * size has another root, {@code LOG_ROLLED_BACK} when the log is smaller than it. The bundle
 * verifier uses it; it is written so that the database verifier can use it too, keeping only its
 * consistency proof from the stored nodes, which a bundle does not carry.
 */
public final class SavedCheckpoint {

  private final long size;
  private final byte[] root;
  private final List<Finding> findings;

  private SavedCheckpoint(long size, byte[] root, List<Finding> findings) {
    this.size = size;
    this.root = root;
    this.findings = findings;
  }

  /**
   * Opens the saved note with the checkpoint keys that the log's own key history makes valid at its
   * size, so that a key rotated in later cannot vouch for it and a key never rotated in cannot
   * either.
   *
   * @param note the signed checkpoint note as saved
   * @param findings where this and the later comparisons report
   * @return the checkpoint, or null if the note does not verify (then reported)
   */
  public static SavedCheckpoint open(String note, KeyHistory keys, List<Finding> findings) {
    try {
      long size = Checkpoint.parse(SignedNote.parse(note).text()).size();
      Checkpoint checkpoint = Checkpoint.open(note, keys.origin(), keys.checkpointKeysFor(size));
      return new SavedCheckpoint(checkpoint.size(), checkpoint.rootHash(), findings);
    } catch (ChainException e) {
      findings.add(
          new Finding(
              "SINCE_CHECKPOINT_NOT_VERIFIED",
              null,
              null,
              null,
              "--since",
              null,
              "the checkpoint of the earlier audit does not verify: " + e.failure().describe()));
      return null;
    }
  }

  /** The number of leaves the earlier audit saw. */
  public long size() {
    return size;
  }

  /** The root the earlier audit saw. */
  public byte[] root() {
    return root.clone();
  }

  /**
   * Compares the root of the log's first {@link #size()} leaves, recomputed by the caller once its
   * tree has reached that size, with the saved root.
   *
   * @param table where the leaves were read, such as {@code merkle_leaf} or {@code leaves.jsonl}
   * @param rows which of its rows they are, such as {@code leaves 0..14}
   */
  public void compareRoot(byte[] recomputed, String table, String rows) {
    if (!Arrays.equals(recomputed, root)) {
      findings.add(
          new Finding(
              "HISTORY_REWRITTEN",
              null,
              null,
              size - 1,
              table,
              rows,
              "the first "
                  + size
                  + " leaves have root "
                  + Hashing.hex(recomputed)
                  + ", but the earlier audit's signed checkpoint says "
                  + Hashing.hex(root)
                  + ": history was rewritten between the two audits"));
    }
  }

  /**
   * The log must not have shrunk below what the earlier audit saw.
   *
   * @param logSize the number of leaves the log holds
   * @param table where the leaves were read
   * @return whether the log reaches the saved checkpoint
   */
  public boolean reachedBy(long logSize, String table) {
    if (logSize >= size) {
      return true;
    }
    findings.add(
        new Finding(
            "LOG_ROLLED_BACK",
            null,
            null,
            logSize,
            table,
            null,
            "the earlier audit saw a signed checkpoint of "
                + size
                + " leaves, but the log now holds only "
                + logSize));
    return false;
  }

  /**
   * Reads a saved checkpoint for {@code --since}.
   *
   * @throws IOException if the file cannot be read; the message is one line that names it
   */
  public static String read(Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IOException("cannot read the saved checkpoint: no file " + file, e);
    } catch (CharacterCodingException e) {
      throw new IOException("the saved checkpoint " + file + " is not UTF-8 text", e);
    } catch (IOException e) {
      throw new IOException(
          "cannot read the saved checkpoint " + file + ": " + FileProblems.reason(e), e);
    }
  }

  /**
   * Saves the largest checkpoint that verified for the next audit's {@code --since}, but only when
   * everything verified: a checkpoint of a ledger with integrity failures is no baseline to hold a
   * later audit to.
   *
   * @param note the signed note of the largest verified checkpoint, or null if none verified
   * @param err where what was (not) saved is said
   * @throws IOException if the file cannot be written; the message is one line that names it
   */
  public static void save(Path file, VerificationReport report, String note, PrintWriter err)
      throws IOException {
    if (!report.sound()) {
      err.printf("not saving a checkpoint to %s: the verification failed%n", file).flush();
      return;
    }
    if (note == null) {
      err.printf("not saving a checkpoint to %s: no signed checkpoint verified%n", file).flush();
      return;
    }
    try {
      Files.writeString(file, note, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException(
          "cannot save the checkpoint to " + file + ": " + FileProblems.reason(e), e);
    }
    err.printf("saved the latest verified checkpoint to %s%n", file).flush();
  }
}
