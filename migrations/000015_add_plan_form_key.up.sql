-- A weekly plan version's one-time form key: a double submit of the same
-- form finds the version the first submit made instead of making a second.
ALTER TABLE plan_versions ADD COLUMN form_key text UNIQUE CHECK (form_key ~ '^[0-9a-f]{32}$');
