package org.carbonledger.api.web;

/**
 * The answer to a write.
 *
 * @param id what the write created or acted on: the new batch's id for an issuance, the new
 *     movement's id for a transfer, retirement or cancellation, otherwise the resource's own id
 * @param position the event store position (global index) the write reached; pass it as {@code
 *     minPosition} to a read to see the write reflected there
 */
public record Written(String id, long position) {}
