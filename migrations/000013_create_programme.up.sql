-- The introduction programme (introduksjonsprogrammet): dated rates and
-- limits, each person's programme (rule set, decision, plan, pauses, end),
-- versioned weekly plans, groups, attendance, benefit deductions entered by
-- hand and approved payroll months.

-- The permit date (vedtaksdato for oppholdstillatelse) decides the rule set
-- and the age limits of right and duty.
ALTER TABLE persons ADD COLUMN permit_date date;

-- Every rate and limit is dated data, never a constant in code: the value of
-- a kind in force on a day is the row with the latest effective_from on or
-- before it. The kinds and their units are domain.RateKinds (rates.go):
-- money in øre, hours in minutes, ages in years, shares in per cent or
-- thirds, dates as yyyymmdd. Administrators add rows; a row is never changed
-- after the fact (a correction is a new row from the same date, newest wins).
CREATE TABLE rates (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind           text NOT NULL CHECK (kind ~ '^[a-z0-9_]{1,40}$'),
    effective_from date NOT NULL,
    value          bigint NOT NULL CHECK (value >= 0),
    note           text NOT NULL DEFAULT '' CHECK (char_length(note) <= 500),
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     bigint REFERENCES users (id)
);
CREATE INDEX rates_kind_idx ON rates (kind, effective_from DESC, id DESC);
REVOKE UPDATE, DELETE ON rates FROM ankomst_app;

INSERT INTO rates (kind, effective_from, value, note) VALUES
    -- Grunnbeløpet (G), adjusted each 1 May (øre).
    ('g', '2023-05-01', 11847700, 'G fra 1. mai 2023: 118 477 kr'),
    ('g', '2024-05-01', 12402800, 'G fra 1. mai 2024: 124 028 kr'),
    ('g', '2025-05-01', 13016000, 'G fra 1. mai 2025: 130 160 kr'),
    -- Benefit: 2 G a year; under 25 away from parents 2/3, with parents 1/3.
    ('benefit_g_multiple', '2021-01-01', 2, 'Stønad per år: 2 G'),
    ('full_rate_age', '2021-01-01', 25, 'Full sats fra fylte 25 år'),
    ('factor_away_thirds', '2021-01-01', 2, 'Under 25, bor ikke med foreldre: 2/3'),
    ('factor_parents_thirds', '2021-01-01', 1, 'Under 25, bor med foreldre: 1/3'),
    ('benefit_days_per_year', '2021-01-01', 260, 'Dagsats: årlig stønad / 260'),
    ('benefit_hours_per_year', '2021-01-01', 1950, 'Timesats: årlig stønad / 1 950'),
    ('decision_share_pct', '2021-01-01', 50, 'Vedtak kreves: trekk ≥ 50 % av utbetalingen …'),
    ('decision_g_twelfths', '2021-01-01', 1, '… og ≥ 1/12 G'),
    -- Right and duty: age at the permit, years settled at the decision.
    ('age_min', '2021-01-01', 18, 'Rett og plikt fra 18 år'),
    ('age_max', '2021-01-01', 55, 'Rett og plikt til og med 55 år'),
    ('age_max', '2025-01-01', 60, 'Endring 2025: til og med 60 år'),
    ('settled_max_years', '2021-01-01', 2, 'Bosatt i kommunen under 2 år'),
    -- Rule sets: integreringsloven from this date; chapter 6A valid to this date.
    ('integration_act_from', '2021-01-01', 20210101, 'Integreringsloven gjelder tillatelser fra 1.1.2021'),
    ('chapter_6a_until', '2022-06-01', 20260701, 'Kapittel 6A gjelder til 1.7.2026'),
    -- Full time: 37.5 hours a week, 30 with significant self-study (minutes).
    ('full_time_minutes', '2021-01-01', 2250, '37,5 timer i uka'),
    ('self_study_minutes', '2021-01-01', 1800, '30 timer i uka ved mye selvstudium'),
    -- Duration by end goal (months): minimum, maximum and extension.
    ('duration_min_months', '2021-01-01', 3, 'Minst 3 måneder'),
    ('duration_short_max_months', '2021-01-01', 6, 'Fullført videregående / mål høyere utdanning eller arbeid: inntil 6 måneder'),
    ('duration_short_ext_months', '2021-01-01', 6, '… forlengelse inntil 6 måneder'),
    ('duration_upsec_max_months', '2021-01-01', 36, 'Under 25 uten videregående eller mål videregående: inntil 3 år'),
    ('duration_upsec_ext_months', '2021-01-01', 12, '… forlengelse inntil 1 år'),
    ('duration_other_max_months', '2021-01-01', 24, 'Andre: inntil 2 år'),
    ('duration_other_ext_months', '2021-01-01', 12, '… forlengelse inntil 1 år'),
    -- Absence and holiday.
    ('holiday_days', '2021-01-01', 25, 'Ferie: 25 dager i året'),
    ('self_cert_max_days', '2021-01-01', 3, 'Egenmelding inntil 3 dager om gangen'),
    ('self_cert_after_weeks', '2021-01-01', 8, 'Egenmelding etter 8 uker i programmet'),
    ('self_cert_max_times', '2021-01-01', 4, 'Egenmelding høyst 4 ganger i 12 måneder'),
    ('sick_child_days', '2021-01-01', 10, 'Sykt barn: 10 dager i året'),
    ('sick_child_days_many', '2021-01-01', 15, 'Sykt barn, mer enn to barn: 15 dager'),
    ('sick_child_sole_factor', '2021-01-01', 2, 'Sykt barn, alene om omsorgen: dobbelt');

