-- Merged registrations have no identity number and cannot go back under the
-- old constraints: refuse to roll back while there are any.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM persons WHERE status = 'merged') THEN
        RAISE EXCEPTION 'cannot roll back 000007: merged persons exist';
    END IF;
END;
$$;

DROP TRIGGER IF EXISTS household_members_refuse_merged ON household_members;
DROP TRIGGER IF EXISTS tasks_refuse_merged ON tasks;
DROP TRIGGER IF EXISTS case_notes_refuse_merged ON case_notes;
DROP FUNCTION IF EXISTS refuse_merged_person();
DROP TRIGGER IF EXISTS persons_merged_frozen ON persons;
DROP FUNCTION IF EXISTS persons_merged_frozen();
DROP INDEX IF EXISTS persons_merged_into_idx;

ALTER TABLE persons DROP CONSTRAINT persons_closed_fields_check;
ALTER TABLE persons ADD CONSTRAINT persons_closed_fields_check CHECK (
    status = 'closed' OR (closed_on IS NULL AND close_reason IS NULL));
ALTER TABLE persons DROP CONSTRAINT persons_identity_check;
ALTER TABLE persons ADD CONSTRAINT persons_check CHECK (national_id IS NOT NULL OR duf_number IS NOT NULL);
ALTER TABLE persons DROP CONSTRAINT persons_merged_unfindable_check;
ALTER TABLE persons DROP CONSTRAINT persons_merged_check;
ALTER TABLE persons DROP COLUMN merged_into;
ALTER TABLE persons DROP CONSTRAINT persons_status_check;
ALTER TABLE persons ADD CONSTRAINT persons_status_check CHECK (status IN ('active', 'closed'));
