package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// bulkSummaries switches off, for the rest of tx, the per-row triggers on the
// tables that keep a summary (migration 000035: a trigger named
// X_keep whose summary X_rebuild() rebuilds whole), and returns done, which
// rebuilds those summaries once and switches the triggers on again; call it
// before the commit. Row by row, a bulk statement (a million computed
// deadlines, a demo load) fired one trigger per row, and each trigger's
// insert in turn fired the statement triggers of the summary's own counts
// (000039) with a one-row transition table: one upsert of the same few
// count rows per row, each walking the chain of that row's earlier versions
// inside the one transaction — quadratic. The rebuild is one statement per
// summary, so its counts are kept set-based, once.
//
// Only a role that owns table may switch its triggers (ALTER TABLE): the
// owner, which migrates and bulk-loads. For any other role (the server's
// least-privileged role) bulkSummaries does nothing and the triggers keep
// the summaries row by row, as they do for every ordinary write. ALTER
// TABLE locks table until the transaction ends; a rollback restores the
// triggers with the rest.
func bulkSummaries(ctx context.Context, tx pgx.Tx, tables ...string) (done func() error, err error) {
	rows, err := tx.Query(ctx, `
		SELECT c.relname, t.tgname, replace(t.tgname, '_keep', '_rebuild')
		FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
		WHERE c.relname = ANY($1::text[]) AND c.relnamespace = current_schema()::regnamespace
		  AND NOT t.tgisinternal AND t.tgenabled <> 'D'
		  AND t.tgtype & 1 = 1 AND t.tgname LIKE '%\_keep'
		  AND to_regproc(replace(t.tgname, '_keep', '_rebuild')) IS NOT NULL
		  AND pg_has_role(current_user, c.relowner, 'USAGE')
		ORDER BY 1, 2`, tables)
	if err != nil {
		return nil, err
	}
	type keep struct{ table, trigger, rebuild string }
	keeps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (keep, error) {
		var k keep
		err := r.Scan(&k.table, &k.trigger, &k.rebuild)
		return k, err
	})
	if err != nil {
		return nil, err
	}
	for _, k := range keeps {
		if _, err := tx.Exec(ctx, `ALTER TABLE `+pgx.Identifier{k.table}.Sanitize()+` DISABLE TRIGGER `+pgx.Identifier{k.trigger}.Sanitize()); err != nil {
			return nil, err
		}
	}
	return func() error {
		analyzed := map[string]bool{}
		for _, k := range keeps {
			if !analyzed[k.table] {
				analyzed[k.table] = true
				if _, err := tx.Exec(ctx, `ANALYZE `+pgx.Identifier{k.table}.Sanitize()); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `ALTER TABLE `+pgx.Identifier{k.table}.Sanitize()+` ENABLE TRIGGER `+pgx.Identifier{k.trigger}.Sanitize()); err != nil {
				return err
			}
		}
		rebuilt := map[string]bool{}
		for _, k := range keeps { // one trigger may keep a summary from several tables
			if rebuilt[k.rebuild] {
				continue
			}
			rebuilt[k.rebuild] = true
			if _, err := tx.Exec(ctx, `SELECT `+pgx.Identifier{k.rebuild}.Sanitize()+`()`); err != nil {
				return fmt.Errorf("%s: %w", k.rebuild, err)
			}
		}
		return nil
	}, nil
}

// BulkTx runs fn in one transaction with bulkSummaries on the tables: the
// summaries the tables' per-row triggers keep are rebuilt once, after fn,
// before the commit (for the owner; for any other role fn runs with the
// triggers on). For bulk loads: the demo, the benchmarks' data.
func (db *DB) BulkTx(ctx context.Context, tables []string, fn func(pgx.Tx) error) error {
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		done, err := bulkSummaries(ctx, tx, tables...)
		if err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		return done()
	})
}
