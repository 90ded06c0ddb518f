-- The occupancy board without summarising the leases on each request
-- (issue 11, performance; postgres/housing_board.go, and the dashboard's
-- housing figures in postgres/dashboard.go). Three summaries kept by
-- statement-level triggers on leases and housing_units in the same
-- transaction as the write (transition tables: a bulk write such as the
-- demo's COPY refreshes its housing units in one set-based pass), rebuilt
-- from the rows by housing_occupancy_rebuild() (the backfill below; tests
-- compare the two).
--
-- The rules are the board's: a lease holds its housing unit over
-- [start_date, end_date) (no end: open-ended); a unit with status
-- 'renovation' or 'unused' is under repair on every day and never let;
-- any other unit is let on a day when a lease holds it, else free.

-- 1. Per housing unit: its merged occupied periods (range_agg of its
-- leases' periods), the latest end of its leases (let_until: 'infinity'
-- for an open-ended lease, '-infinity' when it has none) and copies of the
-- unit columns the board filters and sorts by and the fit rule reads (so
-- the candidates' pool is an index-only scan). No foreign key: the
-- triggers below delete the row with its housing unit (a cascade would run
-- before them and hide what the row counted).
CREATE TABLE housing_occupancy (
    housing_unit_id bigint NOT NULL,
    unit_id         bigint NOT NULL,
    owner_type      text NOT NULL,
    repair          boolean NOT NULL,
    address_key     text NOT NULL,
    address         text NOT NULL,
    bedrooms        integer NOT NULL,
    accessible      boolean NOT NULL,
    rent_ore        bigint NOT NULL,
    occupied        datemultirange NOT NULL,
    let_until       date NOT NULL,
    -- The arrears' scope and owner filter by lease's housing unit, from the index.
    PRIMARY KEY (housing_unit_id) INCLUDE (unit_id, owner_type)
);
-- The units free today, first by address: a walk in address order that
-- tests each unit's periods from the index (most units are let) and stops
-- at the list's limit; per unit, and across units for admins.
CREATE INDEX housing_occupancy_free_idx ON housing_occupancy (unit_id, address_key, housing_unit_id)
    INCLUDE (owner_type, occupied) WHERE NOT repair;
CREATE INDEX housing_occupancy_free_all_idx ON housing_occupancy (address_key, housing_unit_id)
    INCLUDE (unit_id, owner_type, occupied) WHERE NOT repair;
-- The fit candidates' pool: units free from some day before the horizon.
CREATE INDEX housing_occupancy_until_idx ON housing_occupancy (unit_id, let_until)
    INCLUDE (owner_type, address, bedrooms, accessible, rent_ore) WHERE NOT repair;

-- 2. Per unit of the service and owner type: the housing units and those
-- under repair.
CREATE TABLE housing_unit_counts (
    unit_id    bigint NOT NULL,
    owner_type text NOT NULL,
    units      integer NOT NULL,
    repair     integer NOT NULL,
    PRIMARY KEY (unit_id, owner_type)
);

-- 3. Per unit of the service, owner type and day: +1 for each period of
-- a housing unit not under repair that starts that day, -1 for each that
-- ends (its end day is free). The units let on day d are the sum of delta
-- over the days <= d: a scan of a few thousand small rows however many
-- leases there are. Rows whose delta falls to 0 are deleted.
CREATE TABLE housing_let_edges (
    unit_id    bigint NOT NULL,
    owner_type text NOT NULL,
    day        date NOT NULL,
    delta      integer NOT NULL,
    PRIMARY KEY (unit_id, owner_type, day) INCLUDE (delta)
);

-- Refreshes the summaries of the housing units ids from the rows: their
-- occupancy rows are locked first (in id order; the app locks the housing
-- unit before that), so two refreshes of a unit run one after the other
-- and the second reads the first's leases (each statement of this
-- volatile function takes a new snapshot). The counts and edges change by
-- the difference between the old and the new rows, written in key order
-- (deadlock-safe among statements that each refresh once).
CREATE FUNCTION housing_occupancy_refresh(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    cur housing_occupancy[];
    nxt housing_occupancy[];
    zu bigint[];
    zo text[];
    zd date[];
BEGIN
    PERFORM 1 FROM housing_occupancy o WHERE o.housing_unit_id = ANY (ids) ORDER BY o.housing_unit_id FOR UPDATE;
    SELECT array_agg(o) INTO cur FROM housing_occupancy o WHERE o.housing_unit_id = ANY (ids);
    SELECT array_agg(ROW(h.id, h.unit_id, h.owner_type, h.status IN ('renovation', 'unused'), h.address_key,
            h.address, h.bedrooms, h.accessible, h.rent_ore, coalesce(l.occupied, '{}'::datemultirange), coalesce(l.until, '-infinity'::date))::housing_occupancy)
        INTO nxt
    FROM unnest(ids) z(id)
    JOIN housing_units h ON h.id = z.id
    LEFT JOIN LATERAL (SELECT range_agg(daterange(l.start_date, l.end_date)) AS occupied,
            max(coalesce(l.end_date, 'infinity'::date)) AS until
        FROM leases l WHERE l.housing_unit_id = h.id) l ON true;

    INSERT INTO housing_unit_counts AS c (unit_id, owner_type, units, repair)
    SELECT x.unit_id, x.owner_type, sum(x.sign), sum(x.sign * x.repair::int)
    FROM (SELECT o.unit_id, o.owner_type, o.repair, -1 AS sign FROM unnest(cur) o
          UNION ALL SELECT n.unit_id, n.owner_type, n.repair, 1 FROM unnest(nxt) n) x
    GROUP BY 1, 2 HAVING sum(x.sign) <> 0 OR sum(x.sign * x.repair::int) <> 0
    ORDER BY 1, 2
    ON CONFLICT (unit_id, owner_type) DO UPDATE SET units = c.units + excluded.units, repair = c.repair + excluded.repair;

    WITH up AS (
        INSERT INTO housing_let_edges AS e (unit_id, owner_type, day, delta)
        SELECT x.unit_id, x.owner_type, b.day, sum(x.sign * b.delta)
        FROM (SELECT o.unit_id, o.owner_type, o.repair, o.occupied, -1 AS sign FROM unnest(cur) o
              UNION ALL SELECT n.unit_id, n.owner_type, n.repair, n.occupied, 1 FROM unnest(nxt) n) x
        CROSS JOIN LATERAL unnest(x.occupied) r
        CROSS JOIN LATERAL (VALUES (lower(r), 1), (upper(r), -1)) b(day, delta)
        WHERE NOT x.repair AND b.day IS NOT NULL
        GROUP BY 1, 2, 3 HAVING sum(x.sign * b.delta) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (unit_id, owner_type, day) DO UPDATE SET delta = e.delta + excluded.delta
        RETURNING e.unit_id, e.owner_type, e.day, e.delta)
    SELECT array_agg(up.unit_id), array_agg(up.owner_type), array_agg(up.day) INTO zu, zo, zd FROM up WHERE up.delta = 0;
    IF zu IS NOT NULL THEN
        DELETE FROM housing_let_edges e USING unnest(zu, zo, zd) z(u, o, d)
        WHERE e.unit_id = z.u AND e.owner_type = z.o AND e.day = z.d AND e.delta = 0;
    END IF;

    DELETE FROM housing_occupancy o WHERE o.housing_unit_id = ANY (ids)
        AND NOT EXISTS (SELECT 1 FROM unnest(nxt) n WHERE n.housing_unit_id = o.housing_unit_id);
    INSERT INTO housing_occupancy AS o SELECT * FROM unnest(nxt)
    ON CONFLICT (housing_unit_id) DO UPDATE SET unit_id = excluded.unit_id, owner_type = excluded.owner_type,
        repair = excluded.repair, address_key = excluded.address_key, address = excluded.address, bedrooms = excluded.bedrooms,
        accessible = excluded.accessible, rent_ore = excluded.rent_ore, occupied = excluded.occupied, let_until = excluded.let_until
    WHERE (o.*) IS DISTINCT FROM (excluded.*);
END
$$;

-- The triggers: the housing units whose leases were inserted, deleted or
-- changed in unit or period (other changes, such as the rent, arrears or
-- a merge's new tenant, refresh nothing), and the housing units inserted,
-- deleted or changed in a column copied (unit, owner type, repair status,
-- address, bedrooms, accessibility, rent; not let/vacant). One trigger
-- per event (transition tables), one function.
CREATE FUNCTION housing_occupancy_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_TABLE_NAME = 'leases' THEN
        IF TG_OP = 'INSERT' THEN
            SELECT array_agg(DISTINCT n.housing_unit_id ORDER BY n.housing_unit_id) INTO ids FROM new_rows n;
        ELSIF TG_OP = 'DELETE' THEN
            SELECT array_agg(DISTINCT o.housing_unit_id ORDER BY o.housing_unit_id) INTO ids FROM old_rows o;
        ELSE
            SELECT array_agg(DISTINCT v.id ORDER BY v.id) INTO ids
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            CROSS JOIN LATERAL (VALUES (o.housing_unit_id), (n.housing_unit_id)) v(id)
            WHERE (o.housing_unit_id, o.start_date, o.end_date) IS DISTINCT FROM (n.housing_unit_id, n.start_date, n.end_date);
        END IF;
    ELSE
        IF TG_OP = 'INSERT' THEN
            SELECT array_agg(n.id ORDER BY n.id) INTO ids FROM new_rows n;
        ELSIF TG_OP = 'DELETE' THEN
            SELECT array_agg(o.id ORDER BY o.id) INTO ids FROM old_rows o;
        ELSE
            SELECT array_agg(DISTINCT v.id ORDER BY v.id) INTO ids
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            CROSS JOIN LATERAL (VALUES (o.id), (n.id)) v(id)
            WHERE (o.unit_id, o.owner_type, o.status IN ('renovation', 'unused'), o.address_key, o.address, o.bedrooms, o.accessible, o.rent_ore)
                IS DISTINCT FROM (n.unit_id, n.owner_type, n.status IN ('renovation', 'unused'), n.address_key, n.address, n.bedrooms, n.accessible, n.rent_ore);
        END IF;
    END IF;
    IF ids IS NOT NULL THEN
        PERFORM housing_occupancy_refresh(ids);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER housing_occupancy_insert AFTER INSERT ON leases
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION housing_occupancy_keep();
CREATE TRIGGER housing_occupancy_update AFTER UPDATE ON leases
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION housing_occupancy_keep();
CREATE TRIGGER housing_occupancy_delete AFTER DELETE ON leases
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION housing_occupancy_keep();
CREATE TRIGGER housing_occupancy_insert AFTER INSERT ON housing_units
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION housing_occupancy_keep();
CREATE TRIGGER housing_occupancy_update AFTER UPDATE ON housing_units
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION housing_occupancy_keep();
CREATE TRIGGER housing_occupancy_delete AFTER DELETE ON housing_units
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION housing_occupancy_keep();

CREATE FUNCTION housing_occupancy_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM housing_occupancy;
    DELETE FROM housing_unit_counts;
    DELETE FROM housing_let_edges;
    INSERT INTO housing_occupancy (housing_unit_id, unit_id, owner_type, repair, address_key, address, bedrooms, accessible, rent_ore,
        occupied, let_until)
    SELECT h.id, h.unit_id, h.owner_type, h.status IN ('renovation', 'unused'), h.address_key, h.address, h.bedrooms, h.accessible, h.rent_ore,
        coalesce(l.occupied, '{}'::datemultirange), coalesce(l.until, '-infinity'::date)
    FROM housing_units h
    LEFT JOIN (SELECT l.housing_unit_id, range_agg(daterange(l.start_date, l.end_date)) AS occupied,
            max(coalesce(l.end_date, 'infinity'::date)) AS until
        FROM leases l GROUP BY l.housing_unit_id) l ON l.housing_unit_id = h.id;
    INSERT INTO housing_unit_counts (unit_id, owner_type, units, repair)
    SELECT o.unit_id, o.owner_type, count(*), count(*) FILTER (WHERE o.repair)
    FROM housing_occupancy o GROUP BY 1, 2;
    INSERT INTO housing_let_edges (unit_id, owner_type, day, delta)
    SELECT o.unit_id, o.owner_type, b.day, sum(b.delta)
    FROM housing_occupancy o
    CROSS JOIN LATERAL unnest(o.occupied) r
    CROSS JOIN LATERAL (VALUES (lower(r), 1), (upper(r), -1)) b(day, delta)
    WHERE NOT o.repair AND b.day IS NOT NULL
    GROUP BY 1, 2, 3 HAVING sum(b.delta) <> 0;
END
$$;

-- TRUNCATE fires no row or statement triggers of the above: start over.
CREATE FUNCTION housing_occupancy_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM housing_occupancy_rebuild();
    RETURN NULL;
END
$$;
CREATE TRIGGER housing_occupancy_truncate AFTER TRUNCATE ON leases
    FOR EACH STATEMENT EXECUTE FUNCTION housing_occupancy_truncated();
CREATE TRIGGER housing_occupancy_truncate AFTER TRUNCATE ON housing_units
    FOR EACH STATEMENT EXECUTE FUNCTION housing_occupancy_truncated();

-- The arrears (leases flagged, running today) from the index alone,
-- replacing 000037's leases_arrears_idx; 000037's leases_open_idx served
-- only the board's pass over the open leases, which is gone.
CREATE INDEX leases_arrears_cover_idx ON leases (housing_unit_id) INCLUDE (start_date, end_date, household_id, person_id) WHERE rent_arrears;
DROP INDEX IF EXISTS leases_arrears_idx;
DROP INDEX IF EXISTS leases_open_idx;

SELECT housing_occupancy_rebuild();
ANALYZE housing_occupancy;
ANALYZE housing_unit_counts;
ANALYZE housing_let_edges;
