package org.carbonledger.chain;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * Why part of the chain, the log or a checkpoint did not verify, with the location a person needs
 * to find the problem.
 *
 * <p>Every verification in this package either returns these values or throws a {@link
 * ChainException} carrying exactly one of them, so callers never receive a bare {@code false} where
 * a stream, sequence number, leaf index or tree size could have been named. Hashes are held as
 * lowercase hex strings so that the records compare, print and serialize by value; the records are
 * serializable so that a {@link ChainException} carrying one can be.
 */
public sealed interface ChainFailure extends Serializable {

  /**
   * A one-line description for a person, naming the location and what was wrong.
   *
   * @return the description, never empty
   */
  String describe();

  /**
   * Bytes that should hold an encoded entry, signed entry or key do not follow the format.
   *
   * @param offset the byte offset, within the bytes being decoded, where decoding stopped
   * @param reason what was wrong there
   */
  record MalformedEntry(int offset, String reason) implements ChainFailure {
    /** Checks that a reason is given. */
    public MalformedEntry {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String describe() {
      return "malformed entry at byte " + offset + ": " + reason;
    }
  }

  /**
   * An entry presented as part of a stream carries another stream's, aggregate's or ledger's
   * identity.
   *
   * @param streamId the stream being verified
   * @param sequence the sequence number the foreign entry claims
   * @param field the envelope field that differs (for example {@code "origin"})
   * @param expected the value the stream requires
   * @param actual the value the entry carries
   */
  record ForeignEntry(String streamId, long sequence, String field, String expected, String actual)
      implements ChainFailure {
    @Override
    public String describe() {
      return streamId
          + " #"
          + sequence
          + ": "
          + field
          + " is '"
          + actual
          + "' but the stream requires '"
          + expected
          + "'";
    }
  }

  /**
   * The entries of a stream do not run 0, 1, 2, ... : one is missing, repeated or out of order.
   *
   * @param streamId the stream being verified
   * @param expected the sequence number that should come next
   * @param actual the sequence number found instead
   */
  record SequenceGap(String streamId, long expected, long actual) implements ChainFailure {
    @Override
    public String describe() {
      return streamId + ": expected sequence " + expected + " but found " + actual;
    }
  }

  /**
   * The hash stored with an entry is not the SHA-256 of the entry's canonical bytes: the entry or
   * its stored hash was altered.
   *
   * @param streamId the entry's stream
   * @param sequence the entry's sequence number
   * @param storedHex the stored hash
   * @param recomputedHex the hash of the canonical bytes as they are now
   */
  record HashMismatch(String streamId, long sequence, String storedHex, String recomputedHex)
      implements ChainFailure {
    @Override
    public String describe() {
      return streamId
          + " #"
          + sequence
          + ": stored hash "
          + storedHex
          + " but the entry hashes to "
          + recomputedHex;
    }
  }

  /**
   * An entry's previous-entry hash is not the hash of the entry before it in the same stream (or is
   * not 32 zero bytes for sequence 0).
   *
   * @param streamId the entry's stream
   * @param sequence the sequence number of the entry whose link is broken
   * @param expectedHex the hash of the preceding entry (or zeros for sequence 0)
   * @param actualHex the previous-entry hash the entry carries
   */
  record BrokenLink(String streamId, long sequence, String expectedHex, String actualHex)
      implements ChainFailure {
    @Override
    public String describe() {
      return streamId
          + " #"
          + sequence
          + ": previous hash "
          + actualHex
          + " does not link to "
          + expectedHex;
    }
  }

  /**
   * An entry is signed by a key id the key ring does not know.
   *
   * @param streamId the entry's stream
   * @param sequence the entry's sequence number
   * @param keyId the unknown key id, hex
   */
  record UnknownKey(String streamId, long sequence, String keyId) implements ChainFailure {
    @Override
    public String describe() {
      return streamId + " #" + sequence + ": signed by unknown key " + keyId;
    }
  }

