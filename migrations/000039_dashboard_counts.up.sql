-- The leaders' dashboard independent of the number of persons (issue 12:
-- 1 000 000 persons in 20 units; postgres/dashboard.go). The per-row
-- summaries of migrations 000030 and 000035 (attendance_months: a row per
-- participant and month; deadline_breaches: per breached deadline;
-- participant_hours: per participant; placements_open: per placement) grow
-- with the persons, so the figures read COUNTS instead, per unit and day,
-- month or year, kept by triggers in the same transaction as every write
-- (like 000035). The triggers on the per-row summaries are statement
-- triggers with transition tables: a statement that writes many rows (a
-- week of attendance, a person's refresh, a unit move) adds its deltas in
-- one upsert per count row, in key order. Each table is rebuilt from the
-- rows by its *_rebuild() function (run below; tests compare the two).
--
-- A figure "as of today" that is a range test on dates (a participant's
-- plan piece in force today, an active placement started by today) is a
-- prefix sum of events: +1 on the first day, -1 on the day after. Events
-- are summed on three levels, so that the sum up to any day reads at most
-- the years before, the months of its year before and the days of its
-- month (a few dozen rows per unit and bucket, whatever the history):
-- level 'y' (at = 1 January), 'm' (at = first of the month), 'd' (the day).

-- 1. Attendance minutes per unit and month, from the daily rows. slot is
-- the writing backend's pid mod 8: concurrent week saves in one unit and
-- month update different rows instead of queueing on one (a reader sums
-- the slots). A person moved to another unit takes their sums along
-- (dashboard_counts_person_keep below).
CREATE TABLE attendance_unit_months (
    unit_id         bigint NOT NULL REFERENCES units (id),
    month           date NOT NULL CHECK (extract(day FROM month) = 1),
    slot            smallint NOT NULL,
    present_minutes bigint NOT NULL,
    absent_minutes  bigint NOT NULL,
    PRIMARY KEY (unit_id, month, slot)
);
CREATE INDEX attendance_unit_months_month_idx ON attendance_unit_months (month) INCLUDE (present_minutes, absent_minutes);

CREATE FUNCTION attendance_unit_months_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO attendance_unit_months AS m (unit_id, month, slot, present_minutes, absent_minutes)
        SELECT ps.unit_id, date_trunc('month', n.day)::date, pg_backend_pid() % 8, sum(n.present_minutes), sum(n.absent_minutes)
        FROM new_rows n JOIN persons ps ON ps.id = n.person_id
        GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (unit_id, month, slot) DO UPDATE
            SET present_minutes = m.present_minutes + excluded.present_minutes, absent_minutes = m.absent_minutes + excluded.absent_minutes;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO attendance_unit_months AS m (unit_id, month, slot, present_minutes, absent_minutes)
        SELECT ps.unit_id, date_trunc('month', x.day)::date, pg_backend_pid() % 8, sum(x.present), sum(x.absent)
        FROM (SELECT n.person_id, n.day, n.present_minutes AS present, n.absent_minutes AS absent FROM new_rows n
              UNION ALL SELECT o.person_id, o.day, -o.present_minutes, -o.absent_minutes FROM old_rows o) x
        JOIN persons ps ON ps.id = x.person_id
        GROUP BY 1, 2 HAVING sum(x.present) <> 0 OR sum(x.absent) <> 0 ORDER BY 1, 2
        ON CONFLICT (unit_id, month, slot) DO UPDATE
            SET present_minutes = m.present_minutes + excluded.present_minutes, absent_minutes = m.absent_minutes + excluded.absent_minutes;
    ELSE
        INSERT INTO attendance_unit_months AS m (unit_id, month, slot, present_minutes, absent_minutes)
        SELECT ps.unit_id, date_trunc('month', o.day)::date, pg_backend_pid() % 8, -sum(o.present_minutes), -sum(o.absent_minutes)
        FROM old_rows o JOIN persons ps ON ps.id = o.person_id
        GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (unit_id, month, slot) DO UPDATE
            SET present_minutes = m.present_minutes + excluded.present_minutes, absent_minutes = m.absent_minutes + excluded.absent_minutes;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER attendance_unit_months_ins AFTER INSERT ON attendance
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_unit_months_keep();
CREATE TRIGGER attendance_unit_months_upd AFTER UPDATE ON attendance
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_unit_months_keep();
CREATE TRIGGER attendance_unit_months_del AFTER DELETE ON attendance
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_unit_months_keep();

CREATE FUNCTION attendance_unit_months_rebuild() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM attendance_unit_months;
    INSERT INTO attendance_unit_months (unit_id, month, slot, present_minutes, absent_minutes)
    SELECT p.unit_id, date_trunc('month', a.day)::date, 0, sum(a.present_minutes), sum(a.absent_minutes)
    FROM attendance a JOIN persons p ON p.id = a.person_id
    GROUP BY 1, 2;
$$;

-- 2. Deadline breaches (deadline_breaches: open or done late, persons not
-- merged) counted per unit, kind, month of the due date and done; and the
-- open ones per unit, kind and due date, for the month of today (overdue
-- = due before today: the whole month for the months before, some days of
-- today's month). Kept from deadline_breaches, which follows the
-- deadlines, merges and unit moves (000035).
CREATE TABLE deadline_breach_months (
    unit_id bigint NOT NULL REFERENCES units (id),
    kind    text NOT NULL,
    month   date NOT NULL CHECK (extract(day FROM month) = 1),
    done    boolean NOT NULL,
    n       integer NOT NULL,
    PRIMARY KEY (unit_id, month, kind, done)
);
CREATE INDEX deadline_breach_months_month_idx ON deadline_breach_months (month) INCLUDE (kind, done, n);

CREATE TABLE deadline_open_days (
    unit_id  bigint NOT NULL REFERENCES units (id),
    kind     text NOT NULL,
    due_date date NOT NULL,
    n        integer NOT NULL,
    PRIMARY KEY (unit_id, due_date, kind)
);
CREATE INDEX deadline_open_days_due_idx ON deadline_open_days (due_date) INCLUDE (kind, n);

CREATE FUNCTION deadline_counts_add(d jsonb) RETURNS void
LANGUAGE sql AS $$
    -- d: [{u, k, day, done, n}] (already summed per unit, kind, day, done)
    INSERT INTO deadline_breach_months AS c (unit_id, kind, month, done, n)
    SELECT (e->>'u')::bigint, e->>'k', date_trunc('month', (e->>'day')::date)::date, (e->>'done')::boolean, sum((e->>'n')::int)
    FROM jsonb_array_elements(d) e
    GROUP BY 1, 2, 3, 4 HAVING sum((e->>'n')::int) <> 0 ORDER BY 1, 3, 2, 4
    ON CONFLICT (unit_id, month, kind, done) DO UPDATE SET n = c.n + excluded.n;
    INSERT INTO deadline_open_days AS c (unit_id, kind, due_date, n)
    SELECT (e->>'u')::bigint, e->>'k', (e->>'day')::date, sum((e->>'n')::int)
    FROM jsonb_array_elements(d) e WHERE NOT (e->>'done')::boolean
    GROUP BY 1, 2, 3 HAVING sum((e->>'n')::int) <> 0 ORDER BY 1, 3, 2
    ON CONFLICT (unit_id, due_date, kind) DO UPDATE SET n = c.n + excluded.n;
$$;

CREATE FUNCTION deadline_counts_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(jsonb_build_object('u', unit_id, 'k', kind, 'day', due_date, 'done', done, 'n', n)) INTO d
        FROM (SELECT unit_id, kind, due_date, done, count(*) AS n FROM new_rows GROUP BY 1, 2, 3, 4) x;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT jsonb_agg(jsonb_build_object('u', unit_id, 'k', kind, 'day', due_date, 'done', done, 'n', n)) INTO d
        FROM (SELECT unit_id, kind, due_date, done, sum(n) AS n FROM (
            SELECT unit_id, kind, due_date, done, 1 AS n FROM new_rows
            UNION ALL SELECT unit_id, kind, due_date, done, -1 FROM old_rows) y GROUP BY 1, 2, 3, 4) x;
    ELSE
        SELECT jsonb_agg(jsonb_build_object('u', unit_id, 'k', kind, 'day', due_date, 'done', done, 'n', -n)) INTO d
        FROM (SELECT unit_id, kind, due_date, done, count(*) AS n FROM old_rows GROUP BY 1, 2, 3, 4) x;
    END IF;
    IF d IS NOT NULL THEN
        PERFORM deadline_counts_add(d);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER deadline_counts_ins AFTER INSERT ON deadline_breaches
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deadline_counts_keep();
CREATE TRIGGER deadline_counts_upd AFTER UPDATE ON deadline_breaches
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deadline_counts_keep();
CREATE TRIGGER deadline_counts_del AFTER DELETE ON deadline_breaches
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deadline_counts_keep();

CREATE FUNCTION deadline_counts_rebuild() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM deadline_breach_months;
    DELETE FROM deadline_open_days;
    INSERT INTO deadline_breach_months (unit_id, kind, month, done, n)
    SELECT b.unit_id, b.kind, date_trunc('month', b.due_date)::date, b.done, count(*)
    FROM deadline_breaches b GROUP BY 1, 2, 3, 4;
    INSERT INTO deadline_open_days (unit_id, kind, due_date, n)
    SELECT b.unit_id, b.kind, b.due_date, count(*)
    FROM deadline_breaches b WHERE NOT b.done GROUP BY 1, 2, 3;
$$;

-- deadline_breaches_keep (000035) deleted and re-inserted a deadline's row
-- on every update; now only when what it records changes (a deadline
-- marked done in time, or its version bumped, no longer touches the counts).
CREATE OR REPLACE FUNCTION deadline_breaches_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.person_id = NEW.person_id AND OLD.kind = NEW.kind AND OLD.due_date = NEW.due_date
        AND (OLD.done_on IS NULL) = (NEW.done_on IS NULL)
        AND (OLD.done_on IS NULL OR OLD.done_on > OLD.due_date) = (NEW.done_on IS NULL OR NEW.done_on > NEW.due_date) THEN
        RETURN NULL;
    END IF;
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

-- 3. Planned hours of running participants: participant_hours' active
-- pieces as events per unit and bucket of minutes per week (0: no plan,
-- 1: under 20 hours, 2: under 30, 3: under full time (37.5 hours,
-- postgres.FullTimeMinutes), 4: full time): +1 at from_day, -1 at to_day,
-- on the three levels above. The running participants by bucket on a day
-- are the events up to that day.
CREATE TABLE participant_hours_events (
    unit_id bigint NOT NULL REFERENCES units (id),
    level   "char" NOT NULL CHECK (level IN ('y', 'm', 'd')),
    at      date NOT NULL,
    bucket  smallint NOT NULL,
    n       integer NOT NULL,
    PRIMARY KEY (unit_id, level, at, bucket)
);
CREATE INDEX participant_hours_events_at_idx ON participant_hours_events (level, at) INCLUDE (bucket, n);

CREATE FUNCTION participant_hours_bucket(minutes integer) RETURNS smallint
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN minutes IS NULL THEN 0 WHEN minutes < 1200 THEN 1 WHEN minutes < 1800 THEN 2
        WHEN minutes < 2250 THEN 3 ELSE 4 END::smallint
$$;

-- events_add adds events (unit, bucket, day, n) on the three levels.
CREATE FUNCTION participant_hours_events_add(d jsonb) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO participant_hours_events AS c (unit_id, level, at, bucket, n)
    SELECT u, l.level, l.at, b, sum(n)
    FROM (SELECT (e->>'u')::bigint AS u, (e->>'b')::smallint AS b, (e->>'day')::date AS day, (e->>'n')::int AS n
          FROM jsonb_array_elements(d) e) x
    CROSS JOIN LATERAL (VALUES ('y'::"char", date_trunc('year', x.day)::date), ('m', date_trunc('month', x.day)::date), ('d', x.day)) l (level, at)
    GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (unit_id, level, at, bucket) DO UPDATE SET n = c.n + excluded.n;
$$;

CREATE FUNCTION participant_hours_events_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d jsonb;
BEGIN
    -- Each active piece: +1 at from_day, -1 at to_day; sign -1 for old rows.
    IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(jsonb_build_object('u', u, 'b', b, 'day', day, 'n', n)) INTO d FROM (
            SELECT u, b, day, sum(n) AS n FROM (
                SELECT r.unit_id AS u, participant_hours_bucket(r.minutes) AS b, r.from_day AS day, 1 AS n FROM new_rows r WHERE r.active
                UNION ALL SELECT r.unit_id, participant_hours_bucket(r.minutes), r.to_day, -1 FROM new_rows r WHERE r.active AND r.to_day IS NOT NULL
            ) e GROUP BY 1, 2, 3 HAVING sum(n) <> 0) x;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT jsonb_agg(jsonb_build_object('u', u, 'b', b, 'day', day, 'n', n)) INTO d FROM (
            SELECT u, b, day, sum(n) AS n FROM (
                SELECT r.unit_id AS u, participant_hours_bucket(r.minutes) AS b, r.from_day AS day, 1 AS n FROM new_rows r WHERE r.active
                UNION ALL SELECT r.unit_id, participant_hours_bucket(r.minutes), r.to_day, -1 FROM new_rows r WHERE r.active AND r.to_day IS NOT NULL
                UNION ALL SELECT r.unit_id, participant_hours_bucket(r.minutes), r.from_day, -1 FROM old_rows r WHERE r.active
                UNION ALL SELECT r.unit_id, participant_hours_bucket(r.minutes), r.to_day, 1 FROM old_rows r WHERE r.active AND r.to_day IS NOT NULL
            ) e GROUP BY 1, 2, 3 HAVING sum(n) <> 0) x;
    ELSE
        SELECT jsonb_agg(jsonb_build_object('u', u, 'b', b, 'day', day, 'n', n)) INTO d FROM (
            SELECT u, b, day, sum(n) AS n FROM (
                SELECT r.unit_id AS u, participant_hours_bucket(r.minutes) AS b, r.from_day AS day, -1 AS n FROM old_rows r WHERE r.active
                UNION ALL SELECT r.unit_id, participant_hours_bucket(r.minutes), r.to_day, 1 FROM old_rows r WHERE r.active AND r.to_day IS NOT NULL
            ) e GROUP BY 1, 2, 3 HAVING sum(n) <> 0) x;
    END IF;
    IF d IS NOT NULL THEN
        PERFORM participant_hours_events_add(d);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER participant_hours_events_ins AFTER INSERT ON participant_hours
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION participant_hours_events_keep();
CREATE TRIGGER participant_hours_events_upd AFTER UPDATE ON participant_hours
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION participant_hours_events_keep();
CREATE TRIGGER participant_hours_events_del AFTER DELETE ON participant_hours
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION participant_hours_events_keep();

CREATE FUNCTION participant_hours_events_rebuild() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM participant_hours_events;
    SELECT participant_hours_events_add(coalesce(jsonb_agg(jsonb_build_object('u', u, 'b', b, 'day', day, 'n', n)), '[]')) FROM (
        SELECT u, b, day, sum(n) AS n FROM (
            SELECT r.unit_id AS u, participant_hours_bucket(r.minutes) AS b, r.from_day AS day, 1 AS n FROM participant_hours r WHERE r.active
            UNION ALL SELECT r.unit_id, participant_hours_bucket(r.minutes), r.to_day, -1 FROM participant_hours r WHERE r.active AND r.to_day IS NOT NULL
        ) e GROUP BY 1, 2, 3 HAVING sum(n) <> 0) x;
$$;

-- 4. Placements (placements_open: active and paused, with the person's
-- unit) counted per unit, kind and day: kind 'a' the active ones (at
-- '-infinity'), 's' the active ones by start date (active and started by
-- a day = 'a' less 's' after the day), 'e' the active and paused ones by
-- planned end (ending in the next 28 days).
CREATE TABLE placement_counts (
    unit_id bigint NOT NULL REFERENCES units (id),
    kind    "char" NOT NULL CHECK (kind IN ('a', 's', 'e')),
    day     date NOT NULL,
    n       integer NOT NULL,
    PRIMARY KEY (unit_id, kind, day)
);
CREATE INDEX placement_counts_day_idx ON placement_counts (kind, day) INCLUDE (n);

CREATE FUNCTION placement_counts_add(d jsonb) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO placement_counts AS c (unit_id, kind, day, n)
    SELECT x.u, l.kind, l.day, sum(x.n)
    FROM (SELECT (e->>'u')::bigint AS u, e->>'s' AS status, (e->>'start')::date AS start, (e->>'end')::date AS planned_end,
            (e->>'n')::int AS n FROM jsonb_array_elements(d) e) x
    CROSS JOIN LATERAL (SELECT 'a'::"char", '-infinity'::date WHERE x.status = 'active'
        UNION ALL SELECT 's', x.start WHERE x.status = 'active'
        UNION ALL SELECT 'e', x.planned_end) l (kind, day)
    GROUP BY 1, 2, 3 HAVING sum(x.n) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (unit_id, kind, day) DO UPDATE SET n = c.n + excluded.n;
$$;

CREATE FUNCTION placement_counts_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(jsonb_build_object('u', unit_id, 's', status, 'start', start_date, 'end', planned_end, 'n', 1)) INTO d FROM new_rows;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT jsonb_agg(x) INTO d FROM (
            SELECT jsonb_build_object('u', unit_id, 's', status, 'start', start_date, 'end', planned_end, 'n', 1) AS x FROM new_rows
            UNION ALL SELECT jsonb_build_object('u', unit_id, 's', status, 'start', start_date, 'end', planned_end, 'n', -1) FROM old_rows) y;
    ELSE
        SELECT jsonb_agg(jsonb_build_object('u', unit_id, 's', status, 'start', start_date, 'end', planned_end, 'n', -1)) INTO d FROM old_rows;
    END IF;
    IF d IS NOT NULL THEN
        PERFORM placement_counts_add(d);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER placement_counts_ins AFTER INSERT ON placements_open
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION placement_counts_keep();
CREATE TRIGGER placement_counts_upd AFTER UPDATE ON placements_open
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION placement_counts_keep();
CREATE TRIGGER placement_counts_del AFTER DELETE ON placements_open
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION placement_counts_keep();

CREATE FUNCTION placement_counts_rebuild() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM placement_counts;
    SELECT placement_counts_add(coalesce(jsonb_agg(jsonb_build_object('u', unit_id, 's', status, 'start', start_date, 'end', planned_end, 'n', 1)), '[]'))
    FROM placements_open;
$$;

-- 5. Ended programmes without an end reason of persons not merged, per unit.
CREATE TABLE programme_no_reason_counts (
    unit_id bigint PRIMARY KEY REFERENCES units (id),
    n       integer NOT NULL
);

CREATE FUNCTION programme_no_reason_add(p bigint, delta integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO programme_no_reason_counts AS c (unit_id, n)
    SELECT ps.unit_id, delta FROM persons ps WHERE ps.id = p AND ps.status <> 'merged'
    ON CONFLICT (unit_id) DO UPDATE SET n = c.n + excluded.n
$$;

CREATE FUNCTION programme_no_reason_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.ended_on IS NOT NULL AND OLD.end_reason = '' THEN
        PERFORM programme_no_reason_add(OLD.person_id, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.ended_on IS NOT NULL AND NEW.end_reason = '' THEN
        PERFORM programme_no_reason_add(NEW.person_id, 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER programme_no_reason_keep AFTER INSERT OR UPDATE OF person_id, ended_on, end_reason OR DELETE ON programmes
    FOR EACH ROW EXECUTE FUNCTION programme_no_reason_keep();

CREATE FUNCTION programme_no_reason_rebuild() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM programme_no_reason_counts;
    INSERT INTO programme_no_reason_counts (unit_id, n)
    SELECT p.unit_id, count(*) FROM programmes pr JOIN persons p ON p.id = pr.person_id
    WHERE pr.ended_on IS NOT NULL AND pr.end_reason = '' AND p.status <> 'merged'
    GROUP BY 1;
$$;

-- 6. Open health items (health_open_counts, 000035: per unit, kind and due
-- date, which follows the items and the persons) on levels: 't' the total
-- (at '-infinity'), and by due date 'y', 'm', 'd' as above (none for
-- 'infinity', no due date): open = 't', overdue = the due dates before
-- today, read as the years, months and days before it.
CREATE TABLE health_open_levels (
    unit_id bigint NOT NULL REFERENCES units (id),
    kind    text NOT NULL,
    level   "char" NOT NULL CHECK (level IN ('t', 'y', 'm', 'd')),
    at      date NOT NULL,
    n       integer NOT NULL,
    PRIMARY KEY (unit_id, level, at, kind)
);
CREATE INDEX health_open_levels_at_idx ON health_open_levels (level, at) INCLUDE (kind, n);

CREATE FUNCTION health_open_levels_add(d jsonb) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO health_open_levels AS c (unit_id, kind, level, at, n)
    SELECT x.u, x.k, l.level, l.at, sum(x.n)
    FROM (SELECT (e->>'u')::bigint AS u, e->>'k' AS k, (e->>'day')::date AS day, (e->>'n')::int AS n
          FROM jsonb_array_elements(d) e) x
    CROSS JOIN LATERAL (SELECT 't'::"char", '-infinity'::date
        UNION ALL SELECT v.level, v.at FROM (VALUES ('y'::"char", date_trunc('year', x.day)::date),
            ('m', date_trunc('month', x.day)::date), ('d', x.day)) v (level, at) WHERE x.day <> 'infinity'::date) l (level, at)
    GROUP BY 1, 2, 3, 4 HAVING sum(x.n) <> 0 ORDER BY 1, 3, 4, 2
    ON CONFLICT (unit_id, level, at, kind) DO UPDATE SET n = c.n + excluded.n;
$$;

CREATE FUNCTION health_open_levels_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(jsonb_build_object('u', unit_id, 'k', kind, 'day', due_date, 'n', n)) INTO d FROM new_rows;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT jsonb_agg(x) INTO d FROM (
            SELECT jsonb_build_object('u', unit_id, 'k', kind, 'day', due_date, 'n', n) AS x FROM new_rows
            UNION ALL SELECT jsonb_build_object('u', unit_id, 'k', kind, 'day', due_date, 'n', -n) FROM old_rows) y;
    ELSE
        SELECT jsonb_agg(jsonb_build_object('u', unit_id, 'k', kind, 'day', due_date, 'n', -n)) INTO d FROM old_rows;
    END IF;
    IF d IS NOT NULL THEN
        PERFORM health_open_levels_add(d);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER health_open_levels_ins AFTER INSERT ON health_open_counts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION health_open_levels_keep();
CREATE TRIGGER health_open_levels_upd AFTER UPDATE ON health_open_counts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION health_open_levels_keep();
CREATE TRIGGER health_open_levels_del AFTER DELETE ON health_open_counts
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION health_open_levels_keep();

CREATE FUNCTION health_open_levels_rebuild() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM health_open_levels;
    SELECT health_open_levels_add(coalesce(jsonb_agg(jsonb_build_object('u', unit_id, 'k', kind, 'day', due_date, 'n', n)), '[]'))
    FROM health_open_counts WHERE n <> 0;
$$;

-- A person moved to another unit, merged or unmerged, or deleted: their
-- attendance and programmes without an end reason move along (the other
-- counts follow their per-row summaries). Deleted: taken away before the
-- cascade removes the rows (whose triggers then find no person).
CREATE FUNCTION dashboard_counts_person_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    gone boolean := TG_OP = 'DELETE';
    new_unit bigint;      -- NULL when deleted
    new_counted boolean := false;
BEGIN
    IF NOT gone THEN
        new_unit := NEW.unit_id;
        new_counted := NEW.status <> 'merged';
    END IF;
    IF gone OR OLD.unit_id IS DISTINCT FROM new_unit THEN
        INSERT INTO attendance_unit_months AS m (unit_id, month, slot, present_minutes, absent_minutes)
        SELECT u.unit_id, a.month, pg_backend_pid() % 8, sum(u.sign * a.present_minutes), sum(u.sign * a.absent_minutes)
        FROM attendance_months a
        CROSS JOIN (SELECT OLD.unit_id, -1 UNION ALL SELECT new_unit, 1 WHERE NOT gone) u (unit_id, sign)
        WHERE a.person_id = OLD.id
        GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (unit_id, month, slot) DO UPDATE
            SET present_minutes = m.present_minutes + excluded.present_minutes, absent_minutes = m.absent_minutes + excluded.absent_minutes;
    END IF;
    IF gone OR OLD.unit_id IS DISTINCT FROM new_unit OR (OLD.status <> 'merged') <> new_counted THEN
        INSERT INTO programme_no_reason_counts AS c (unit_id, n)
        SELECT u.unit_id, sum(u.sign)
        FROM programmes pr
        CROSS JOIN (SELECT OLD.unit_id, -1 WHERE OLD.status <> 'merged'
            UNION ALL SELECT new_unit, 1 WHERE new_counted) u (unit_id, sign)
        WHERE pr.person_id = OLD.id AND pr.ended_on IS NOT NULL AND pr.end_reason = ''
        GROUP BY 1 ORDER BY 1
        ON CONFLICT (unit_id) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    IF gone THEN
        RETURN OLD;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER dashboard_counts_person_keep AFTER UPDATE OF unit_id, status ON persons
    FOR EACH ROW EXECUTE FUNCTION dashboard_counts_person_keep();
CREATE TRIGGER dashboard_counts_person_gone BEFORE DELETE ON persons
    FOR EACH ROW EXECUTE FUNCTION dashboard_counts_person_keep();

SELECT attendance_unit_months_rebuild();
SELECT deadline_counts_rebuild();
SELECT participant_hours_events_rebuild();
SELECT placement_counts_rebuild();
SELECT programme_no_reason_rebuild();
SELECT health_open_levels_rebuild();
ANALYZE attendance_unit_months;
ANALYZE deadline_breach_months;
ANALYZE deadline_open_days;
ANALYZE participant_hours_events;
ANALYZE placement_counts;
ANALYZE programme_no_reason_counts;
ANALYZE health_open_levels;
