-- Least privilege. Migrations run as the owner of the schema; the server runs
-- as ankomst_app (or a login role that is a member of it), which may only read
-- and write rows: no DDL, no TRUNCATE, no trigger changes, and on the audit
-- log only INSERT and SELECT, so a bug in the app cannot erase the audit trail
-- or disable its append-only trigger. scripts/db.sh and the compose file create
-- the role with LOGIN; here it is created (without LOGIN) only if missing.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ankomst_app') THEN
        CREATE ROLE ankomst_app NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO ankomst_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ankomst_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ankomst_app;

-- Append-only: the app may add to the audit log and read it, nothing else.
REVOKE UPDATE, DELETE ON audit_events FROM ankomst_app;
-- The app checks the schema version; only migrations change it.
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM ankomst_app;

-- Tables and sequences of later migrations get the same rights; a later
-- append-only table must REVOKE UPDATE, DELETE in its own migration
-- (TestAppRolePrivileges lists what the app role may do on every table).
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ankomst_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ankomst_app;