  /**
   * An entry is signed by a known key at a log position where that key was not valid: before it was
   * introduced or after it was retired.
   *
   * @param streamId the entry's stream
   * @param sequence the entry's sequence number
   * @param keyId the key id, hex
   * @param leafIndex the entry's position in the log
   * @param validFrom the first leaf index the key may sign
   * @param validUntil the first leaf index the key may no longer sign ({@link Long#MAX_VALUE} when
   *     open-ended)
   */
  record KeyOutsideValidity(
      String streamId, long sequence, String keyId, long leafIndex, long validFrom, long validUntil)
      implements ChainFailure {
    @Override
    public String describe() {
      String until = validUntil == Long.MAX_VALUE ? "open" : Long.toString(validUntil);
      return streamId
          + " #"
          + sequence
          + ": key "
          + keyId
          + " signed leaf "
          + leafIndex
          + " but is valid only for leaves ["
          + validFrom
          + ", "
          + until
          + ")";
    }
  }

  /**
   * An entry's signature does not verify under the public key its key id names.
   *
   * @param streamId the entry's stream
   * @param sequence the entry's sequence number
   * @param keyId the key id, hex
   */
  record BadSignature(String streamId, long sequence, String keyId) implements ChainFailure {
    @Override
    public String describe() {
      return streamId + " #" + sequence + ": signature by key " + keyId + " does not verify";
    }
  }

  /**
   * A key (PEM, verifier key string or raw bytes) could not be read.
   *
   * @param reason what was wrong
   */
  record MalformedKey(String reason) implements ChainFailure {
    /** Checks that a reason is given. */
    public MalformedKey {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String describe() {
      return "malformed key: " + reason;
    }
  }

  /**
   * An inclusion proof does not show the leaf at this index in the tree of this size and root.
   *
   * @param leafIndex the index the proof is for
   * @param treeSize the size of the tree the proof is for
   * @param reason what did not hold
   */
  record InclusionProofFailed(long leafIndex, long treeSize, String reason)
      implements ChainFailure {
    @Override
    public String describe() {
      return "inclusion of leaf " + leafIndex + " in tree of size " + treeSize + ": " + reason;
    }
  }

  /**
   * A consistency proof does not show that the tree of size {@code size2} extends the tree of size
   * {@code size1}: the log was rewritten, truncated or forked.
   *
   * @param size1 the older tree size
   * @param size2 the newer tree size
   * @param reason what did not hold
   */
  record ConsistencyProofFailed(long size1, long size2, String reason) implements ChainFailure {
    @Override
    public String describe() {
      return "consistency of tree size " + size1 + " with tree size " + size2 + ": " + reason;
    }
  }

  /**
   * Text offered as a signed note does not follow the C2SP signed-note format.
   *
   * @param reason what was wrong
   */
  record MalformedNote(String reason) implements ChainFailure {
    @Override
    public String describe() {
      return "malformed signed note: " + reason;
    }
  }

  /**
   * A signed note carries no signature from any trusted key, so its text must be ignored.
   *
   * @param signers the signers the note names, as {@code name+keyidhex}
   */
  record NoteUnknownKey(List<String> signers) implements ChainFailure {
    /** Copies the list of signers. */
    public NoteUnknownKey {
      signers = List.copyOf(signers);
    }

    @Override
    public String describe() {
      return "signed note has no signature from a trusted key (signers: " + signers + ")";
    }
  }

  /**
   * A signed note carries a signature from a trusted key that does not verify, so the whole note is
   * rejected.
   *
   * @param keyName the key's name
   * @param keyId the key id, hex
   */
  record NoteBadSignature(String keyName, String keyId) implements ChainFailure {
    @Override
    public String describe() {
      return "signed note: signature by trusted key " + keyName + "+" + keyId + " does not verify";
    }
  }

  /**
   * A verified note's text is not a C2SP tlog checkpoint.
   *
   * @param reason what was wrong
   */
  record MalformedCheckpoint(String reason) implements ChainFailure {
    @Override
    public String describe() {
      return "malformed checkpoint: " + reason;
    }
  }

  /**
   * A checkpoint names another log than the one the verifier expects.
   *
   * @param expected the origin the verifier expects
   * @param actual the origin line of the checkpoint
   */
  record WrongOrigin(String expected, String actual) implements ChainFailure {
    @Override
    public String describe() {
      return "checkpoint is for log '" + actual + "' but '" + expected + "' was expected";
    }
  }
}
