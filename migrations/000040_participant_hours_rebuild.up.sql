-- participant_hours_rebuild() (migration 000035) refreshed the summary one
-- person at a time: one INSERT per participant, and since migration 000039
-- each of those INSERTs fired participant_hours_events' statement triggers
-- with a transition table of one person, upserting the same few
-- (unit, level, day, bucket) count rows once per participant inside the one
-- transaction — quadratic: the rebuild after a 100 000-participant bulk
-- load took 8 min 20 s. Now the pieces are one view, participant_hours_source
-- (000035's refresh SELECT without its person filter), and both functions
-- read it: the refresh for one person (the filter reaches persons' primary
-- key through the view), the rebuild for everyone in one INSERT … SELECT,
-- so the events are counted once, set-based.
CREATE VIEW participant_hours_source AS
    SELECT ps.id AS person_id, b.day AS from_day, b.next AS to_day, ps.unit_id, ps.status = 'active' AS active, m.minutes
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
    WHERE pr.ended_on IS NULL OR b.day <= pr.ended_on;

CREATE OR REPLACE FUNCTION participant_hours_refresh(p bigint) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM participant_hours WHERE person_id = p;
    INSERT INTO participant_hours (person_id, from_day, to_day, unit_id, active, minutes)
    SELECT person_id, from_day, to_day, unit_id, active, minutes FROM participant_hours_source WHERE person_id = p;
$$;

CREATE OR REPLACE FUNCTION participant_hours_rebuild() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM participant_hours;
    INSERT INTO participant_hours (person_id, from_day, to_day, unit_id, active, minutes)
    SELECT person_id, from_day, to_day, unit_id, active, minutes FROM participant_hours_source;
$$;
