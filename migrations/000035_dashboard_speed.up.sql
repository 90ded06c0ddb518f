-- The leaders' dashboard at national scale (issue 12; postgres/dashboard.go):
-- the three figures that joined a unit's persons to their programmes, plans
-- and health items read small summaries instead, kept by triggers in the
-- same transaction as every write of the rows they summarise (like
-- attendance_months, migration 000030). Each is rebuilt from the rows by
-- its *_rebuild() function (the backfill below; tests compare the two).

-- 1. Planned hours of running participants: per person, the step function
-- "minutes per week of the plan in force" over the days the programme runs,
-- as half-open day ranges [from_day, to_day) (to_day NULL: open-ended).
-- minutes NULL: no plan version in force. The pieces change only at a
-- programme's start and end, a plan version's valid_from and an element's
-- from_date and to_date + 1, so the figure for any day is a lookup of the
-- piece containing it. unit_id and active copy the person's unit and
-- status = 'active'.
CREATE TABLE participant_hours (
    person_id bigint NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    from_day  date NOT NULL,
    to_day    date,
    unit_id   bigint NOT NULL REFERENCES units (id),
    active    boolean NOT NULL,
    minutes   integer,
    PRIMARY KEY (person_id, from_day),
    CHECK (to_day IS NULL OR to_day > from_day)
);
-- The pieces not over yet (ended programmes' pieces are all in the past).
CREATE INDEX participant_hours_unit_idx ON participant_hours (unit_id, coalesce(to_day, 'infinity'::date))
    INCLUDE (from_day, minutes) WHERE active;
CREATE INDEX participant_hours_day_idx ON participant_hours (coalesce(to_day, 'infinity'::date))
    INCLUDE (from_day, minutes) WHERE active;

CREATE FUNCTION participant_hours_refresh(p bigint) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM participant_hours WHERE person_id = p;
    INSERT INTO participant_hours (person_id, from_day, to_day, unit_id, active, minutes)
    SELECT ps.id, b.day, b.next, ps.unit_id, ps.status = 'active', m.minutes
    FROM persons ps
    JOIN programmes pr ON pr.person_id = ps.id AND pr.decision = 'granted' AND pr.start_date IS NOT NULL
    CROSS JOIN LATERAL (
        SELECT d.day, lead(d.day) OVER (ORDER BY d.day) AS next FROM (
            SELECT pr.start_date AS day
            UNION SELECT pr.ended_on + 1 WHERE pr.ended_on IS NOT NULL
            UNION SELECT pv.valid_from FROM plan_versions pv WHERE pv.person_id = ps.id
            UNION SELECT e.from_date FROM plan_versions pv JOIN plan_elements e ON e.plan_version_id = pv.id
                WHERE pv.person_id = ps.id AND e.from_date IS NOT NULL
            UNION SELECT e.to_date + 1 FROM plan_versions pv JOIN plan_elements e ON e.plan_version_id = pv.id
                WHERE pv.person_id = ps.id AND e.to_date IS NOT NULL
        ) d WHERE d.day >= pr.start_date AND (pr.ended_on IS NULL OR d.day <= pr.ended_on + 1)
    ) b
    LEFT JOIN LATERAL (SELECT pv.id FROM plan_versions pv WHERE pv.person_id = ps.id AND pv.valid_from <= b.day
        ORDER BY pv.valid_from DESC, pv.id DESC LIMIT 1) v ON true
    LEFT JOIN LATERAL (SELECT coalesce(sum(e.minutes_per_week), 0)::int AS minutes FROM plan_elements e
        WHERE e.plan_version_id = v.id
          AND (e.from_date IS NULL OR e.from_date <= b.day) AND (e.to_date IS NULL OR e.to_date >= b.day)) m ON v.id IS NOT NULL
    WHERE ps.id = p AND (pr.ended_on IS NULL OR b.day <= pr.ended_on)
$$;

CREATE FUNCTION participant_hours_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    o bigint;
    n bigint;
BEGIN
    IF TG_TABLE_NAME = 'plan_elements' THEN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            SELECT pv.person_id INTO o FROM plan_versions pv WHERE pv.id = OLD.plan_version_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            SELECT pv.person_id INTO n FROM plan_versions pv WHERE pv.id = NEW.plan_version_id;
        END IF;
    ELSE
        IF TG_OP IN ('UPDATE', 'DELETE') THEN o := OLD.person_id; END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN n := NEW.person_id; END IF;
    END IF;
    IF o IS NOT NULL THEN
        PERFORM participant_hours_refresh(o);
    END IF;
    IF n IS NOT NULL AND n IS DISTINCT FROM o THEN
        PERFORM participant_hours_refresh(n);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER participant_hours_keep AFTER INSERT OR UPDATE OR DELETE ON programmes
    FOR EACH ROW EXECUTE FUNCTION participant_hours_keep();
CREATE TRIGGER participant_hours_keep AFTER INSERT OR UPDATE OR DELETE ON plan_versions
    FOR EACH ROW EXECUTE FUNCTION participant_hours_keep();
CREATE TRIGGER participant_hours_keep AFTER INSERT OR UPDATE OR DELETE ON plan_elements
    FOR EACH ROW EXECUTE FUNCTION participant_hours_keep();

CREATE FUNCTION participant_hours_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM participant_hours;
    PERFORM participant_hours_refresh(pr.person_id) FROM programmes pr
    WHERE pr.decision = 'granted' AND pr.start_date IS NOT NULL;
END
$$;

-- 2. Open health checklist items (status not_started or booked) of active
-- persons, counted per unit, kind and due date ('infinity': none), so that
-- open = the sum and overdue = the sum of the days before today.
CREATE TABLE health_open_counts (
    unit_id  bigint NOT NULL REFERENCES units (id),
    kind     text NOT NULL,
    due_date date NOT NULL,
    n        integer NOT NULL,
    PRIMARY KEY (unit_id, kind, due_date)
);
CREATE INDEX health_open_counts_kind_idx ON health_open_counts (kind, due_date) INCLUDE (n);

CREATE FUNCTION health_open_add(u bigint, k text, d date, delta integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO health_open_counts AS c (unit_id, kind, due_date, n) VALUES (u, k, coalesce(d, 'infinity'::date), delta)
    ON CONFLICT (unit_id, kind, due_date) DO UPDATE SET n = c.n + excluded.n
$$;

CREATE FUNCTION health_open_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN ('not_started', 'booked') THEN
        PERFORM health_open_add(ps.unit_id, OLD.kind, OLD.due_date, -1)
        FROM persons ps WHERE ps.id = OLD.person_id AND ps.status = 'active';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN ('not_started', 'booked') THEN
        PERFORM health_open_add(ps.unit_id, NEW.kind, NEW.due_date, 1)
        FROM persons ps WHERE ps.id = NEW.person_id AND ps.status = 'active';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER health_open_keep AFTER INSERT OR UPDATE OR DELETE ON health_items
    FOR EACH ROW EXECUTE FUNCTION health_open_keep();

CREATE FUNCTION health_open_rebuild() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM health_open_counts;
    INSERT INTO health_open_counts (unit_id, kind, due_date, n)
    SELECT p.unit_id, h.kind, coalesce(h.due_date, 'infinity'::date), count(*)
    FROM health_items h JOIN persons p ON p.id = h.person_id
    WHERE h.status IN ('not_started', 'booked') AND p.status = 'active'
    GROUP BY 1, 2, 3;
$$;

-- 3. Programme start: granted programmes with a start date and a reference
-- date (the person's settlement date, else the decision date) of persons
-- not merged, counted per unit, month of the start, days from the reference
-- to the start and whether that is within 3 months (the median is computed
-- from these counts).
CREATE TABLE programme_start_counts (
    unit_id bigint NOT NULL REFERENCES units (id),
    month   date NOT NULL CHECK (extract(day FROM month) = 1),
    days    integer NOT NULL,
    within3 boolean NOT NULL,
    n       integer NOT NULL,
    PRIMARY KEY (unit_id, month, days, within3)
);
CREATE INDEX programme_start_counts_month_idx ON programme_start_counts (month) INCLUDE (days, within3, n);

CREATE FUNCTION programme_start_add(u bigint, status text, settlement date, decision text, decided date, started date, delta integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO programme_start_counts AS c (unit_id, month, days, within3, n)
    SELECT u, date_trunc('month', started)::date, started - coalesce(settlement, decided),
        started <= (coalesce(settlement, decided) + interval '3 months')::date, delta
    WHERE decision = 'granted' AND started IS NOT NULL AND coalesce(settlement, decided) IS NOT NULL AND status <> 'merged'
    ON CONFLICT (unit_id, month, days, within3) DO UPDATE SET n = c.n + excluded.n
$$;

CREATE FUNCTION programme_start_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM programme_start_add(ps.unit_id, ps.status, ps.settlement_date, OLD.decision, OLD.decision_date, OLD.start_date, -1)
        FROM persons ps WHERE ps.id = OLD.person_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM programme_start_add(ps.unit_id, ps.status, ps.settlement_date, NEW.decision, NEW.decision_date, NEW.start_date, 1)
        FROM persons ps WHERE ps.id = NEW.person_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER programme_start_keep AFTER INSERT OR UPDATE OR DELETE ON programmes
    FOR EACH ROW EXECUTE FUNCTION programme_start_keep();

CREATE FUNCTION programme_start_rebuild() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM programme_start_counts;
    INSERT INTO programme_start_counts (unit_id, month, days, within3, n)
    SELECT p.unit_id, date_trunc('month', pr.start_date)::date, pr.start_date - coalesce(p.settlement_date, pr.decision_date),
        pr.start_date <= (coalesce(p.settlement_date, pr.decision_date) + interval '3 months')::date, count(*)
    FROM programmes pr JOIN persons p ON p.id = pr.person_id
    WHERE pr.decision = 'granted' AND pr.start_date IS NOT NULL
      AND coalesce(p.settlement_date, pr.decision_date) IS NOT NULL AND p.status <> 'merged'
    GROUP BY 1, 2, 3, 4;
$$;

-- 4. Deadline breaches: the deadlines that are open or were done late
-- (done_on > due_date) of persons not merged, with their person's unit, so
-- the figure reads a unit's few rows by due date without joining persons.
CREATE TABLE deadline_breaches (
    deadline_id bigint PRIMARY KEY REFERENCES deadlines (id) ON DELETE CASCADE,
    unit_id     bigint NOT NULL REFERENCES units (id),
    kind        text NOT NULL,
    due_date    date NOT NULL,
    done        boolean NOT NULL
);
CREATE INDEX deadline_breaches_unit_idx ON deadline_breaches (unit_id, due_date) INCLUDE (kind, done);
CREATE INDEX deadline_breaches_due_idx ON deadline_breaches (due_date) INCLUDE (kind, done);

CREATE FUNCTION deadline_breaches_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM deadline_breaches WHERE deadline_id = OLD.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND (NEW.done_on IS NULL OR NEW.done_on > NEW.due_date) THEN
        INSERT INTO deadline_breaches (deadline_id, unit_id, kind, due_date, done)
        SELECT NEW.id, ps.unit_id, NEW.kind, NEW.due_date, NEW.done_on IS NOT NULL
        FROM persons ps WHERE ps.id = NEW.person_id AND ps.status <> 'merged';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER deadline_breaches_keep AFTER INSERT OR UPDATE OR DELETE ON deadlines
    FOR EACH ROW EXECUTE FUNCTION deadline_breaches_keep();

CREATE FUNCTION deadline_breaches_refresh(p bigint) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM deadline_breaches b USING deadlines d WHERE d.id = b.deadline_id AND d.person_id = p;
    INSERT INTO deadline_breaches (deadline_id, unit_id, kind, due_date, done)
    SELECT d.id, ps.unit_id, d.kind, d.due_date, d.done_on IS NOT NULL
    FROM deadlines d JOIN persons ps ON ps.id = d.person_id
    WHERE d.person_id = p AND ps.status <> 'merged' AND (d.done_on IS NULL OR d.done_on > d.due_date)
$$;

CREATE FUNCTION deadline_breaches_rebuild() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM deadline_breaches;
    INSERT INTO deadline_breaches (deadline_id, unit_id, kind, due_date, done)
    SELECT d.id, ps.unit_id, d.kind, d.due_date, d.done_on IS NOT NULL
    FROM deadlines d JOIN persons ps ON ps.id = d.person_id
    WHERE ps.status <> 'merged' AND (d.done_on IS NULL OR d.done_on > d.due_date);
$$;

-- 5. Placements: the active and paused ones with their person's unit.
CREATE TABLE placements_open (
    placement_id bigint PRIMARY KEY REFERENCES placements (id) ON DELETE CASCADE,
    unit_id      bigint NOT NULL REFERENCES units (id),
    status       text NOT NULL,
    start_date   date NOT NULL,
    planned_end  date NOT NULL
);
CREATE INDEX placements_open_unit_idx ON placements_open (unit_id) INCLUDE (status, start_date, planned_end);

CREATE FUNCTION placements_open_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM placements_open WHERE placement_id = OLD.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN ('active', 'paused') THEN
        INSERT INTO placements_open (placement_id, unit_id, status, start_date, planned_end)
        SELECT NEW.id, ps.unit_id, NEW.status, NEW.start_date, NEW.planned_end
        FROM persons ps WHERE ps.id = NEW.person_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER placements_open_keep AFTER INSERT OR UPDATE OR DELETE ON placements
    FOR EACH ROW EXECUTE FUNCTION placements_open_keep();

CREATE FUNCTION placements_open_rebuild() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM placements_open;
    INSERT INTO placements_open (placement_id, unit_id, status, start_date, planned_end)
    SELECT pl.id, ps.unit_id, pl.status, pl.start_date, pl.planned_end
    FROM placements pl JOIN persons ps ON ps.id = pl.person_id
    WHERE pl.status IN ('active', 'paused');
$$;

-- 6. Caseload: active persons per unit and caseworker (0: none).
CREATE TABLE caseload_counts (
    unit_id       bigint NOT NULL REFERENCES units (id),
    caseworker_id bigint NOT NULL,
    n             integer NOT NULL,
    PRIMARY KEY (unit_id, caseworker_id)
);

CREATE FUNCTION caseload_add(u bigint, cw bigint, delta integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO caseload_counts AS c (unit_id, caseworker_id, n) VALUES (u, coalesce(cw, 0), delta)
    ON CONFLICT (unit_id, caseworker_id) DO UPDATE SET n = c.n + excluded.n
$$;

CREATE FUNCTION caseload_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.unit_id IS NOT DISTINCT FROM NEW.unit_id AND OLD.status IS NOT DISTINCT FROM NEW.status
        AND OLD.caseworker_id IS NOT DISTINCT FROM NEW.caseworker_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'active' THEN
        PERFORM caseload_add(OLD.unit_id, OLD.caseworker_id, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'active' THEN
        PERFORM caseload_add(NEW.unit_id, NEW.caseworker_id, 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER caseload_keep AFTER INSERT OR UPDATE OF unit_id, status, caseworker_id OR DELETE ON persons
    FOR EACH ROW EXECUTE FUNCTION caseload_keep();

CREATE FUNCTION caseload_rebuild() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM caseload_counts;
    INSERT INTO caseload_counts (unit_id, caseworker_id, n)
    SELECT p.unit_id, coalesce(p.caseworker_id, 0), count(*) FROM persons p WHERE p.status = 'active' GROUP BY 1, 2;
$$;

-- A person's unit, status or settlement date changes: move what they
-- contribute. Deleted: take it away before the cascade removes the rows
-- (whose own triggers then find no person and do nothing).
CREATE FUNCTION dashboard_person_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    gone boolean := TG_OP = 'DELETE';
    moved boolean := true;
    settled boolean := true;
BEGIN
    IF NOT gone THEN
        moved := OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.status IS DISTINCT FROM NEW.status;
        settled := moved OR OLD.settlement_date IS DISTINCT FROM NEW.settlement_date;
    END IF;
    IF moved THEN
        IF OLD.status = 'active' THEN
            PERFORM health_open_add(OLD.unit_id, h.kind, h.due_date, -1)
            FROM health_items h WHERE h.person_id = OLD.id AND h.status IN ('not_started', 'booked');
        END IF;
        IF NOT gone AND NEW.status = 'active' THEN
            PERFORM health_open_add(NEW.unit_id, h.kind, h.due_date, 1)
            FROM health_items h WHERE h.person_id = NEW.id AND h.status IN ('not_started', 'booked');
        END IF;
    END IF;
    IF settled THEN
        PERFORM programme_start_add(OLD.unit_id, OLD.status, OLD.settlement_date, pr.decision, pr.decision_date, pr.start_date, -1)
        FROM programmes pr WHERE pr.person_id = OLD.id;
        IF NOT gone THEN
            PERFORM programme_start_add(NEW.unit_id, NEW.status, NEW.settlement_date, pr.decision, pr.decision_date, pr.start_date, 1)
            FROM programmes pr WHERE pr.person_id = NEW.id;
        END IF;
    END IF;
    IF gone THEN
        RETURN OLD;
    END IF;
    IF moved THEN
        UPDATE participant_hours SET unit_id = NEW.unit_id, active = NEW.status = 'active' WHERE person_id = NEW.id;
        PERFORM deadline_breaches_refresh(NEW.id);
        UPDATE placements_open o SET unit_id = NEW.unit_id FROM placements pl
        WHERE pl.id = o.placement_id AND pl.person_id = NEW.id AND o.unit_id IS DISTINCT FROM NEW.unit_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER dashboard_person_keep AFTER UPDATE OF unit_id, status, settlement_date ON persons
    FOR EACH ROW EXECUTE FUNCTION dashboard_person_keep();
CREATE TRIGGER dashboard_person_gone BEFORE DELETE ON persons
    FOR EACH ROW EXECUTE FUNCTION dashboard_person_keep();

-- The batch's other statements look persons up by id for their unit and
-- status: from the index alone.
CREATE INDEX persons_id_unit_status_idx ON persons (id) INCLUDE (unit_id, status);

SELECT participant_hours_rebuild();
SELECT health_open_rebuild();
SELECT programme_start_rebuild();
SELECT deadline_breaches_rebuild();
SELECT placements_open_rebuild();
SELECT caseload_rebuild();
ANALYZE participant_hours;
ANALYZE health_open_counts;
ANALYZE programme_start_counts;
ANALYZE deadline_breaches;
ANALYZE placements_open;
ANALYZE caseload_counts;
