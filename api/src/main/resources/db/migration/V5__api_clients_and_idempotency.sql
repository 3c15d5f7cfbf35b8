-- The REST API's own tables (docs/api.md). They hold no registry facts: those are events.

-- api_client: registry-issued API keys. A key is "cl_<client_id>.<secret>"; only the SHA-256 of
-- the secret is stored, so a leaked table does not leak keys.
CREATE TABLE api_client (
    client_id    VARCHAR(32)  NOT NULL PRIMARY KEY,
    name         VARCHAR(200) NOT NULL,
    -- OPERATOR, HOLDER, ORGANISER or REGULATOR.
    role         VARCHAR(16)  NOT NULL,
    -- The accounts a HOLDER or ORGANISER acts for, comma-separated; empty for the others.
    account_ids  VARCHAR(4000) NOT NULL,
    secret_hash  BYTEA        NOT NULL,
    created_at   VARCHAR(40)  NOT NULL,
    created_by   VARCHAR(64)  NOT NULL,
    revoked_at   VARCHAR(40)
);

-- idempotency_record: one row per (client, Idempotency-Key) that completed a write. It is
-- inserted in the transaction that stores the write's events, so either both exist or neither.
CREATE TABLE idempotency_record (
    client_id       VARCHAR(32)  NOT NULL,
    idempotency_key VARCHAR(255) NOT NULL,
    -- SHA-256 of the method, path and body of the request.
    request_hash    BYTEA        NOT NULL,
    -- What the command returned (a new batch's id, say), or null.
    result          VARCHAR(1000),
    -- The highest global index of the event store when the write committed.
    position        BIGINT       NOT NULL,
    created_at      VARCHAR(40)  NOT NULL,
    PRIMARY KEY (client_id, idempotency_key)
);
