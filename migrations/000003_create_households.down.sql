DROP TABLE IF EXISTS household_members;
DROP TABLE IF EXISTS households;
