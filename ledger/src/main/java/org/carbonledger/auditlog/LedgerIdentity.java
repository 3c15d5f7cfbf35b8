package org.carbonledger.auditlog;

import org.carbonledger.chain.Ed25519Signer;

/**
 * Who this ledger is and the keys it signs with.
 *
 * @param origin the log's origin line, such as {@code carbonledger.example/wuhan}: it names the
 *     ledger in every entry and checkpoint
 * @param entryKey signs every chain entry
 * @param logKey signs every checkpoint of the Merkle log
 */
public record LedgerIdentity(String origin, Ed25519Signer entryKey, Ed25519Signer logKey) {}
