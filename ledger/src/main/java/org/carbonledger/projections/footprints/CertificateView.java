package org.carbonledger.projections.footprints;

import java.time.Instant;
import java.util.List;

/**
 * A footprint's certificate of neutrality: the {@code FootprintNeutralised} event as recorded.
 *
 * @param issuedAt the time of {@code FootprintNeutralised}
 * @param position its global position
 * @param eventIdentifier its identifier: its chain entry and Merkle leaf
 * @param lines every covering retirement; as many as the event lists, which the write side bounds
 */
public record CertificateView(
    String footprintId,
    String certificateId,
    String organiserAccountId,
    String subject,
    long emissionsKg,
    long coveredKg,
    Instant issuedAt,
    long position,
    String eventIdentifier,
    List<CertificateLineView> lines) {

  public CertificateView {
    lines = List.copyOf(lines);
  }
}
