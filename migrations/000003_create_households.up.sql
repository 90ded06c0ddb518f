-- Households (husstander): people settled together. A household belongs to
-- one unit; its members are persons of that unit.
CREATE TABLE households (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id    bigint NOT NULL REFERENCES units (id),
    name       text NOT NULL CHECK (name <> '' AND char_length(name) <= 100),
    -- Folded (lower-case, accent-free) name for sorting and search; set by the store.
    name_key   text NOT NULL,
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by bigint REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint REFERENCES users (id)
);
-- The list's keyset order, per unit and across units (for admins).
CREATE INDEX households_unit_name_idx ON households (unit_id, name_key, id);
CREATE INDEX households_name_idx ON households (name_key, id);

-- Memberships. Removing a member keeps the row with left_on set, so the
-- household's history stays; a person may later join again.
CREATE TABLE household_members (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    household_id  bigint NOT NULL REFERENCES households (id),
    person_id     bigint NOT NULL REFERENCES persons (id),
    relation      text NOT NULL CHECK (relation IN ('head', 'spouse', 'child', 'parent', 'sibling', 'other')),
    -- The date the member arrived in / joined the household.
    joined_on     date NOT NULL,
    -- Came by family reunification (familiegjenforening).
    reunification boolean NOT NULL DEFAULT false,
    left_on       date,
    added_at      timestamptz NOT NULL DEFAULT now(),
    added_by      bigint REFERENCES users (id),
    removed_at    timestamptz,
    removed_by    bigint REFERENCES users (id),
    CHECK (left_on IS NULL OR left_on >= joined_on),
    CHECK ((left_on IS NULL) = (removed_at IS NULL))
);
CREATE INDEX household_members_household_idx ON household_members (household_id);
CREATE INDEX household_members_person_idx ON household_members (person_id);
-- A person is an active member of at most one household.
CREATE UNIQUE INDEX household_members_active_person_key ON household_members (person_id) WHERE left_on IS NULL;
-- A household has at most one active head (hovedperson).
CREATE UNIQUE INDEX household_members_active_head_key ON household_members (household_id)
    WHERE left_on IS NULL AND relation = 'head';
