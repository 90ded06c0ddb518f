-- The capacity page (issue 9): the places held at each worksite this week,
-- counted by an index-only scan. placements_worksite_idx indexed the
-- expression coalesce(ended_on, planned_end), which Postgres cannot return
-- from an index (it needs the raw columns for an index-only scan), so every
-- counted placement cost a heap visit. placements_holding_idx carries the
-- raw columns instead (the expression is computed from them in the index)
-- and serves every use of the old index (worksite_id, start_date first;
-- the end was never a seek key after the start_date range anyway), so it
-- replaces it. Partial on the statuses that hold a place: small.
CREATE INDEX placements_holding_idx ON placements (worksite_id, start_date, ended_on, planned_end)
    WHERE status IN ('planned', 'active', 'paused');
DROP INDEX placements_worksite_idx;