-- One programme per person: the rule set (derived, or overridden with a
-- reason), competence mapping and career guidance, the decision (vedtak),
-- the integration plan's end goal and Norwegian goal, the integration
-- contract, the end. The person's unit is its scope.
CREATE TABLE programmes (
    person_id           bigint PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
    rule_set_override   text CHECK (rule_set_override IN ('introduction_act', 'integration_act', 'chapter_6a')),
    rule_set_reason     text NOT NULL DEFAULT '' CHECK (char_length(rule_set_reason) <= 500),
    mapping_done_on     date,
    mapping_by          text NOT NULL DEFAULT '' CHECK (char_length(mapping_by) <= 200),
    guidance_done_on    date,
    guidance_by         text NOT NULL DEFAULT '' CHECK (char_length(guidance_by) <= 200),
    decision            text CHECK (decision IN ('granted', 'refused')),
    refusal_reason      text NOT NULL DEFAULT '' CHECK (char_length(refusal_reason) <= 1000),
    decision_date       date,
    start_date          date,
    planned_end         date,
    extension_months    integer NOT NULL DEFAULT 0 CHECK (extension_months BETWEEN 0 AND 12),
    end_goal            text CHECK (end_goal IN ('work', 'upper_secondary', 'higher_education', 'other')),
    has_upper_secondary boolean NOT NULL DEFAULT false,
    norwegian_goal      text NOT NULL DEFAULT '' CHECK (char_length(norwegian_goal) <= 200),
    contract_signed_on  date,
    -- For the benefit factor under 25 (bor med minst én av foreldrene).
    lives_with_parents  boolean NOT NULL DEFAULT false,
    ended_on            date,
    end_reason          text NOT NULL DEFAULT '' CHECK (char_length(end_reason) <= 40),
    end_activity        text NOT NULL DEFAULT '' CHECK (char_length(end_activity) <= 40),
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    created_by          bigint REFERENCES users (id),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    updated_by          bigint REFERENCES users (id),
    CHECK (planned_end IS NULL OR start_date IS NULL OR planned_end > start_date),
    CHECK (ended_on IS NULL OR start_date IS NULL OR ended_on >= start_date)
);
-- Ended programmes without an end reason (IMDi chases them).
CREATE INDEX programmes_missing_end_reason_idx ON programmes (person_id)
    WHERE ended_on IS NOT NULL AND end_reason = '';
