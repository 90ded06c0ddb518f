DROP TABLE IF EXISTS person_last_seen;
DROP INDEX IF EXISTS persons_active_caseworker_idx;
DROP INDEX IF EXISTS persons_active_unit_birth_idx;
DROP INDEX IF EXISTS persons_active_unit_settlement_idx;
DROP INDEX IF EXISTS persons_active_unit_name_idx;
ALTER TABLE persons
    DROP CONSTRAINT IF EXISTS persons_closed_fields_check,
    DROP COLUMN IF EXISTS close_reason,
    DROP COLUMN IF EXISTS closed_on;
