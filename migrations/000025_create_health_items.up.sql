-- Health follow-up (helseoppfølging): a checklist per person with status and
-- dates only, never clinical content. Only the health role reads items; every
-- read is logged with its purpose in audit_events (entity 'health_items',
-- details.purpose) in the same transaction.

CREATE TABLE health_items (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id          bigint NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    kind               text NOT NULL CHECK (kind IN ('tb_screening', 'health_check', 'vaccines', 'mental_health', 'gp', 'dental')),
    due_date           date,
    status             text NOT NULL DEFAULT 'not_started'
                       CHECK (status IN ('not_started', 'booked', 'done', 'declined', 'not_relevant')),
    not_relevant_reason text NOT NULL DEFAULT '' CHECK (char_length(not_relevant_reason) <= 300),
    booked_on          date,
    done_on            date,
    place              text NOT NULL DEFAULT '' CHECK (place IN ('', 'health_station', 'gp', 'hospital', 'other')),
    interpreter_booked boolean NOT NULL DEFAULT false,
    -- Logistics only (who books, transport, interpreter language): never
    -- clinical content; the form says so beside the field.
    logistics_note     text NOT NULL DEFAULT '' CHECK (char_length(logistics_note) <= 500),
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    created_by         bigint REFERENCES users (id),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    updated_by         bigint REFERENCES users (id),
    UNIQUE (person_id, kind),
    CHECK (status <> 'done' OR done_on IS NOT NULL),
    CHECK (status <> 'not_relevant' OR not_relevant_reason <> '')
);
-- The worklist: open items by due date (the unit comes from the person).
CREATE INDEX health_items_open_due_idx ON health_items (due_date, id)
    WHERE status IN ('not_started', 'booked');
CREATE INDEX health_items_person_idx ON health_items (person_id);

CREATE TRIGGER health_items_refuse_merged BEFORE INSERT OR UPDATE OF person_id ON health_items
    FOR EACH ROW EXECUTE FUNCTION refuse_merged_person();

-- A person's health access report reads the health events of the person.
CREATE INDEX audit_events_health_idx ON audit_events (person_id, at)
    WHERE entity LIKE 'health%';
