-- Housing (bolig): the municipality's units (municipal, housing foundation,
-- private landlords), landlords and their agreements, leases per adult
-- tenant, move-in/move-out checklists, housing guidance sessions and
-- Husbanken applications. Units and landlords belong to a unit of the
-- service (scope), like households.

CREATE TABLE landlords (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id    bigint NOT NULL REFERENCES units (id),
    kind       text NOT NULL CHECK (kind IN ('organisation', 'person')),
    name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    orgnr      text CHECK (orgnr ~ '^[0-9]{9}$'), -- organisations: mod-11 checked in the domain
    contact    text NOT NULL DEFAULT '' CHECK (char_length(contact) <= 200),
    phone      text NOT NULL DEFAULT '' CHECK (char_length(phone) <= 40),
    email      text NOT NULL DEFAULT '' CHECK (char_length(email) <= 254),
    active     boolean NOT NULL DEFAULT true,
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by bigint REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint REFERENCES users (id),
    CHECK (kind <> 'organisation' OR orgnr IS NOT NULL)
);
CREATE UNIQUE INDEX landlords_unit_orgnr_idx ON landlords (unit_id, orgnr) WHERE orgnr IS NOT NULL;
CREATE INDEX landlords_unit_name_idx ON landlords (unit_id, lower(name), id);

-- Agreements with a landlord (tilvisningsavtale): a period and a number of units.
CREATE TABLE landlord_agreements (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    landlord_id bigint NOT NULL REFERENCES landlords (id),
    kind        text NOT NULL DEFAULT 'referral' CHECK (kind IN ('referral', 'other')),
    from_date   date NOT NULL,
    to_date     date,
    units       integer NOT NULL CHECK (units BETWEEN 0 AND 10000),
    note        text NOT NULL DEFAULT '' CHECK (char_length(note) <= 500),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  bigint REFERENCES users (id),
    CHECK (to_date IS NULL OR to_date >= from_date)
);
CREATE INDEX landlord_agreements_landlord_idx ON landlord_agreements (landlord_id, from_date);

CREATE TABLE housing_units (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id       bigint NOT NULL REFERENCES units (id),
    address       text NOT NULL CHECK (char_length(address) BETWEEN 1 AND 300),
    address_key   text NOT NULL, -- folded address, for search
    owner_type    text NOT NULL CHECK (owner_type IN ('municipal', 'foundation', 'private')),
    landlord_id   bigint REFERENCES landlords (id),
    rooms         integer NOT NULL CHECK (rooms BETWEEN 1 AND 20),
    bedrooms      integer NOT NULL CHECK (bedrooms BETWEEN 0 AND 20),
    size_m2       integer CHECK (size_m2 BETWEEN 5 AND 1000),
    floor         integer CHECK (floor BETWEEN -2 AND 50),
    lift          boolean NOT NULL DEFAULT false,
    accessible    boolean NOT NULL DEFAULT false, -- tilrettelagt / universelt utformet
    furnished     boolean NOT NULL DEFAULT false,
    rent_ore      bigint NOT NULL CHECK (rent_ore >= 0), -- monthly rent
    status        text NOT NULL DEFAULT 'vacant' CHECK (status IN ('vacant', 'let', 'renovation', 'unused')),
    note          text NOT NULL DEFAULT '' CHECK (char_length(note) <= 1000),
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    bigint REFERENCES users (id),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    bigint REFERENCES users (id),
    CHECK (bedrooms <= rooms)
);
CREATE INDEX housing_units_unit_idx ON housing_units (unit_id, status, id);
CREATE INDEX housing_units_address_trgm_idx ON housing_units USING gin (address_key gin_trgm_ops);
CREATE INDEX housing_units_landlord_idx ON housing_units (landlord_id) WHERE landlord_id IS NOT NULL;

-- A lease (leieforhold): a unit let to a household; one contract per adult
-- tenant in shared housing (person_id), or one for the household.
CREATE TABLE leases (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    housing_unit_id  bigint NOT NULL REFERENCES housing_units (id),
    household_id     bigint NOT NULL REFERENCES households (id),
    person_id        bigint REFERENCES persons (id), -- the adult tenant of this contract
    start_date       date NOT NULL,
    end_date         date, -- open-ended when null
    rent_ore         bigint NOT NULL CHECK (rent_ore >= 0),
    security         text NOT NULL DEFAULT 'none' CHECK (security IN ('none', 'deposit', 'guarantee')), -- depositum / garanti fra NAV
    security_ore     bigint NOT NULL DEFAULT 0 CHECK (security_ore >= 0),
    rent_arrears     boolean NOT NULL DEFAULT false, -- entered by hand
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    created_by       bigint REFERENCES users (id),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       bigint REFERENCES users (id),
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX leases_unit_period_idx ON leases (housing_unit_id, start_date, (coalesce(end_date, 'infinity'::date)));
CREATE INDEX leases_household_idx ON leases (household_id, start_date DESC);
CREATE INDEX leases_person_idx ON leases (person_id) WHERE person_id IS NOT NULL;

-- Move-in and move-out checklists of a lease: keys, inspection report, meter readings.
CREATE TABLE lease_checklist_items (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lease_id  bigint NOT NULL REFERENCES leases (id) ON DELETE CASCADE,
    phase     text NOT NULL CHECK (phase IN ('move_in', 'move_out')),
    item      text NOT NULL CHECK (item IN ('keys', 'inspection', 'meter_reading')),
    done_on   date,
    note      text NOT NULL DEFAULT '' CHECK (char_length(note) <= 300),
    version   integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint REFERENCES users (id),
    UNIQUE (lease_id, phase, item)
);

-- Housing guidance (boveiledning) sessions per household.
CREATE TABLE housing_guidance (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    household_id     bigint NOT NULL REFERENCES households (id),
    held_on          date NOT NULL,
    topics           text[] NOT NULL DEFAULT '{}',
    interpreter_used boolean NOT NULL DEFAULT false,
    note             text NOT NULL DEFAULT '' CHECK (char_length(note) <= 2000),
    created_at       timestamptz NOT NULL DEFAULT now(),
    created_by       bigint REFERENCES users (id)
);
CREATE INDEX housing_guidance_household_idx ON housing_guidance (household_id, held_on DESC);

-- Husbanken applications per household: bostøtte, startlån, tilskudd.
CREATE TABLE husbanken_applications (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    household_id bigint NOT NULL REFERENCES households (id),
    scheme       text NOT NULL CHECK (scheme IN ('housing_allowance', 'start_loan', 'grant')),
    applied_on   date NOT NULL,
    decision     text NOT NULL DEFAULT 'pending' CHECK (decision IN ('pending', 'granted', 'refused')),
    decided_on   date,
    amount_ore   bigint CHECK (amount_ore >= 0),
    next_review  date, -- reviews due appear on Frister
    note         text NOT NULL DEFAULT '' CHECK (char_length(note) <= 500),
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   bigint REFERENCES users (id),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   bigint REFERENCES users (id)
);
CREATE INDEX husbanken_household_idx ON husbanken_applications (household_id, applied_on DESC);
CREATE INDEX husbanken_review_idx ON husbanken_applications (next_review) WHERE next_review IS NOT NULL;

CREATE TRIGGER leases_refuse_merged BEFORE INSERT OR UPDATE OF person_id ON leases
    FOR EACH ROW WHEN (NEW.person_id IS NOT NULL) EXECUTE FUNCTION refuse_merged_person();
