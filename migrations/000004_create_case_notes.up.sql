-- Case notes (saksnotater): dated notes per person, with interpreter use for
-- meetings, phone calls and home visits (tolkeloven). A note's content is
-- immutable 24 hours after it was written; after that it is corrected by a
-- new note that links to it (corrects_id).
CREATE TABLE case_notes (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id             bigint NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    kind                  text NOT NULL CHECK (kind IN ('meeting', 'phone', 'home_visit', 'message', 'other')),
    -- The date of the contact; never in the future (checked by the application).
    note_date             date NOT NULL,
    body                  text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 10000),
    author_id             bigint NOT NULL REFERENCES users (id),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    version               integer NOT NULL DEFAULT 1,
    -- A correction note links to the note it corrects; a note has at most one.
    corrects_id           bigint REFERENCES case_notes (id),
    -- Interpreter use: NULL when not recorded or not relevant (message, other).
    interpreter_used      boolean,
    interpreter_mode      text CHECK (interpreter_mode IN ('on_site', 'phone', 'video')),
    -- Qualification category in the national register (Nasjonalt tolkeregister).
    interpreter_category  text CHECK (interpreter_category IN ('A', 'B', 'C', 'D', 'E')),
    interpreter_language  text NOT NULL DEFAULT '',
    -- A child (under 18) as interpreter: allowed only in an emergency (tolkeloven § 4).
    interpreter_is_child  boolean NOT NULL DEFAULT false,
    interpreter_emergency boolean NOT NULL DEFAULT false,
    no_interpreter_reason text NOT NULL DEFAULT '' CHECK (char_length(no_interpreter_reason) <= 500),
    -- A random token from the form, so a double submit stores one note.
    submit_token          text UNIQUE,
    CHECK (corrects_id IS NULL OR corrects_id <> id),
    CHECK (interpreter_used IS NULL OR kind IN ('meeting', 'phone', 'home_visit')),
    CHECK (interpreter_used IS TRUE OR (interpreter_mode IS NULL AND interpreter_category IS NULL
        AND interpreter_language = '' AND NOT interpreter_is_child AND NOT interpreter_emergency)),
    CHECK (interpreter_used IS FALSE OR no_interpreter_reason = ''),
    CHECK (NOT interpreter_is_child OR (interpreter_emergency AND interpreter_category IS NULL))
);
-- The timeline of one person: newest first, keyset by (note_date, id).
CREATE INDEX case_notes_person_date_idx ON case_notes (person_id, note_date DESC, id DESC);
CREATE UNIQUE INDEX case_notes_corrects_key ON case_notes (corrects_id) WHERE corrects_id IS NOT NULL;
CREATE INDEX case_notes_author_idx ON case_notes (author_id);

-- Backstop for the 24-hour rule (domain.NoteEditable): the content of a note
-- cannot change more than a day after it was written. The application refuses
-- first; the margin keeps the two clocks from disagreeing at the boundary.
-- person_id may change (a merge of duplicate persons moves their notes).
CREATE FUNCTION case_notes_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.kind, NEW.note_date, NEW.body, NEW.author_id, NEW.created_at, NEW.corrects_id,
        NEW.interpreter_used, NEW.interpreter_mode, NEW.interpreter_category, NEW.interpreter_language,
        NEW.interpreter_is_child, NEW.interpreter_emergency, NEW.no_interpreter_reason)
       IS DISTINCT FROM
       (OLD.kind, OLD.note_date, OLD.body, OLD.author_id, OLD.created_at, OLD.corrects_id,
        OLD.interpreter_used, OLD.interpreter_mode, OLD.interpreter_category, OLD.interpreter_language,
        OLD.interpreter_is_child, OLD.interpreter_emergency, OLD.no_interpreter_reason)
       AND (OLD.created_at < now() - interval '24 hours 10 minutes'
            OR NEW.author_id IS DISTINCT FROM OLD.author_id
            OR NEW.created_at IS DISTINCT FROM OLD.created_at
            OR NEW.corrects_id IS DISTINCT FROM OLD.corrects_id) THEN
        RAISE EXCEPTION 'case note % is immutable', OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER case_notes_immutable BEFORE UPDATE ON case_notes
    FOR EACH ROW EXECUTE FUNCTION case_notes_immutable();

-- The timeline's changes: the events of a person that change something (not
-- reads, not the notes' own events), newest day first. The action list must
-- match postgres.timelineActions.
CREATE INDEX audit_events_timeline_idx ON audit_events (person_id, ((at AT TIME ZONE 'Europe/Oslo')::date) DESC, id DESC)
    WHERE person_id IS NOT NULL AND entity <> 'case_note'
      AND action IN ('create', 'update', 'reassign', 'close', 'reopen', 'merge', 'add_member', 'remove_member', 'reunification');
