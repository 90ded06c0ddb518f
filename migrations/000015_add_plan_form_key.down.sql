ALTER TABLE plan_versions DROP COLUMN form_key;
