ALTER TABLE persons DROP COLUMN IF EXISTS interpreter_gender;
