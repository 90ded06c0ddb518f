-- Facts about an audited event that are not changed fields (why a login
-- failed, what an export was limited to, what a merge moved) get their own
-- column, so that changes holds one shape only, {"field": {"old", "new"}},
-- for the timeline and the access log (domain.Changes, domain.AuditDetails).
-- Rows written before keep such facts among their changes; the readers skip
-- values that are not {"old", "new"} objects. Adding a nullable column
-- rewrites no rows, so the append-only trigger is not involved.
ALTER TABLE audit_events ADD COLUMN details jsonb;
