package org.carbonledger.audit.replay;

/**
 * One row of {@code domain_event_entry}, as much of it as the replay reads.
 *
 * @param globalIndex {@code global_index}, the event's global position
 * @param timeStamp {@code time_stamp}, the event's time as ISO-8601 text
 */
record StoredEvent(
    long globalIndex,
    String eventIdentifier,
    String aggregateIdentifier,
    long sequenceNumber,
    String payloadType,
    String timeStamp,
    byte[] payload) {}
