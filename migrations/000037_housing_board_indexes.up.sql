-- The occupancy board's indexes (issue 11, performance).
-- leases_open_idx: the board's one pass over the leases not ended by a day
-- (coalesce(end_date, 'infinity') > today) as an index-only range scan
-- of about half the leases, not a scan of them all.
CREATE INDEX IF NOT EXISTS leases_open_idx ON leases ((coalesce(end_date, 'infinity'::date))) INCLUDE (housing_unit_id, start_date, end_date);
-- leases_arrears_idx: the leases flagged in rent arrears (a few per cent).
CREATE INDEX IF NOT EXISTS leases_arrears_idx ON leases (housing_unit_id) WHERE rent_arrears;
