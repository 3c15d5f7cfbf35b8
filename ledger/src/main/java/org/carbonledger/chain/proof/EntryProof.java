package org.carbonledger.chain.proof;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.carbonledger.chain.ChainException;
import org.carbonledger.chain.ChainFailure;
import org.carbonledger.chain.ChainVerifier;
import org.carbonledger.chain.ChainVerifier.LoggedEntry;
import org.carbonledger.chain.Entry;
import org.carbonledger.chain.KeyRing;
import org.carbonledger.chain.SignedEntry;
import org.carbonledger.chain.merkle.MerkleVerifier;
import org.carbonledger.chain.merkle.Rfc6962;
import org.carbonledger.chain.note.Checkpoint;
import org.carbonledger.chain.note.NoteVerifierKey;

/**
 * Everything needed to check one entry offline, with nothing but the ledger's public keys: the
 * signed entry, its leaf index in the Merkle log, the inclusion proof to a checkpoint, and that
 * signed checkpoint (spec section 3.11). A retirement certificate is one of these.
 *
 * @param signed the signed entry as stored, not null
 * @param leafIndex its leaf index; not negative
 * @param inclusionProof the RFC 9162 inclusion proof of the leaf in the checkpoint's tree, deepest
 *     hash first, not null
 * @param checkpointNote the checkpoint's signed note, exactly as signed, not null
 */
public record EntryProof(
    SignedEntry signed, long leafIndex, List<byte[]> inclusionProof, String checkpointNote) {

  /**
   * Copies the proof.
   *
   * @throws IllegalArgumentException if the leaf index is negative
   */
  public EntryProof {
    Objects.requireNonNull(signed, "signed");
    Objects.requireNonNull(checkpointNote, "checkpointNote");
    if (leafIndex < 0) {
      throw new IllegalArgumentException("leafIndex must not be negative");
    }
    inclusionProof = inclusionProof.stream().map(byte[]::clone).toList();
  }

  /**
   * Verifies the proof: the entry's hash and its signature by a key of {@code entryKeys} valid at
   * its leaf index; the checkpoint's signature by one of {@code checkpointKeys} and its origin;
   * that the entry belongs to the same ledger; and that the entry's leaf is in the checkpoint's
   * tree. The entry's link to its predecessor cannot be checked from one entry and is not.
   *
   * @param origin the ledger's origin, not null
   * @param entryKeys the trusted entry keys with their ranges, not null
   * @param checkpointKeys the trusted checkpoint keys, not null
   * @return every failure found, in that order; empty if the proof holds
   */
  public List<ChainFailure> verify(
      String origin, KeyRing entryKeys, List<NoteVerifierKey> checkpointKeys) {
    List<ChainFailure> failures = new ArrayList<>();
    Entry entry = signed.entry();
    if (!entry.origin().equals(origin)) {
      failures.add(
          new ChainFailure.ForeignEntry(
              entry.streamId(), entry.sequence(), "origin", origin, entry.origin()));
    }
    ChainVerifier.verifyEntry(new LoggedEntry(leafIndex, signed), entry.previousHash(), entryKeys)
        .ifPresent(failures::add);
    Checkpoint checkpoint;
    try {
      checkpoint = Checkpoint.open(checkpointNote, origin, checkpointKeys);
    } catch (ChainException e) {
      failures.add(e.failure());
      return failures;
    }
    MerkleVerifier.verifyInclusion(
            leafIndex,
            checkpoint.size(),
            Rfc6962.leafHash(signed.leafData()),
            inclusionProof,
            checkpoint.rootHash())
        .ifPresent(failures::add);
    return failures;
  }
}
