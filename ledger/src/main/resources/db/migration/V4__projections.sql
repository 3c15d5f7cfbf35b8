-- The projections (read models), docs/spec/04-projections.md.
--
-- Every table below is written only by the event handlers of the tracking event processor
-- "projections" (one segment, so events arrive one at a time in global order) and can be rebuilt
-- at any time: a reset deletes every row, and a replay of the event store from the start writes
-- the same rows again. Nothing here is a source of truth; the events are.
--
-- Conventions, for every table:
--   *_position  the global index of an event in domain_event_entry (the tracking token's
--               position): last_position is the last event that changed the row.
--   *_at        the timestamp of the event (EventMessage.getTimestamp()), truncated to whole
--               microseconds; never the time the projection ran.
--   event_identifier  the event's identifier (domain_event_entry.event_identifier), which also
--               names its chain entry and its Merkle leaf.
--   quantities  whole credits (one tCO2e and one serial each) or whole kilograms; never
--               fractional.
--   enums       the Java enum constant's name (OPEN, EVENT_NEUTRALITY, ...).
--   serial_blocks   a list of serial blocks of one batch as "first-last" joined by "," in the
--               order the event lists them, e.g. "1-10,21-30".
--   serial_numbers  the same blocks as serial number labels (docs/spec/02-serial-numbers.md),
--               joined by ",", e.g. "WHCI-WH-CYCLING-20260101-20260331-1-1-10".
--
-- There are no foreign keys between these tables: a reset deletes them in any order, and a
-- replay fills them in event order.
--
-- Written in the SQL subset that PostgreSQL and H2 (PostgreSQL mode) both accept.

-- How far the projections have got: the highest global position handled, committed with the
-- rows it produced and the processor's token. One row per processor (only 'projections').
CREATE TABLE projection_position (
    processor_name VARCHAR(255) NOT NULL PRIMARY KEY,
    last_position  BIGINT       NOT NULL
);

-- One row per account (AccountOpened), updated by AccountFrozen, AccountUnfrozen, AccountClosed.
CREATE TABLE account_view (
    account_id      VARCHAR(255) NOT NULL PRIMARY KEY,
    holder_type     VARCHAR(32)  NOT NULL, -- HolderType
    name            VARCHAR      NOT NULL,
    jurisdiction    VARCHAR(16)  NOT NULL, -- ISO 3166-1 or 3166-2
    status          VARCHAR(16)  NOT NULL, -- OPEN, FROZEN, CLOSED
    status_reason   VARCHAR,               -- reason of the last freeze, unfreeze or close; null before
    opened_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    opened_position BIGINT       NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL, -- time of the last event of the account
    last_position   BIGINT       NOT NULL
);

-- One row per methodology (MethodologyFiled), updated by MethodologyApproved and
-- MethodologyWithdrawn.
CREATE TABLE methodology_view (
    methodology_id    VARCHAR(255) NOT NULL PRIMARY KEY,
    version           VARCHAR      NOT NULL,
    title             VARCHAR      NOT NULL,
    sector            VARCHAR      NOT NULL,
    quantifies        VARCHAR      NOT NULL,
    status            VARCHAR(16)  NOT NULL, -- FILED, APPROVED, WITHDRAWN
    reviewer          VARCHAR,               -- from MethodologyApproved; null until approved
    review_reference  VARCHAR,               -- from MethodologyApproved; null until approved
    withdrawal_reason VARCHAR,               -- from MethodologyWithdrawn; null unless withdrawn
    filed_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    filed_position    BIGINT       NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    last_position     BIGINT       NOT NULL
);

-- One row per project (ProjectRegistered), updated by ProjectApproved, ProjectSuspended,
-- ProjectReinstated and BatchIssuanceRecorded.
CREATE TABLE project_view (
    project_id           VARCHAR(255) NOT NULL PRIMARY KEY,
    name                 VARCHAR      NOT NULL,
    proponent_account_id VARCHAR(255) NOT NULL,
    methodology_id       VARCHAR(255) NOT NULL,
    jurisdiction         VARCHAR(16)  NOT NULL,
    district             VARCHAR,               -- optional
    location             VARCHAR      NOT NULL,
    status               VARCHAR(16)  NOT NULL, -- REGISTERED, APPROVED, SUSPENDED
    approved_by          VARCHAR,               -- from ProjectApproved; null until approved
    status_reason        VARCHAR,               -- reason of the last suspension or reinstatement
    batch_count          INTEGER      NOT NULL, -- BatchIssuanceRecorded events so far
    issued_quantity      BIGINT       NOT NULL, -- sum of their quantities (credits)
    registered_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    registered_position  BIGINT       NOT NULL,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    last_position        BIGINT       NOT NULL
);
CREATE INDEX project_view_methodology ON project_view (methodology_id, project_id);

