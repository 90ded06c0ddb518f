-- Caseload: closing a case (avslutning) and "changed since my last visit".

-- A closed case (status 'closed') keeps its end date and reason. Persons
-- closed before these columns existed (or loaded as demo data) may lack them,
-- so only the other direction is enforced: an active case has neither.
ALTER TABLE persons
    ADD COLUMN closed_on    date,
    ADD COLUMN close_reason text CHECK (close_reason IN
        ('completed', 'moved', 'employment', 'education', 'deceased', 'other')),
    ADD CONSTRAINT persons_closed_fields_check
        CHECK (status = 'closed' OR (closed_on IS NULL AND close_reason IS NULL));

-- The default person lists and the caseload page show active cases only:
-- partial indexes for each keyset order they offer, per unit and per caseworker.
CREATE INDEX persons_active_unit_name_idx ON persons (unit_id, family_key, given_key, id)
    WHERE status = 'active';
CREATE INDEX persons_active_unit_settlement_idx ON persons (unit_id, (coalesce(settlement_date, 'infinity'::date)), id)
    WHERE status = 'active';
CREATE INDEX persons_active_unit_birth_idx ON persons (unit_id, birth_date, id)
    WHERE status = 'active';
CREATE INDEX persons_active_caseworker_idx ON persons (caseworker_id, family_key, given_key, id)
    WHERE status = 'active';

-- When each user last opened each person, for "changed since your last visit".
CREATE TABLE person_last_seen (
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    person_id bigint NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    seen_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, person_id)
);
CREATE INDEX person_last_seen_person_idx ON person_last_seen (person_id);
