DROP INDEX IF EXISTS leases_arrears_idx;
DROP INDEX IF EXISTS leases_open_idx;
