-- Run once by the postgres image when the compose volume is first created
-- (mounted into /docker-entrypoint-initdb.d). Least privilege: the schema
-- owner migrates, the app serves with row access only (migrations/000011).
-- Development passwords, as in scripts/db.sh; use your own in production.
CREATE ROLE ankomst_owner LOGIN PASSWORD 'ankomst_owner';
CREATE ROLE ankomst_app LOGIN PASSWORD 'ankomst_app';
ALTER DATABASE ankomst OWNER TO ankomst_owner;
