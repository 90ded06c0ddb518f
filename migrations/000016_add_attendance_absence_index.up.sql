-- Absences with a reason are a small share of the attendance rows; the rules
-- (self-certified spells in 12 months, sick-child and holiday days per year)
-- and the grid's holiday balance read them per participant over a year.
-- A partial index keeps those reads to the absence rows alone.
CREATE INDEX attendance_absence_idx ON attendance (person_id, day) INCLUDE (reason) WHERE reason IS NOT NULL;
