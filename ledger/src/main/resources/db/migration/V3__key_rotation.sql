-- Key rotation (spec section 3.6, ADR 0006). A key after the first ones is introduced by a
-- SigningKeyRotated event, which is itself a signed chain entry. Its row is written in the same
-- transaction as that event, with valid_from still unknown: validity is counted in leaf indexes,
-- and the event's leaf is assigned only when the Merkle sequencer logs it. The sequencer then
-- sets valid_from of the new key and valid_until of the key it retires, in the transaction that
-- appends the leaf.
ALTER TABLE ledger_key ALTER COLUMN valid_from DROP NOT NULL;
-- The key this one replaced, for a rotated-in key; null for the ledger's first keys.
ALTER TABLE ledger_key ADD COLUMN retires_key_id VARCHAR(16);
-- The event_identifier of the SigningKeyRotated event that introduced the key.
ALTER TABLE ledger_key ADD COLUMN introduced_by VARCHAR(255);
CREATE UNIQUE INDEX ledger_key_introduced_by ON ledger_key (introduced_by);
