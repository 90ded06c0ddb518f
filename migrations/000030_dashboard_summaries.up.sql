-- The leaders' dashboard (issue 12): what keeps its one batch fast at
-- national scale (postgres/dashboard.go).

-- Attendance per person and month, kept by triggers in the same transaction
-- as every attendance write: the dashboard's attendance rate sums a unit's
-- months here (an index-only scan of (unit_id, month)) instead of every day
-- of every participant. unit_id is the person's unit, kept when it changes.
-- One row per person and month, so concurrent attendance saves of different
-- participants never wait for each other here.
CREATE TABLE attendance_months (
    person_id       bigint NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    month           date NOT NULL CHECK (extract(day FROM month) = 1),
    unit_id         bigint NOT NULL REFERENCES units (id),
    present_minutes bigint NOT NULL DEFAULT 0,
    absent_minutes  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (person_id, month)
);
CREATE INDEX attendance_months_unit_idx ON attendance_months (unit_id, month) INCLUDE (present_minutes, absent_minutes);
CREATE INDEX attendance_months_month_idx ON attendance_months (month) INCLUDE (present_minutes, absent_minutes);

CREATE FUNCTION attendance_months_apply(p bigint, d date, present bigint, absent bigint) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO attendance_months AS m (person_id, month, unit_id, present_minutes, absent_minutes)
    SELECT p, date_trunc('month', d)::date, ps.unit_id, present, absent FROM persons ps WHERE ps.id = p
    ON CONFLICT (person_id, month) DO UPDATE
        SET present_minutes = m.present_minutes + excluded.present_minutes,
            absent_minutes = m.absent_minutes + excluded.absent_minutes
$$;

CREATE FUNCTION attendance_months_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM attendance_months_apply(OLD.person_id, OLD.day, -OLD.present_minutes, -OLD.absent_minutes);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM attendance_months_apply(NEW.person_id, NEW.day, NEW.present_minutes, NEW.absent_minutes);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER attendance_months_keep AFTER INSERT OR UPDATE OR DELETE ON attendance
    FOR EACH ROW EXECUTE FUNCTION attendance_months_keep();

CREATE FUNCTION attendance_months_unit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE attendance_months SET unit_id = NEW.unit_id WHERE person_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER attendance_months_unit AFTER UPDATE OF unit_id ON persons
    FOR EACH ROW WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id) EXECUTE FUNCTION attendance_months_unit();

INSERT INTO attendance_months (person_id, month, unit_id, present_minutes, absent_minutes)
SELECT a.person_id, date_trunc('month', a.day)::date, p.unit_id, sum(a.present_minutes), sum(a.absent_minutes)
FROM attendance a JOIN persons p ON p.id = a.person_id
GROUP BY 1, 2, 3;

-- Caseload per caseworker: an index-only scan of the unit's active persons.
CREATE INDEX persons_active_unit_caseworker_idx ON persons (unit_id, caseworker_id) WHERE status = 'active';

-- Deadline breaches: the few deadlines that are open or were done late, by due date.
CREATE INDEX deadlines_breach_idx ON deadlines (due_date) INCLUDE (person_id, kind, done_on)
    WHERE done_on IS NULL OR done_on > due_date;

-- Planned hours of the running participants: the elements of a plan version
-- read from the index alone.
CREATE INDEX plan_elements_version_minutes_idx ON plan_elements (plan_version_id) INCLUDE (minutes_per_week, from_date, to_date);

ANALYZE attendance_months;
