DROP INDEX IF EXISTS attendance_absence_idx;
