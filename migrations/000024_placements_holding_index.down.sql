CREATE INDEX placements_worksite_idx ON placements (worksite_id, start_date, coalesce(ended_on, planned_end))
    WHERE status IN ('planned', 'active', 'paused');
DROP INDEX IF EXISTS placements_holding_idx;
