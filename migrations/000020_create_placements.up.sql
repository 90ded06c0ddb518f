-- Work-practice placements (arbeidspraksis): the municipality's register of
-- employers and their worksites, contact people and supervisors, and the
-- placements of participants with follow-up conversations and an end
-- evaluation. Employers and worksites are shared by every unit (a register of
-- the municipality); placements belong to a person and so to the person's
-- unit (scope).

CREATE TABLE employers (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    -- Organisasjonsnummer: 9 digits with a mod-11 check digit (checked in
    -- the domain); unique, so a duplicate is refused with a link.
    orgnr      text NOT NULL UNIQUE CHECK (orgnr ~ '^[0-9]{9}$'),
    name_key   text NOT NULL, -- domain.FoldName(name), for search
    address    text NOT NULL DEFAULT '' CHECK (char_length(address) <= 300),
    sector     text NOT NULL CHECK (sector IN ('nursing_home', 'home_care', 'kindergarten', 'school',
                   'workshop', 'shop', 'kitchen', 'hotel', 'cleaning', 'caretaking', 'parks', 'industry', 'other')),
    notes      text NOT NULL DEFAULT '' CHECK (char_length(notes) <= 4000),
    active     boolean NOT NULL DEFAULT true,
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by bigint REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint REFERENCES users (id)
);
CREATE INDEX employers_name_idx ON employers (name_key, id);
CREATE INDEX employers_name_trgm_idx ON employers USING gin (name_key gin_trgm_ops);
CREATE INDEX employers_sector_idx ON employers (sector, name_key, id);

-- A worksite (arbeidssted) of an employer: where participants work, with
-- the number of places it offers and the languages spoken there.
CREATE TABLE worksites (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    employer_id bigint NOT NULL REFERENCES employers (id),
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    address     text NOT NULL DEFAULT '' CHECK (char_length(address) <= 300),
    area        text NOT NULL DEFAULT '' CHECK (char_length(area) <= 100), -- bydel / område, for filtering
    places      integer NOT NULL CHECK (places BETWEEN 0 AND 500),
    languages   text[] NOT NULL DEFAULT '{}',
    notes       text NOT NULL DEFAULT '' CHECK (char_length(notes) <= 4000), -- notes on the cooperation
    active      boolean NOT NULL DEFAULT true,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  bigint REFERENCES users (id),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  bigint REFERENCES users (id)
);
CREATE INDEX worksites_employer_idx ON worksites (employer_id, name);
CREATE INDEX worksites_area_idx ON worksites (area) WHERE active;
CREATE INDEX worksites_languages_idx ON worksites USING gin (languages);

-- Contact people and supervisors (veiledere) of an employer, optionally tied
-- to one worksite.
CREATE TABLE employer_contacts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    employer_id   bigint NOT NULL REFERENCES employers (id),
    worksite_id   bigint REFERENCES worksites (id),
    name          text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    phone         text NOT NULL DEFAULT '' CHECK (char_length(phone) <= 40),
    email         text NOT NULL DEFAULT '' CHECK (char_length(email) <= 254),
    is_supervisor boolean NOT NULL DEFAULT false,
    active        boolean NOT NULL DEFAULT true,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    bigint REFERENCES users (id),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    bigint REFERENCES users (id)
);
CREATE INDEX employer_contacts_employer_idx ON employer_contacts (employer_id, name);
CREATE INDEX employer_contacts_worksite_idx ON employer_contacts (worksite_id) WHERE worksite_id IS NOT NULL;

-- A participant's placement at a worksite: a programme element whose hours
-- count in the participant's week (with the weekly plan's elements).
CREATE TABLE placements (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id        bigint NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    worksite_id      bigint NOT NULL REFERENCES worksites (id),
    supervisor_id    bigint REFERENCES employer_contacts (id),
    minutes_per_week integer NOT NULL CHECK (minutes_per_week BETWEEN 1 AND 3000),
    weekdays         smallint[] NOT NULL CHECK (cardinality(weekdays) BETWEEN 1 AND 5 AND weekdays <@ '{1,2,3,4,5}'::smallint[]),
    start_date       date NOT NULL,
    planned_end      date NOT NULL,
    ended_on         date,
    goal             text NOT NULL CHECK (goal IN ('language', 'work_trial', 'path_to_job')),
    status           text NOT NULL CHECK (status IN ('planned', 'active', 'paused', 'ended', 'aborted')),
    abort_reason     text NOT NULL DEFAULT '' CHECK (char_length(abort_reason) <= 500),
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    created_by       bigint REFERENCES users (id),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       bigint REFERENCES users (id),
    CHECK (planned_end >= start_date),
    CHECK (ended_on IS NULL OR ended_on >= start_date),
    CHECK (status <> 'aborted' OR abort_reason <> '')
);
CREATE INDEX placements_person_idx ON placements (person_id, start_date);
-- Capacity: placements holding a place at a worksite over a period.
CREATE INDEX placements_worksite_idx ON placements (worksite_id, start_date, coalesce(ended_on, planned_end))
    WHERE status IN ('planned', 'active', 'paused');
CREATE INDEX placements_worksite_all_idx ON placements (worksite_id, start_date DESC);

-- Follow-up conversations (oppfølgingssamtaler) of a placement.
CREATE TABLE placement_followups (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    placement_id     bigint NOT NULL REFERENCES placements (id) ON DELETE CASCADE,
    held_on          date NOT NULL,
    participants     text NOT NULL DEFAULT '' CHECK (char_length(participants) <= 500), -- who took part
    interpreter_used boolean NOT NULL DEFAULT false,
    summary          text NOT NULL DEFAULT '' CHECK (char_length(summary) <= 4000),
    created_at       timestamptz NOT NULL DEFAULT now(),
    created_by       bigint REFERENCES users (id)
);
CREATE INDEX placement_followups_placement_idx ON placement_followups (placement_id, held_on DESC);

-- The end evaluation of a placement (one per placement).
CREATE TABLE placement_evaluations (
    placement_id   bigint PRIMARY KEY REFERENCES placements (id) ON DELETE CASCADE,
    evaluated_on   date NOT NULL,
    attendance     text NOT NULL DEFAULT '' CHECK (char_length(attendance) <= 2000),
    language_use   text NOT NULL DEFAULT '' CHECK (char_length(language_use) <= 2000),
    tasks_mastered text NOT NULL DEFAULT '' CHECK (char_length(tasks_mastered) <= 2000),
    recommendation text NOT NULL DEFAULT '' CHECK (char_length(recommendation) <= 2000),
    got_job        boolean NOT NULL DEFAULT false,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     bigint REFERENCES users (id),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    updated_by     bigint REFERENCES users (id)
);

-- Nothing new is recorded on a merged registration.
CREATE TRIGGER placements_refuse_merged BEFORE INSERT OR UPDATE OF person_id ON placements
    FOR EACH ROW EXECUTE FUNCTION refuse_merged_person();
