package org.carbonledger.api.credits;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.carbonledger.api.web.ReadYourWrites;
import org.carbonledger.api.web.Reads;
import org.carbonledger.projections.Page;
import org.carbonledger.projections.PageRequest;
import org.carbonledger.projections.credits.BatchSupplyView;
import org.carbonledger.projections.credits.CreditQueries;
import org.carbonledger.projections.credits.HoldingView;
import org.carbonledger.projections.credits.SupplyTotals;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Supply: for every batch, issued = tradable + retired + cancelled. Any API key may read supply;
 * who holds a batch only operators and regulators.
 */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Supply")
class SupplyController {

  private final CreditQueries credits;
  private final ReadYourWrites reads;

  SupplyController(CreditQueries credits, ReadYourWrites reads) {
    this.credits = credits;
    this.reads = reads;
  }

  @GetMapping("/batches")
  @Operation(summary = "Every batch with its supply, in order of issuance")
  Page<BatchSupplyView> listBatches(
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String after,
      @RequestParam(required = false) Long minPosition) {
    PageRequest page = PageRequest.of(limit, after);
    reads.await(minPosition);
    return credits.batches(page);
  }

  @GetMapping("/batches/{batchId}")
  @Operation(summary = "One batch with its supply")
  BatchSupplyView getBatch(
      @PathVariable String batchId, @RequestParam(required = false) Long minPosition) {
    reads.await(minPosition);
    return Reads.found(credits.batch(batchId), () -> "batch " + batchId);
  }

  @GetMapping("/batches/{batchId}/holders")
  @PreAuthorize("hasAnyRole('OPERATOR', 'REGULATOR')")
  @Operation(summary = "Who holds a batch's tradable credits")
  Page<HoldingView> listHolders(
      @PathVariable String batchId,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String after,
      @RequestParam(required = false) Long minPosition) {
    PageRequest page = PageRequest.of(limit, after);
    reads.await(minPosition);
    return credits.holders(batchId, page);
  }

  @GetMapping("/supply")
  @Operation(summary = "The registry's total supply, or one project's")
  SupplyTotals getSupply(
      @RequestParam(required = false) String projectId,
      @RequestParam(required = false) Long minPosition) {
    reads.await(minPosition);
    return projectId == null ? credits.totals() : credits.totalsOfProject(projectId);
  }
}
