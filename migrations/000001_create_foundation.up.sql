CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Units (enheter) of the refugee service; every user and person belongs to one.
CREATE TABLE units (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL,
    name          text NOT NULL,
    role          text NOT NULL CHECK (role IN ('caseworker', 'health', 'housing', 'leader', 'admin')),
    unit_id       bigint NOT NULL REFERENCES units (id),
    password_hash text NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    -- Bumped to end every session of the user (logout everywhere, deactivation).
    session_epoch integer NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_unit_role_idx ON users (unit_id, role);

-- Failed login attempts, for the 5-in-15-minutes lockout.
CREATE TABLE login_failures (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_user_at_idx ON login_failures (user_id, at);

-- scs/pgxstore sessions.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Persons (deltakere): settled refugees.
CREATE TABLE persons (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id              bigint NOT NULL REFERENCES units (id),
    given_name           text NOT NULL,
    family_name          text NOT NULL,
    -- Folded (lower-case, accent-free) "given family" for search; set by the store.
    name_key             text NOT NULL,
    family_key           text NOT NULL,
    given_key            text NOT NULL,
    birth_date           date NOT NULL,
    sex                  text NOT NULL CHECK (sex IN ('female', 'male', 'unknown')),
    national_id          text UNIQUE CHECK (national_id ~ '^[0-9]{11}$'),
    duf_number           text UNIQUE CHECK (duf_number ~ '^[0-9]{12}$'),
    country_of_origin    text NOT NULL,
    languages            text[] NOT NULL DEFAULT '{}',
    interpreter_needed   boolean NOT NULL DEFAULT false,
    interpreter_language text NOT NULL DEFAULT '',
    interpreter_dialect  text NOT NULL DEFAULT '',
    residence_basis      text NOT NULL,
    arrival_date         date,
    settlement_date      date,
    caseworker_id        bigint REFERENCES users (id),
    status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    created_by           bigint REFERENCES users (id),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    updated_by           bigint REFERENCES users (id),
    CHECK (national_id IS NOT NULL OR duf_number IS NOT NULL),
    CHECK (settlement_date IS NULL OR arrival_date IS NULL OR settlement_date >= arrival_date)
);
-- Keyset orders offered by the list, each scoped by unit.
CREATE INDEX persons_unit_name_idx ON persons (unit_id, family_key, given_key, id);
CREATE INDEX persons_unit_settlement_idx ON persons (unit_id, (coalesce(settlement_date, 'infinity'::date)), id);
CREATE INDEX persons_settlement_all_idx ON persons ((coalesce(settlement_date, 'infinity'::date)), id);
CREATE INDEX persons_unit_birth_idx ON persons (unit_id, birth_date, id);
CREATE INDEX persons_name_all_idx ON persons (family_key, given_key, id);
CREATE INDEX persons_caseworker_idx ON persons (caseworker_id, family_key, given_key, id);
CREATE INDEX persons_birth_all_idx ON persons (birth_date, id);
CREATE INDEX persons_name_trgm_idx ON persons USING gin (name_key gin_trgm_ops);

-- Append-only audit log: every create, update and read of a person.
CREATE TABLE audit_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    user_id    bigint REFERENCES users (id),
    user_role  text NOT NULL DEFAULT '',
    action     text NOT NULL,
    entity     text NOT NULL,
    entity_id  bigint,
    person_id  bigint,
    changes    jsonb,
    request_id text NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_person_idx ON audit_events (person_id, at) WHERE person_id IS NOT NULL;
CREATE INDEX audit_events_user_idx ON audit_events (user_id, at);

CREATE FUNCTION audit_events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_immutable();
