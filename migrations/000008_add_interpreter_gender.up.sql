-- The interpreter need includes a gender preference (kjønn på tolk).
ALTER TABLE persons ADD COLUMN interpreter_gender text NOT NULL DEFAULT ''
    CHECK (interpreter_gender IN ('', 'female', 'male'));
