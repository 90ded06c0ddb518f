-- The NIR file for 100 000 participants (issue 12): a full export rewrites
-- every programme's mark (nir_marks.export_id, stamp) in the transaction
-- committed before the first byte. With an index on export_id and a foreign
-- key to nir_exports, each of the 100 000 row updates also wrote two index
-- entries and ran a foreign-key check against the one export row they all
-- reference (about 1 s of the 4–5 s before the first byte).
--
-- * No index on export_id: the marks' only index is the primary key, which
--   an export never changes, so the updates are HOT (heap-only: no index
--   writes) given room on the page — fillfactor 50 leaves it. Reading the
--   marks of one export is a scan of this narrow table (100 000 rows, a few
--   MB): tens of milliseconds.
-- * No foreign key to nir_exports: nir_exports is append-only (no UPDATE or
--   DELETE for ankomst_app, migration 000031) and a mark's export_id is only
--   ever written by the statement that inserts that export row, so the
--   reference cannot dangle.
DROP INDEX IF EXISTS nir_marks_export_idx;
ALTER TABLE nir_marks DROP CONSTRAINT IF EXISTS nir_marks_export_id_fkey;
ALTER TABLE nir_marks SET (fillfactor = 50);
