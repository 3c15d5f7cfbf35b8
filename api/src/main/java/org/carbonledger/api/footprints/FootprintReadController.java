package org.carbonledger.api.footprints;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.carbonledger.api.security.Caller;
import org.carbonledger.api.transparency.EntryProofs;
import org.carbonledger.api.transparency.EntryProofs.EntryProofView;
import org.carbonledger.api.web.ApiException;
import org.carbonledger.api.web.ApiProblem;
import org.carbonledger.api.web.ReadYourWrites;
import org.carbonledger.api.web.Reads;
import org.carbonledger.projections.Page;
import org.carbonledger.projections.PageRequest;
import org.carbonledger.projections.footprints.CertificateView;
import org.carbonledger.projections.footprints.CoverageView;
import org.carbonledger.projections.footprints.FootprintQueries;
import org.carbonledger.projections.footprints.FootprintView;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Footprints and their coverage, for their organiser, operators and regulators; the neutrality
 * certificate of a footprint for everyone.
 */
@RestController
@RequestMapping("/api/v1/footprints")
@Tag(name = "Footprints")
class FootprintReadController {

  static final String CERTIFICATE_FORMAT = "carbon-ledger/neutrality-certificate/v1";

  private final FootprintQueries footprints;
  private final EntryProofs proofs;
  private final ReadYourWrites reads;

  FootprintReadController(FootprintQueries footprints, EntryProofs proofs, ReadYourWrites reads) {
    this.footprints = footprints;
    this.proofs = proofs;
    this.reads = reads;
  }

  /**
   * A footprint's neutrality: the certificate's lines and the proof of the {@code
   * FootprintNeutralised} event that states them; each line's retirement has its own certificate.
   */
  record NeutralityCertificate(
      String format, String origin, CertificateView certificate, EntryProofView proof) {}

  @GetMapping
  @Operation(summary = "Footprints: an organiser's own, or anyone's for operators and regulators")
  Page<FootprintView> listFootprints(
      @RequestParam(required = false) String organiserAccountId,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String after,
      @RequestParam(required = false) Long minPosition,
      @AuthenticationPrincipal Caller caller) {
    if (!caller.role().readsEverything()) {
      if (organiserAccountId == null) {
        throw new ApiException(
            ApiProblem.FORBIDDEN,
            "organiserAccountId",
            "name one of your accounts as organiserAccountId");
      }
      caller.requireMayRead(organiserAccountId);
    }
    PageRequest page = PageRequest.of(limit, after);
    reads.await(minPosition);
    return footprints.footprints(organiserAccountId, page);
  }

  @GetMapping("/{footprintId}")
  @Operation(summary = "One footprint, with how much of it is covered")
  FootprintView getFootprint(
      @PathVariable String footprintId,
      @RequestParam(required = false) Long minPosition,
      @AuthenticationPrincipal Caller caller) {
    reads.await(minPosition);
    FootprintView footprint =
        Reads.found(footprints.footprint(footprintId), () -> "footprint " + footprintId);
    caller.requireMayRead(footprint.organiserAccountId());
    return footprint;
  }

  @GetMapping("/{footprintId}/coverage")
  @Operation(summary = "The retirements that cover a footprint")
  Page<CoverageView> getCoverage(
      @PathVariable String footprintId,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String after,
      @RequestParam(required = false) Long minPosition,
      @AuthenticationPrincipal Caller caller) {
    PageRequest page = PageRequest.of(limit, after);
    reads.await(minPosition);
    FootprintView footprint =
        Reads.found(footprints.footprint(footprintId), () -> "footprint " + footprintId);
    caller.requireMayRead(footprint.organiserAccountId());
    return footprints.coverage(footprintId, page);
  }

  @GetMapping("/{footprintId}/certificate")
  @Operation(summary = "The neutrality certificate of a neutral footprint; public")
  NeutralityCertificate getNeutralityCertificate(
      @PathVariable String footprintId, @RequestParam(required = false) Long minPosition) {
    reads.await(minPosition);
    Reads.found(footprints.footprint(footprintId), () -> "footprint " + footprintId);
    CertificateView certificate =
        footprints
            .certificate(footprintId)
            .orElseThrow(
                () ->
                    new ApiException(
                        ApiProblem.NOT_FOUND,
                        "footprint " + footprintId + " is not neutral yet; it has no certificate"));
    return new NeutralityCertificate(
        CERTIFICATE_FORMAT, proofs.origin(), certificate, proofs.of(certificate.eventIdentifier()));
  }
}
