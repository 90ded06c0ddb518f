ALTER TABLE nir_marks RESET (fillfactor);
ALTER TABLE nir_marks ADD CONSTRAINT nir_marks_export_id_fkey FOREIGN KEY (export_id) REFERENCES nir_exports (id);
CREATE INDEX IF NOT EXISTS nir_marks_export_idx ON nir_marks (export_id);