-- Participants in the programme on a day: start/end ranges.
CREATE INDEX programmes_active_idx ON programmes (start_date, ended_on) WHERE decision = 'granted';

-- Leave (permisjon) and interruption (avbrudd/stans). Leave moves the planned
-- end by its length; both take the days out of the benefit.
CREATE TABLE programme_pauses (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id  bigint NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('leave', 'interruption')),
    reason     text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    from_date  date NOT NULL,
    to_date    date,
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by bigint REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint REFERENCES users (id),
    CHECK (to_date IS NULL OR to_date >= from_date)
);
CREATE INDEX programme_pauses_person_idx ON programme_pauses (person_id, from_date);

-- Weekly plans, versioned: a change makes a new version from a date, nothing
-- is overwritten. The version in force on a day is the one with the latest
-- valid_from on or before it (the newest row wins a tie).
CREATE TABLE plan_versions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id  bigint NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    valid_from date NOT NULL,
    self_study boolean NOT NULL DEFAULT false,
    comment    text NOT NULL DEFAULT '' CHECK (char_length(comment) <= 1000),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by bigint REFERENCES users (id)
);
CREATE INDEX plan_versions_person_idx ON plan_versions (person_id, valid_from DESC, id DESC);

-- Programme elements (tiltak) of a plan version: minutes per week spread over
-- weekdays (ISO: 1 = Monday … 5 = Friday), optionally within a period.
CREATE TABLE plan_elements (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_version_id  bigint NOT NULL REFERENCES plan_versions (id) ON DELETE CASCADE,
    kind             text NOT NULL CHECK (kind IN ('norwegian', 'social_studies', 'life_skills', 'parenting', 'work_practice', 'education', 'job_seeking', 'other')),
    description      text NOT NULL DEFAULT '' CHECK (char_length(description) <= 200),
    minutes_per_week integer NOT NULL CHECK (minutes_per_week BETWEEN 1 AND 3000),
    weekdays         smallint[] NOT NULL CHECK (cardinality(weekdays) BETWEEN 1 AND 5 AND weekdays <@ '{1,2,3,4,5}'::smallint[]),
    from_date        date,
    to_date          date,
    position         integer NOT NULL DEFAULT 0,
    CHECK (to_date IS NULL OR from_date IS NULL OR to_date >= from_date)
);
CREATE INDEX plan_elements_version_idx ON plan_elements (plan_version_id, position);

-- Groups (e.g. a Norwegian class) so attendance can be entered per group.
CREATE TABLE programme_groups (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id    bigint NOT NULL REFERENCES units (id),
    name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    contact    text NOT NULL DEFAULT '' CHECK (char_length(contact) <= 200),
    weekdays   smallint[] NOT NULL DEFAULT '{1,2,3,4,5}' CHECK (weekdays <@ '{1,2,3,4,5}'::smallint[]),
    active     boolean NOT NULL DEFAULT true,
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by bigint REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint REFERENCES users (id)
);
CREATE UNIQUE INDEX programme_groups_unit_name_idx ON programme_groups (unit_id, lower(name)) WHERE active;

CREATE TABLE programme_group_members (
    group_id  bigint NOT NULL REFERENCES programme_groups (id) ON DELETE CASCADE,
    person_id bigint NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    joined_on date NOT NULL DEFAULT current_date,
    left_on   date,
    PRIMARY KEY (group_id, person_id)
);
CREATE INDEX programme_group_members_person_idx ON programme_group_members (person_id);

