package org.carbonledger.projections.footprints;

import java.util.List;

/**
 * One retirement on a certificate of neutrality (a row of {@code footprint_certificate_line}).
 *
 * @param lineNumber from 1, in the order of the certificate
 */
public record CertificateLineView(
    int lineNumber, String retirementId, String batchId, long tonnes, List<String> serialNumbers) {

  public CertificateLineView {
    serialNumbers = List.copyOf(serialNumbers);
  }
}
