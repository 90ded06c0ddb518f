-- Computed legal deadlines (frister), materialised from the domain rules
-- (domain.ComputeDeadlines) by the store whenever a person's dates change,
-- so the deadline list is an indexed query. done_on survives a recompute.
CREATE TABLE deadlines (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id  bigint NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$' AND kind <> 'task'),
    due_date   date NOT NULL,
    done_on    date,
    done_by    bigint REFERENCES users (id),
    version    integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint REFERENCES users (id),
    UNIQUE (person_id, kind)
);
-- The deadline list walks open deadlines in due order (unit-wide views).
CREATE INDEX deadlines_open_due_idx ON deadlines (due_date, id) WHERE done_on IS NULL;

-- Manual tasks (oppgaver) beside the computed deadlines.
CREATE TABLE tasks (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id   bigint NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    title       text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    due_date    date NOT NULL,
    assignee_id bigint NOT NULL REFERENCES users (id),
    done_on     date,
    done_by     bigint REFERENCES users (id),
    version     integer NOT NULL DEFAULT 1,
    -- The new-task form's one-time key: a double submit creates one task.
    form_key    text UNIQUE CHECK (form_key ~ '^[0-9a-f]{32}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  bigint REFERENCES users (id),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  bigint REFERENCES users (id)
);
CREATE INDEX tasks_person_idx ON tasks (person_id, due_date);
CREATE INDEX tasks_open_due_idx ON tasks (due_date, id) WHERE done_on IS NULL;
CREATE INDEX tasks_assignee_open_idx ON tasks (assignee_id, due_date, id) WHERE done_on IS NULL;