-- One row per batch (BatchIssued), its supply updated by every CreditsTransferred, CreditsRetired
-- and CreditsCancelled of the batch. After every event: issued = tradable + retired + cancelled,
-- and tradable = the credits in the batch's holding_block rows.
CREATE TABLE batch_supply (
    batch_id               VARCHAR(255) NOT NULL PRIMARY KEY,
    project_id             VARCHAR(255) NOT NULL,
    batch_sequence         INTEGER      NOT NULL, -- 1, 2, ... within the project
    vintage_start          DATE         NOT NULL, -- monitoring period, first day
    vintage_end            DATE         NOT NULL, -- monitoring period, last day
    verification_report_id VARCHAR      NOT NULL,
    verifier               VARCHAR      NOT NULL,
    serial_prefix          VARCHAR(32)  NOT NULL, -- the registry prefix of the labels, WHCI
    first_serial           BIGINT       NOT NULL, -- the issued block
    last_serial            BIGINT       NOT NULL,
    issued_to_account_id   VARCHAR(255) NOT NULL,
    issued                 BIGINT       NOT NULL, -- last_serial - first_serial + 1
    tradable               BIGINT       NOT NULL, -- held in some account
    retired                BIGINT       NOT NULL, -- retired for good
    cancelled              BIGINT       NOT NULL, -- cancelled
    issued_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    issued_position        BIGINT       NOT NULL,
    event_identifier       VARCHAR(255) NOT NULL, -- of BatchIssued
    last_position          BIGINT       NOT NULL, -- last event of the batch's stream applied
    CONSTRAINT batch_supply_adds_up CHECK (issued = tradable + retired + cancelled),
    CONSTRAINT batch_supply_not_negative CHECK (tradable >= 0 AND retired >= 0 AND cancelled >= 0),
    CONSTRAINT batch_supply_serials CHECK (issued = last_serial - first_serial + 1)
);
CREATE UNIQUE INDEX batch_supply_project ON batch_supply (project_id, batch_sequence);

-- The tradable serials: one row per serial block held by an account. Blocks of one account and
-- batch are kept merged exactly as the Batch aggregate keeps them (SerialBlocks): two blocks of
-- the same holding are never adjacent or overlapping. Retired and cancelled serials have no row
-- here; they are in retirement_register and account_movement.
CREATE TABLE holding_block (
    batch_id     VARCHAR(255) NOT NULL,
    first_serial BIGINT       NOT NULL,
    last_serial  BIGINT       NOT NULL,
    account_id   VARCHAR(255) NOT NULL,
    PRIMARY KEY (batch_id, first_serial),
    CONSTRAINT holding_block_range CHECK (first_serial >= 1 AND last_serial >= first_serial)
);
CREATE INDEX holding_block_account ON holding_block (account_id, batch_id, first_serial);

-- Account statements: one row per movement of credits into or out of an account.
--   ISSUANCE      BatchIssued, to the receiving account; movement_id is the batch id
--   TRANSFER_IN   CreditsTransferred, to the receiving account; counterparty = sender
--   TRANSFER_OUT  CreditsTransferred, from the sending account; counterparty = receiver
--   RETIREMENT    CreditsRetired, from the retiring account; movement_id is the retirement id
--   CANCELLATION  CreditsCancelled, from the account; movement_id is the cancellation id
-- A transfer gives two rows with the same global_position (one per account).
CREATE TABLE account_movement (
    account_id              VARCHAR(255) NOT NULL,
    global_position         BIGINT       NOT NULL,
    batch_id                VARCHAR(255) NOT NULL,
    movement_kind           VARCHAR(16)  NOT NULL,
    movement_id             VARCHAR(255) NOT NULL,
    quantity                BIGINT       NOT NULL, -- credits moved, always positive
    counterparty_account_id VARCHAR(255),          -- transfers only
    serial_blocks           VARCHAR      NOT NULL, -- the blocks that moved
    occurred_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    event_identifier        VARCHAR(255) NOT NULL,
    PRIMARY KEY (account_id, global_position),
    CONSTRAINT account_movement_quantity CHECK (quantity > 0)
);
CREATE INDEX account_movement_batch ON account_movement (batch_id, global_position);

