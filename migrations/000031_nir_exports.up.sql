-- The NIR programme file (issue 12 part 5): a change stamp per programme and
-- a mark per programme of when it was last exported, so the next file can
-- hold only what changed.
--
-- nir_changed_at is when anything the NIR file shows about a programme last
-- changed outside the programme row itself (the row's own edits stamp
-- updated_at): a leave or interruption, a weekly plan version or one of its
-- elements, an absence. Statement-level triggers with transition tables keep
-- it, so a COPY of a million attendance rows costs one UPDATE per statement,
-- not one per row. A programme's change stamp is
-- greatest(updated_at, nir_changed_at).
ALTER TABLE programmes ADD COLUMN nir_changed_at timestamptz NOT NULL DEFAULT now();

CREATE FUNCTION nir_touch_programmes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'plan_elements' THEN
        IF TG_OP = 'DELETE' THEN
            UPDATE programmes g SET nir_changed_at = now()
            FROM (SELECT DISTINCT v.person_id FROM old_rows o JOIN plan_versions v ON v.id = o.plan_version_id) t
            WHERE g.person_id = t.person_id;
        ELSE
            UPDATE programmes g SET nir_changed_at = now()
            FROM (SELECT DISTINCT v.person_id FROM new_rows n JOIN plan_versions v ON v.id = n.plan_version_id) t
            WHERE g.person_id = t.person_id;
        END IF;
    ELSIF TG_TABLE_NAME = 'attendance' THEN
        -- Only absences count (the file holds the absence volume).
        IF TG_OP = 'INSERT' THEN
            UPDATE programmes g SET nir_changed_at = now()
            FROM (SELECT DISTINCT person_id FROM new_rows WHERE absent_minutes > 0) t WHERE g.person_id = t.person_id;
        ELSIF TG_OP = 'DELETE' THEN
            UPDATE programmes g SET nir_changed_at = now()
            FROM (SELECT DISTINCT person_id FROM old_rows WHERE absent_minutes > 0) t WHERE g.person_id = t.person_id;
        ELSE
            UPDATE programmes g SET nir_changed_at = now()
            FROM (SELECT DISTINCT n.person_id FROM new_rows n
                  LEFT JOIN old_rows o ON o.person_id = n.person_id AND o.day = n.day
                  WHERE o.person_id IS NULL OR o.absent_minutes IS DISTINCT FROM n.absent_minutes
                     OR o.reason IS DISTINCT FROM n.reason) t
            WHERE g.person_id = t.person_id;
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE programmes g SET nir_changed_at = now()
        FROM (SELECT DISTINCT person_id FROM old_rows) t WHERE g.person_id = t.person_id;
    ELSE
        UPDATE programmes g SET nir_changed_at = now()
        FROM (SELECT DISTINCT person_id FROM new_rows) t WHERE g.person_id = t.person_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER programme_pauses_nir_ins AFTER INSERT ON programme_pauses REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION nir_touch_programmes();
CREATE TRIGGER programme_pauses_nir_upd AFTER UPDATE ON programme_pauses REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION nir_touch_programmes();
CREATE TRIGGER programme_pauses_nir_del AFTER DELETE ON programme_pauses REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION nir_touch_programmes();
CREATE TRIGGER plan_versions_nir_ins AFTER INSERT ON plan_versions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION nir_touch_programmes();
CREATE TRIGGER plan_versions_nir_del AFTER DELETE ON plan_versions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION nir_touch_programmes();
CREATE TRIGGER plan_elements_nir_ins AFTER INSERT ON plan_elements REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION nir_touch_programmes();
CREATE TRIGGER plan_elements_nir_upd AFTER UPDATE ON plan_elements REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION nir_touch_programmes();
CREATE TRIGGER plan_elements_nir_del AFTER DELETE ON plan_elements REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION nir_touch_programmes();
CREATE TRIGGER attendance_nir_ins AFTER INSERT ON attendance REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION nir_touch_programmes();
CREATE TRIGGER attendance_nir_upd AFTER UPDATE ON attendance REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION nir_touch_programmes();
CREATE TRIGGER attendance_nir_del AFTER DELETE ON attendance REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION nir_touch_programmes();

-- A programme moved to another registration (a merge) is a change: the
-- file's person is another.
CREATE FUNCTION nir_stamp_moved_programme() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.person_id IS DISTINCT FROM OLD.person_id THEN
        NEW.nir_changed_at := now();
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER programmes_nir_moved BEFORE UPDATE OF person_id ON programmes
    FOR EACH ROW EXECUTE FUNCTION nir_stamp_moved_programme();

-- Every real NIR export (not the check page, not a re-send): who, when, the
-- unit (NULL: every unit), the format, whether only changed rows were asked
-- for, and how many programmes it held. Append-only.
CREATE TABLE nir_exports (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    exported_at  timestamptz NOT NULL DEFAULT now(),
    exported_by  bigint NOT NULL REFERENCES users (id),
    unit_id      bigint REFERENCES units (id),
    format       text NOT NULL CHECK (format IN ('csv', 'xlsx')),
    changed_only boolean NOT NULL,
    programmes   integer NOT NULL CHECK (programmes >= 0)
);
REVOKE UPDATE, DELETE ON nir_exports FROM ankomst_app;

-- The mark per programme: the export that last held it and the programme's
-- change stamp as that export saw it. Changed since the last export =
-- no mark, or a change stamp later than the mark's.
CREATE TABLE nir_marks (
    -- A merge moves a programme to the survivor (programmes.person_id
    -- updated): the mark follows it, and the move stamps the programme.
    person_id  bigint PRIMARY KEY REFERENCES programmes (person_id) ON UPDATE CASCADE ON DELETE CASCADE,
    export_id  bigint NOT NULL REFERENCES nir_exports (id),
    stamp      timestamptz NOT NULL,
    -- When the export before this one held it (NULL: this export was the
    -- first), so the file can say new or changed.
    prev_exported_at timestamptz
);
CREATE INDEX nir_marks_export_idx ON nir_marks (export_id);

-- The file's absence hours by reason per programme read every absence row
-- of 100 000 participants: with the minutes in the partial absence index
-- (migration 000016 had the reason only) that is an index-only scan instead
-- of a heap visit per absence row. Same name, same rows, one more column;
-- the absence rules read it as before.
DROP INDEX IF EXISTS attendance_absence_idx;
CREATE INDEX attendance_absence_idx ON attendance (person_id, day) INCLUDE (reason, absent_minutes) WHERE reason IS NOT NULL;
