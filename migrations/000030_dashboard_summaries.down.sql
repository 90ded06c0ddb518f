DROP INDEX IF EXISTS plan_elements_version_minutes_idx;
DROP INDEX IF EXISTS deadlines_breach_idx;
DROP INDEX IF EXISTS persons_active_unit_caseworker_idx;
DROP TRIGGER IF EXISTS attendance_months_unit ON persons;
DROP FUNCTION IF EXISTS attendance_months_unit();
DROP TRIGGER IF EXISTS attendance_months_keep ON attendance;
DROP FUNCTION IF EXISTS attendance_months_keep();
DROP FUNCTION IF EXISTS attendance_months_apply(bigint, date, bigint, bigint);
DROP TABLE IF EXISTS attendance_months;
