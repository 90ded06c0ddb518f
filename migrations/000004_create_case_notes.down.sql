DROP INDEX IF EXISTS audit_events_timeline_idx;
DROP TABLE IF EXISTS case_notes;
DROP FUNCTION IF EXISTS case_notes_immutable();
