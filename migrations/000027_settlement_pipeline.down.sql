DROP TABLE IF EXISTS settlement_targets;
DROP INDEX IF EXISTS persons_pipeline_idx;
ALTER TABLE persons
    DROP CONSTRAINT IF EXISTS persons_agreed_arrival_check,
    DROP CONSTRAINT IF EXISTS persons_declined_reason_check,
    DROP COLUMN IF EXISTS needs_accessible_home,
    DROP COLUMN IF EXISTS grant_disability,
    DROP COLUMN IF EXISTS decline_reason,
    DROP COLUMN IF EXISTS declined_on,
    DROP COLUMN IF EXISTS expected_arrival,
    DROP COLUMN IF EXISTS agreed_on,
    DROP COLUMN IF EXISTS proposed_on,
    DROP COLUMN IF EXISTS settlement_stage;
