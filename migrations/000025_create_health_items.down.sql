DROP INDEX IF EXISTS audit_events_health_idx;
DROP TABLE IF EXISTS health_items;
