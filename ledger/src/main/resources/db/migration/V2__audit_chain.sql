-- The audit chain (docs/spec/03-chain-format.md).
--
-- chain_entry: one row per stored event, written in the same transaction as the event. The
-- entry column holds the canonical bytes exactly as they were hashed and signed; verifiers
-- check those bytes as stored and never re-serialize anything.
CREATE TABLE chain_entry (
    stream_id        VARCHAR(255) NOT NULL,
    sequence_number  BIGINT       NOT NULL,
    event_identifier VARCHAR(255) NOT NULL,
    entry            BYTEA        NOT NULL,
    entry_hash       BYTEA        NOT NULL,
    key_id           VARCHAR(16)  NOT NULL,
    signature        BYTEA        NOT NULL,
    PRIMARY KEY (stream_id, sequence_number),
    CONSTRAINT uq_chain_entry_event UNIQUE (event_identifier)
);

-- merkle_leaf: the RFC 6962 log. The sequencer appends every committed event exactly once, in
-- the order it reads them; leaf_index is the event's position in the log.
CREATE TABLE merkle_leaf (
    leaf_index       BIGINT       NOT NULL PRIMARY KEY,
    event_identifier VARCHAR(255) NOT NULL,
    stream_id        VARCHAR(255) NOT NULL,
    sequence_number  BIGINT       NOT NULL,
    leaf_hash        BYTEA        NOT NULL,
    CONSTRAINT uq_merkle_leaf_event UNIQUE (event_identifier)
);

-- merkle_node: the hash of every complete subtree above the leaves (level 1 and up; level 0 is
-- merkle_leaf.leaf_hash). Roots and proofs are read from these without rebuilding the tree.
CREATE TABLE merkle_node (
    tree_level INTEGER NOT NULL,
    node_index BIGINT  NOT NULL,
    hash       BYTEA   NOT NULL,
    PRIMARY KEY (tree_level, node_index)
);

-- log_checkpoint: signed checkpoints (C2SP tlog-checkpoint in a signed note), exactly as signed.
CREATE TABLE log_checkpoint (
    tree_size  BIGINT      NOT NULL PRIMARY KEY,
    root_hash  BYTEA       NOT NULL,
    note       TEXT        NOT NULL,
    created_at VARCHAR(40) NOT NULL
);

-- ledger_key: the published public keys and the leaf range in which each was valid.
CREATE TABLE ledger_key (
    key_id      VARCHAR(16)  NOT NULL PRIMARY KEY,
    key_name    VARCHAR(255) NOT NULL,
    purpose     VARCHAR(16)  NOT NULL,
    public_key  BYTEA        NOT NULL,
    valid_from  BIGINT       NOT NULL,
    valid_until BIGINT
);
