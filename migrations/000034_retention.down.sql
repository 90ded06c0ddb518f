DROP TRIGGER IF EXISTS persons_anonymised_frozen ON persons;
DROP FUNCTION IF EXISTS persons_anonymised_frozen();
DROP INDEX IF EXISTS persons_retention_idx;
ALTER TABLE persons DROP CONSTRAINT IF EXISTS persons_identity_check;
ALTER TABLE persons ADD CONSTRAINT persons_identity_check
    CHECK (status = 'merged' OR national_id IS NOT NULL OR duf_number IS NOT NULL) NOT VALID;
ALTER TABLE persons
    DROP CONSTRAINT IF EXISTS persons_anonymised_unfindable_check,
    DROP CONSTRAINT IF EXISTS persons_legal_hold_needs_reason_check,
    DROP COLUMN IF EXISTS legal_hold_reason,
    DROP COLUMN IF EXISTS legal_hold,
    DROP COLUMN IF EXISTS anonymised_at;
DROP TABLE IF EXISTS retention_rules;
CREATE OR REPLACE FUNCTION public.persons_merged_frozen()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    RAISE EXCEPTION 'person % is merged into person % and cannot change', OLD.id, OLD.merged_into
        USING ERRCODE = 'integrity_constraint_violation';
END;
$function$

;
CREATE OR REPLACE FUNCTION public.refuse_merged_person()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF EXISTS (SELECT 1 FROM persons WHERE id = NEW.person_id AND status = 'merged') THEN
        RAISE EXCEPTION 'person % is merged into another person', NEW.person_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$function$

;
CREATE OR REPLACE FUNCTION public.case_notes_immutable()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
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
$function$

;
