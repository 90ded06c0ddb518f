-- Retention and anonymisation (issue 13, part 4).
--
-- retention_rules: how long each kind of record is kept after a case is
-- closed (persons.closed_on), one row per kind; administrators change the
-- years and the basis. Defaults and their justification: docs/OPERATIONS.md
-- ("Sletting og anonymisering").
CREATE TABLE retention_rules (
    kind        text PRIMARY KEY CHECK (kind IN ('case', 'notes', 'health')),
    years       integer NOT NULL CHECK (years BETWEEN 1 AND 100),
    basis_text  text NOT NULL CHECK (basis_text <> '' AND char_length(basis_text) <= 1000),
    version     integer NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  bigint REFERENCES users(id)
);

INSERT INTO retention_rules (kind, years, basis_text) VALUES
    ('case', 10, 'Saken anonymiseres 10 år etter at den ble avsluttet: lang nok til at en ny søknad, klage, tilbakebetaling eller et erstatningskrav (foreldelse inntil 10 år) kan behandles med sakens opplysninger, kortere enn å beholde alt for alltid. Statistikk (fødselsår, kjønn, oppholdsgrunnlag, land, bosettingsår, enhet, programresultat) beholdes.'),
    ('notes', 5, 'Saksnotater, kommentarer og annen fritekst tømmes 5 år etter at saken ble avsluttet: de trengs for oppfølgingen, ikke for statistikk, og fritekst inneholder ofte opplysninger om andre.'),
    ('health', 2, 'Fritekst i helseoppfølgingen (logistikknotat og begrunnelse) tømmes 2 år etter at saken ble avsluttet: journalen føres av helsetjenesten selv; flyktningtjenesten trenger bare status og datoer.');

-- Anonymised persons: anonymised_at marks the row; the identity rule (a
-- national id or a DUF number) holds for every row that is not anonymised
-- or merged. A legal hold (rettslig hold) with its reason stops retention.
ALTER TABLE persons
    ADD COLUMN anonymised_at timestamptz,
    ADD COLUMN legal_hold boolean NOT NULL DEFAULT false,
    ADD COLUMN legal_hold_reason text NOT NULL DEFAULT '' CHECK (char_length(legal_hold_reason) <= 500),
    ADD CONSTRAINT persons_legal_hold_needs_reason_check CHECK (NOT legal_hold OR legal_hold_reason <> ''),
    ADD CONSTRAINT persons_anonymised_unfindable_check CHECK (anonymised_at IS NULL OR (national_id IS NULL AND duf_number IS NULL AND name_key = ''));

ALTER TABLE persons DROP CONSTRAINT persons_identity_check;
ALTER TABLE persons ADD CONSTRAINT persons_identity_check
    CHECK (status = 'merged' OR anonymised_at IS NOT NULL OR national_id IS NOT NULL OR duf_number IS NOT NULL);

CREATE INDEX persons_retention_idx ON persons (closed_on, id) WHERE status = 'closed' AND anonymised_at IS NULL;

-- An anonymised person cannot change (nor be un-anonymised).
CREATE FUNCTION persons_anonymised_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'person % is anonymised and cannot change', OLD.id USING ERRCODE = 'AN001';
END;
$$;
CREATE TRIGGER persons_anonymised_frozen BEFORE UPDATE ON persons
    FOR EACH ROW WHEN (OLD.anonymised_at IS NOT NULL) EXECUTE FUNCTION persons_anonymised_frozen();

-- A merged row is frozen, except that anonymising its survivor anonymises it too.
CREATE OR REPLACE FUNCTION persons_merged_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.anonymised_at IS NULL AND NEW.anonymised_at IS NOT NULL
       AND NEW.status = OLD.status AND NEW.merged_into = OLD.merged_into THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'person % is merged into person % and cannot change', OLD.id, OLD.merged_into
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

-- Nothing new is recorded about an anonymised person.
CREATE OR REPLACE FUNCTION refuse_merged_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM persons WHERE id = NEW.person_id AND status = 'merged') THEN
        RAISE EXCEPTION 'person % is merged into another person', NEW.person_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM persons WHERE id = NEW.person_id AND anonymised_at IS NOT NULL) THEN
        RAISE EXCEPTION 'person % is anonymised', NEW.person_id USING ERRCODE = 'AN001';
    END IF;
    RETURN NEW;
END;
$$;

-- Case notes are immutable after a day; retention may still replace their
-- text once the person is anonymised or the notes' period has run out
-- (the author, time and correction chain stay).
CREATE OR REPLACE FUNCTION case_notes_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.kind, NEW.note_date, NEW.body, NEW.author_id, NEW.created_at, NEW.corrects_id,
        NEW.interpreter_used, NEW.interpreter_mode, NEW.interpreter_category, NEW.interpreter_language,
        NEW.interpreter_is_child, NEW.interpreter_emergency, NEW.no_interpreter_reason)
       IS DISTINCT FROM
       (OLD.kind, OLD.note_date, OLD.body, OLD.author_id, OLD.created_at, OLD.corrects_id,
        OLD.interpreter_used, OLD.interpreter_mode, OLD.interpreter_category, OLD.interpreter_language,
        OLD.interpreter_is_child, OLD.interpreter_emergency, OLD.no_interpreter_reason)
       AND NOT (NEW.body = 'Anonymisert'
            AND (NEW.kind, NEW.note_date, NEW.author_id, NEW.created_at, NEW.corrects_id, NEW.interpreter_used,
                 NEW.interpreter_mode, NEW.interpreter_category, NEW.interpreter_is_child, NEW.interpreter_emergency)
                IS NOT DISTINCT FROM
                (OLD.kind, OLD.note_date, OLD.author_id, OLD.created_at, OLD.corrects_id, OLD.interpreter_used,
                 OLD.interpreter_mode, OLD.interpreter_category, OLD.interpreter_is_child, OLD.interpreter_emergency)
            AND NEW.no_interpreter_reason IN ('', 'Anonymisert'))
       AND (OLD.created_at < now() - interval '24 hours 10 minutes'
            OR NEW.author_id IS DISTINCT FROM OLD.author_id
            OR NEW.created_at IS DISTINCT FROM OLD.created_at
            OR NEW.corrects_id IS DISTINCT FROM OLD.corrects_id) THEN
        RAISE EXCEPTION 'case note % is immutable', OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;