-- Attendance (oppmøte og fravær) per participant and day: minutes present,
-- minutes absent and the reason for the absence.
CREATE TABLE attendance (
    person_id       bigint NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    day             date NOT NULL,
    present_minutes integer NOT NULL DEFAULT 0 CHECK (present_minutes BETWEEN 0 AND 1440),
    absent_minutes  integer NOT NULL DEFAULT 0 CHECK (absent_minutes BETWEEN 0 AND 1440),
    reason          text CHECK (reason IN ('illness', 'self_certified', 'sick_child', 'welfare_leave', 'holiday', 'unexcused')),
    version         integer NOT NULL DEFAULT 1,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      bigint REFERENCES users (id),
    PRIMARY KEY (person_id, day),
    CHECK ((absent_minutes = 0) = (reason IS NULL))
);

-- Other benefits (dagpenger, sykepenger, foreldrepenger …) entered by the
-- caseworker, deducted from a month's benefit (øre).
CREATE TABLE benefit_deductions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id   bigint NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    month       date NOT NULL CHECK (extract(day FROM month) = 1),
    amount_ore  bigint NOT NULL CHECK (amount_ore > 0),
    description text NOT NULL CHECK (char_length(description) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  bigint REFERENCES users (id)
);
CREATE INDEX benefit_deductions_person_idx ON benefit_deductions (person_id, month);

-- An approved payroll month for a unit (utbetalingsgrunnlag), locked: the
-- lines as approved, and later corrections as adjustment lines of a later
-- month. Both are append-only.
CREATE TABLE payroll_approvals (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id     bigint NOT NULL REFERENCES units (id),
    month       date NOT NULL CHECK (extract(day FROM month) = 1),
    approved_at timestamptz NOT NULL DEFAULT now(),
    approved_by bigint NOT NULL REFERENCES users (id),
    UNIQUE (unit_id, month)
);
CREATE TABLE payroll_lines (
    approval_id   bigint NOT NULL REFERENCES payroll_approvals (id),
    person_id     bigint NOT NULL REFERENCES persons (id),
    -- The month paid for: the approval's month, or an earlier month this line adjusts.
    for_month     date NOT NULL,
    days          integer NOT NULL,
    unexcused_minutes integer NOT NULL,
    gross_ore     bigint NOT NULL,
    deduction_ore bigint NOT NULL,
    amount_ore    bigint NOT NULL,
    needs_decision boolean NOT NULL DEFAULT false,
    PRIMARY KEY (approval_id, person_id, for_month)
);
CREATE INDEX payroll_lines_person_idx ON payroll_lines (person_id, for_month);
REVOKE UPDATE, DELETE ON payroll_approvals FROM ankomst_app;
REVOKE UPDATE, DELETE ON payroll_lines FROM ankomst_app;

-- Nothing new is recorded on a merged registration.
CREATE TRIGGER programmes_refuse_merged BEFORE INSERT OR UPDATE OF person_id ON programmes
    FOR EACH ROW EXECUTE FUNCTION refuse_merged_person();
CREATE TRIGGER programme_pauses_refuse_merged BEFORE INSERT OR UPDATE OF person_id ON programme_pauses
    FOR EACH ROW EXECUTE FUNCTION refuse_merged_person();
CREATE TRIGGER plan_versions_refuse_merged BEFORE INSERT OR UPDATE OF person_id ON plan_versions
    FOR EACH ROW EXECUTE FUNCTION refuse_merged_person();
CREATE TRIGGER programme_group_members_refuse_merged BEFORE INSERT OR UPDATE OF person_id ON programme_group_members
    FOR EACH ROW EXECUTE FUNCTION refuse_merged_person();
CREATE TRIGGER attendance_refuse_merged BEFORE INSERT OR UPDATE OF person_id ON attendance
    FOR EACH ROW EXECUTE FUNCTION refuse_merged_person();
CREATE TRIGGER benefit_deductions_refuse_merged BEFORE INSERT OR UPDATE OF person_id ON benefit_deductions
    FOR EACH ROW EXECUTE FUNCTION refuse_merged_person();
