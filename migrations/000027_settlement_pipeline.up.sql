-- The settlement pipeline (issue 12): before someone is settled the
-- municipality knows them as proposed by IMDi (foreslått), agreed with an
-- expected arrival (avtalt) or declined with a reason (avslått). Marking a
-- person settled keeps settlement_date as the fact the ledger counts.
-- Existing rows are settled.
ALTER TABLE persons
    ADD COLUMN settlement_stage text NOT NULL DEFAULT 'settled'
        CHECK (settlement_stage IN ('proposed', 'agreed', 'declined', 'settled')),
    ADD COLUMN proposed_on      date,
    ADD COLUMN agreed_on        date,
    ADD COLUMN expected_arrival date,
    ADD COLUMN declined_on      date,
    ADD COLUMN decline_reason   text NOT NULL DEFAULT '' CHECK (char_length(decline_reason) <= 500),
    -- Extra integration grant for a disability or behavioural difficulty
    -- (tilskudd ved nedsatt funksjonsevne), entered per person.
    ADD COLUMN grant_disability boolean NOT NULL DEFAULT false,
    -- Accessibility need for housing (step-free home), used when matching units.
    ADD COLUMN needs_accessible_home boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT persons_declined_reason_check
        CHECK (settlement_stage <> 'declined' OR decline_reason <> ''),
    ADD CONSTRAINT persons_agreed_arrival_check
        CHECK (settlement_stage <> 'agreed' OR expected_arrival IS NOT NULL);

-- The pipeline is small: people not yet settled, by unit and expected arrival.
CREATE INDEX persons_pipeline_idx ON persons (unit_id, settlement_stage, expected_arrival, id)
    WHERE settlement_stage <> 'settled';

-- The settlement ledger (bosetting) per year: IMDi's request (anmodning) and
-- the council's decision (vedtak), municipality-wide, unaccompanied minors
-- separately. Append-only: a changed decision is a new row, the newest per
-- (year, kind) is in force and the older ones are its history.
CREATE TABLE settlement_targets (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year           integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    kind           text NOT NULL CHECK (kind IN ('request', 'decision')),
    total          integer NOT NULL CHECK (total BETWEEN 0 AND 100000),
    unaccompanied  integer NOT NULL DEFAULT 0 CHECK (unaccompanied BETWEEN 0 AND 100000),
    decided_on     date NOT NULL,
    note           text NOT NULL DEFAULT '' CHECK (char_length(note) <= 2000),
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     bigint REFERENCES users (id)
);
CREATE INDEX settlement_targets_year_idx ON settlement_targets (year, kind, created_at DESC, id DESC);
REVOKE UPDATE, DELETE ON settlement_targets FROM ankomst_app;
