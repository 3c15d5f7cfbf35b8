package org.carbonledger.api.transparency;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.carbonledger.api.transparency.TransparencyLog.CheckpointView;
import org.carbonledger.api.transparency.TransparencyLog.ConsistencyProof;
import org.carbonledger.api.transparency.TransparencyLog.InclusionProof;
import org.carbonledger.api.transparency.TransparencyLog.KeyView;
import org.carbonledger.api.web.ApiException;
import org.carbonledger.api.web.ApiProblem;
import org.carbonledger.registry.LedgerRejection;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Merkle log for everyone: its signed checkpoints, inclusion and consistency proofs against
 * them, and the keys that sign entries and checkpoints. No API key is needed.
 */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Transparency log", description = "Checkpoints, proofs and keys; public")
class TransparencyController {

  private final TransparencyLog log;

  TransparencyController(TransparencyLog log) {
    this.log = log;
  }

  @GetMapping("/checkpoints/latest")
  @Operation(summary = "The latest signed checkpoint of the Merkle log")
  CheckpointView getLatestCheckpoint() {
    return log.latestCheckpoint()
        .orElseThrow(() -> new ApiException(ApiProblem.NOT_FOUND, "no checkpoint is signed yet"));
  }

  @GetMapping("/checkpoints/{treeSize}")
  @Operation(summary = "The signed checkpoint of a tree size")
  CheckpointView getCheckpoint(@PathVariable long treeSize) {
    return log.checkpoint(treeSize)
        .orElseThrow(
            () ->
                new ApiException(
                    ApiProblem.NOT_FOUND, "no checkpoint of tree size " + treeSize + " exists"));
  }

  @GetMapping("/proofs/inclusion")
  @Operation(summary = "The proof that a leaf is in the tree of a signed checkpoint")
  InclusionProof getInclusionProof(@RequestParam long leafIndex, @RequestParam long treeSize) {
    requireCheckpointed(treeSize, "treeSize");
    if (leafIndex < 0 || leafIndex >= treeSize) {
      throw LedgerRejection.invalid(
          "leafIndex", "leafIndex must be at least 0 and below treeSize " + treeSize);
    }
    return log.inclusion(leafIndex, treeSize);
  }

  @GetMapping("/proofs/consistency")
  @Operation(summary = "The proof that a later signed checkpoint extends an earlier one")
  ConsistencyProof getConsistencyProof(
      @RequestParam long firstSize, @RequestParam long secondSize) {
    requireCheckpointed(secondSize, "secondSize");
    if (firstSize < 1 || firstSize > secondSize) {
      throw LedgerRejection.invalid(
          "firstSize", "firstSize must be at least 1 and at most secondSize " + secondSize);
    }
    return log.consistency(firstSize, secondSize);
  }

  @GetMapping("/keys")
  @Operation(summary = "The ledger's public keys with the leaf ranges they may sign")
  List<KeyView> listKeys() {
    return log.keys();
  }

  private void requireCheckpointed(long treeSize, String field) {
    if (!log.isCheckpointed(treeSize)) {
      throw new ApiException(
          ApiProblem.NOT_FOUND,
          field,
          "no signed checkpoint has tree size " + treeSize + "; proofs are served against those");
    }
  }
}
