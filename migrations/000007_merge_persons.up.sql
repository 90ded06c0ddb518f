-- Merging two registrations of one person (sammenslåing av dubletter).
--
-- The merged registration stays, with status 'merged' and merged_into
-- pointing at the surviving one, so that its audit trail keeps a subject;
-- its notes, tasks, household memberships, deadline done marks and
-- last-seen marks move to the survivor (postgres.MergePersons). A merged
-- row is out of every list and search: the lists filter on status, and
-- its identity numbers (moved to or dropped in favour of the survivor's,
-- which are unique) and its search key name_key are cleared.

ALTER TABLE persons DROP CONSTRAINT persons_status_check;
ALTER TABLE persons ADD CONSTRAINT persons_status_check CHECK (status IN ('active', 'closed', 'merged'));

ALTER TABLE persons ADD COLUMN merged_into bigint REFERENCES persons (id);
ALTER TABLE persons ADD CONSTRAINT persons_merged_check CHECK (
    (status = 'merged') = (merged_into IS NOT NULL) AND merged_into IS DISTINCT FROM id);
-- A merged row cannot be found: no identity numbers, no search key.
ALTER TABLE persons ADD CONSTRAINT persons_merged_unfindable_check CHECK (
    status <> 'merged' OR (national_id IS NULL AND duf_number IS NULL AND name_key = ''));

-- Every registration that is not merged has an identity number (was the
-- unnamed persons_check of migration 000001).
ALTER TABLE persons DROP CONSTRAINT persons_check;
ALTER TABLE persons ADD CONSTRAINT persons_identity_check CHECK (
    status = 'merged' OR national_id IS NOT NULL OR duf_number IS NOT NULL);

-- A closed case merged into another keeps its end date and reason.
ALTER TABLE persons DROP CONSTRAINT persons_closed_fields_check;
ALTER TABLE persons ADD CONSTRAINT persons_closed_fields_check CHECK (
    status IN ('closed', 'merged') OR (closed_on IS NULL AND close_reason IS NULL));

-- The registrations merged into a person (the access log walks them).
CREATE INDEX persons_merged_into_idx ON persons (merged_into) WHERE merged_into IS NOT NULL;

-- A merged registration is frozen: nothing about it changes afterwards.
CREATE FUNCTION persons_merged_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'person % is merged into person % and cannot change', OLD.id, OLD.merged_into
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER persons_merged_frozen BEFORE UPDATE ON persons
    FOR EACH ROW WHEN (OLD.status = 'merged') EXECUTE FUNCTION persons_merged_frozen();

-- Nothing new is recorded on a merged registration: notes, tasks and
-- household memberships belong on the survivor.
CREATE FUNCTION refuse_merged_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM persons WHERE id = NEW.person_id AND status = 'merged') THEN
        RAISE EXCEPTION 'person % is merged into another person', NEW.person_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER case_notes_refuse_merged BEFORE INSERT OR UPDATE OF person_id ON case_notes
    FOR EACH ROW EXECUTE FUNCTION refuse_merged_person();
CREATE TRIGGER tasks_refuse_merged BEFORE INSERT OR UPDATE OF person_id ON tasks
    FOR EACH ROW EXECUTE FUNCTION refuse_merged_person();
CREATE TRIGGER household_members_refuse_merged BEFORE INSERT OR UPDATE OF person_id ON household_members
    FOR EACH ROW EXECUTE FUNCTION refuse_merged_person();

-- The timeline's partial index (audit_events_timeline_idx, 000004) already
-- holds the 'merge' action: no replacement is needed.
