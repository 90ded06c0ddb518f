CREATE OR REPLACE FUNCTION participant_hours_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM participant_hours;
    PERFORM participant_hours_refresh(pr.person_id) FROM programmes pr
    WHERE pr.decision = 'granted' AND pr.start_date IS NOT NULL;
END
$$;
