-- 000035's per-person refresh and rebuild again, then no view.
CREATE OR REPLACE FUNCTION participant_hours_refresh(p bigint) RETURNS void
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

CREATE OR REPLACE FUNCTION participant_hours_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM participant_hours;
    PERFORM participant_hours_refresh(pr.person_id) FROM programmes pr
    WHERE pr.decision = 'granted' AND pr.start_date IS NOT NULL;
END
$$;

DROP VIEW participant_hours_source;
