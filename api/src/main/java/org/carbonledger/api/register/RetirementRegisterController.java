package org.carbonledger.api.register;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import org.carbonledger.api.transparency.EntryProofs;
import org.carbonledger.api.transparency.EntryProofs.EntryProofView;
import org.carbonledger.api.web.ReadYourWrites;
import org.carbonledger.api.web.Reads;
import org.carbonledger.credits.RetirementPurpose;
import org.carbonledger.projections.Page;
import org.carbonledger.projections.PageRequest;
import org.carbonledger.projections.credits.RegisterFilter;
import org.carbonledger.projections.credits.RetirementRegisterQueries;
import org.carbonledger.projections.credits.RetirementView;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The public retirement register (核销登记簿) and the certificates that prove each retirement offline.
 * No API key is needed.
 */
@RestController
@RequestMapping("/api/v1/retirements")
@Tag(name = "Retirement register", description = "Public")
class RetirementRegisterController {

  /** The format of a retirement certificate, spec section 3.11. */
  static final String CERTIFICATE_FORMAT = "carbon-ledger/retirement-certificate/v1";

  private final RetirementRegisterQueries register;
  private final EntryProofs proofs;
  private final ReadYourWrites reads;

  RetirementRegisterController(
      RetirementRegisterQueries register, EntryProofs proofs, ReadYourWrites reads) {
    this.register = register;
    this.proofs = proofs;
    this.reads = reads;
  }

  /**
   * A retirement and the proof of its event: verify {@code proof} with the ledger's public keys
   * alone (spec section 3.11), then read the retirement from the proven entry's payload.
   *
   * @param retirement the register's row, for people; the proof is what counts
   */
  record RetirementCertificate(
      String format, String origin, RetirementView retirement, EntryProofView proof) {}

  @GetMapping
  @Operation(summary = "The public register of retirements, oldest first, filterable")
  Page<RetirementView> listRetirements(
      @RequestParam(required = false) String beneficiary,
      @RequestParam(required = false) RetirementPurpose purpose,
      @RequestParam(required = false) String projectId,
      @RequestParam(required = false) Integer vintageYear,
      @RequestParam(required = false) Instant retiredFrom,
      @RequestParam(required = false) Instant retiredBefore,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String after,
      @RequestParam(required = false) Long minPosition) {
    var filter =
        new RegisterFilter(
            beneficiary, purpose, projectId, vintageYear, retiredFrom, retiredBefore);
    PageRequest page = PageRequest.of(limit, after);
    reads.await(minPosition);
    return register.register(filter, page);
  }

  @GetMapping("/{batchId}/{retirementId}")
  @Operation(summary = "One retirement of the register")
  RetirementView getRetirement(
      @PathVariable String batchId,
      @PathVariable String retirementId,
      @RequestParam(required = false) Long minPosition) {
    reads.await(minPosition);
    return Reads.found(
        register.retirement(batchId, retirementId),
        () -> "retirement " + retirementId + " of batch " + batchId);
  }

  @GetMapping("/{batchId}/{retirementId}/certificate")
  @Operation(
      summary = "A retirement certificate that verifies offline",
      description =
          "The signed chain entry of the retirement, its leaf index, the inclusion proof to the"
              + " latest signed checkpoint, that checkpoint, and the public keys (spec 3.11).")
  RetirementCertificate getRetirementCertificate(
      @PathVariable String batchId,
      @PathVariable String retirementId,
      @RequestParam(required = false) Long minPosition) {
    reads.await(minPosition);
    RetirementView retirement =
        Reads.found(
            register.retirement(batchId, retirementId),
            () -> "retirement " + retirementId + " of batch " + batchId);
    EntryProofView proof = proofs.of(retirement.eventIdentifier());
    return new RetirementCertificate(CERTIFICATE_FORMAT, proofs.origin(), retirement, proof);
  }
}