-- The public retirement register: one row per CreditsRetired.
CREATE TABLE retirement_register (
    global_position          BIGINT       NOT NULL PRIMARY KEY,
    batch_id                 VARCHAR(255) NOT NULL,
    retirement_id            VARCHAR(255) NOT NULL, -- unique within the batch
    project_id               VARCHAR(255) NOT NULL, -- of the batch
    vintage_start            DATE         NOT NULL, -- of the batch
    vintage_end              DATE         NOT NULL,
    account_id               VARCHAR(255) NOT NULL, -- the account the credits were retired from
    quantity                 BIGINT       NOT NULL,
    serial_blocks            VARCHAR      NOT NULL,
    serial_numbers           VARCHAR      NOT NULL,
    beneficiary              VARCHAR      NOT NULL,
    reason                   VARCHAR      NOT NULL,
    details                  VARCHAR,
    purpose                  VARCHAR(32)  NOT NULL, -- RetirementPurpose
    consumption_period_start DATE,
    consumption_period_end   DATE,
    jurisdiction_of_use      VARCHAR(16)  NOT NULL,
    footprint_id             VARCHAR(255),
    retired_at               TIMESTAMP WITH TIME ZONE NOT NULL,
    event_identifier         VARCHAR(255) NOT NULL,
    CONSTRAINT uq_retirement_register_movement UNIQUE (batch_id, retirement_id),
    CONSTRAINT uq_retirement_register_event UNIQUE (event_identifier)
);
CREATE INDEX retirement_register_purpose ON retirement_register (purpose, global_position);
CREATE INDEX retirement_register_project ON retirement_register (project_id, global_position);
CREATE INDEX retirement_register_vintage ON retirement_register (vintage_start, vintage_end);
CREATE INDEX retirement_register_retired_at ON retirement_register (retired_at);
CREATE INDEX retirement_register_footprint ON retirement_register (footprint_id);

-- One row per footprint (FootprintDeclared), updated by FootprintCovered and
-- FootprintNeutralised.
CREATE TABLE footprint_view (
    footprint_id                 VARCHAR(255) NOT NULL PRIMARY KEY,
    organiser_account_id         VARCHAR(255) NOT NULL,
    kind                         VARCHAR(32)  NOT NULL, -- EVENT, ORGANISATION_PERIOD
    subject                      VARCHAR      NOT NULL,
    period_start                 DATE         NOT NULL,
    period_end                   DATE         NOT NULL,
    emissions_kg                 BIGINT       NOT NULL,
    inventory_basis              VARCHAR      NOT NULL,
    verified_by                  VARCHAR      NOT NULL,
    covered_kg                   BIGINT       NOT NULL, -- coveredKg of the last FootprintCovered
    retirement_count             INTEGER      NOT NULL, -- FootprintCovered events so far
    status                       VARCHAR(16)  NOT NULL, -- OPEN, NEUTRAL
    certificate_id               VARCHAR(255),          -- from FootprintNeutralised
    declared_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    declared_position            BIGINT       NOT NULL,
    neutralised_at               TIMESTAMP WITH TIME ZONE,
    neutralised_position         BIGINT,
    certificate_event_identifier VARCHAR(255),          -- FootprintNeutralised's identifier
    last_position                BIGINT       NOT NULL
);
CREATE INDEX footprint_view_organiser ON footprint_view (organiser_account_id, footprint_id);

-- A footprint's coverage: one row per FootprintCovered (one per covering retirement).
CREATE TABLE footprint_coverage (
    footprint_id     VARCHAR(255) NOT NULL,
    global_position  BIGINT       NOT NULL,
    batch_id         VARCHAR(255) NOT NULL,
    retirement_id    VARCHAR(255) NOT NULL,
    tonnes           BIGINT       NOT NULL,
    serial_numbers   VARCHAR      NOT NULL,
    covered_kg       BIGINT       NOT NULL, -- the footprint's total coverage after this one
    covered_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    event_identifier VARCHAR(255) NOT NULL,
    PRIMARY KEY (footprint_id, global_position),
    CONSTRAINT uq_footprint_coverage_retirement UNIQUE (footprint_id, batch_id, retirement_id)
);

-- The certificate of neutrality: one row per line of FootprintNeutralised.retirements, numbered
-- from 1 in the event's order.
CREATE TABLE footprint_certificate_line (
    footprint_id   VARCHAR(255) NOT NULL,
    line_number    INTEGER      NOT NULL,
    retirement_id  VARCHAR(255) NOT NULL,
    batch_id       VARCHAR(255) NOT NULL,
    tonnes         BIGINT       NOT NULL,
    serial_numbers VARCHAR      NOT NULL,
    PRIMARY KEY (footprint_id, line_number)
);
