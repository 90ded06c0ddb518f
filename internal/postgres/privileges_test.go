package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"ankomst/internal/postgres"
	"ankomst/internal/postgres/pgtest"

	"github.com/jackc/pgx/v5/pgconn"
)

// The server's role cannot erase or rewrite the audit trail, change the
// schema or disable triggers. Before migration 000011 the app connected as a
// superuser and TRUNCATE audit_events and ALTER TABLE … DISABLE TRIGGER
// succeeded.
func TestAppRoleCannotTamperWithTheAuditLog(t *testing.T) {
	appURL, ownerURL := pgtest.URLs(t)
	ctx := context.Background()
	app, err := postgres.Open(ctx, appURL)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	if _, err := app.Pool.Exec(ctx, `INSERT INTO audit_events (action, entity) VALUES ('view', 'test')`); err != nil {
		t.Fatalf("app role cannot write the audit log: %v", err)
	}
	for _, stmt := range []string{
		`TRUNCATE audit_events`,
		`ALTER TABLE audit_events DISABLE TRIGGER USER`,
		`UPDATE audit_events SET action = 'x'`,
		`DELETE FROM audit_events`,
		`DROP TABLE audit_events`,
		`CREATE TABLE scratch (id int)`,
		`UPDATE schema_migrations SET dirty = true`,
		`ALTER TABLE persons ADD COLUMN scratch int`,
	} {
		_, err := app.Pool.Exec(ctx, stmt)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || (pgErr.Code != "42501" && !strings.HasPrefix(pgErr.Code, "42")) {
			t.Errorf("%s as the app role: %v, want a permission error", stmt, err)
		} else if pgErr.Code != "42501" {
			t.Errorf("%s: %s %s, want 42501 insufficient_privilege", stmt, pgErr.Code, pgErr.Message)
		}
	}
	var n int
	app.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events`).Scan(&n)
	if n != 1 {
		t.Errorf("audit rows = %d after the attempts, want 1", n)
	}
	if p, err := app.PrivilegeProblems(ctx); err != nil || len(p) != 0 {
		t.Errorf("app role privilege problems = %v, %v; want none", p, err)
	}
	owner, err := postgres.Open(ctx, ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if p, err := owner.PrivilegeProblems(ctx); err != nil || len(p) == 0 {
		t.Errorf("owner privilege problems = %v, %v; want some (serve warns about them)", p, err)
	}
}

// What the app role may do, table by table. A new table gets SELECT, INSERT,
// UPDATE and DELETE through the default privileges; an append-only table must
// revoke UPDATE and DELETE in its migration and be listed here.
func TestAppRolePrivileges(t *testing.T) {
	_, ownerURL := pgtest.URLs(t)
	ctx := context.Background()
	owner, err := postgres.Open(ctx, ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	special := map[string]string{
		"audit_events":      "SELECT,INSERT",
		"schema_migrations": "SELECT",
		// Dated rates: a correction is a new row, never an edit.
		"rates": "SELECT,INSERT",
		// An approved payroll month is locked; corrections are later lines.
		"payroll_approvals": "SELECT,INSERT",
		"payroll_lines":     "SELECT,INSERT",
		// The settlement ledger: a changed request or decision is a new row.
		"settlement_targets": "SELECT,INSERT",
		// NIR exports: who took which file out, never changed.
		"nir_exports": "SELECT,INSERT",
	}
	rows, err := owner.Pool.Query(ctx, `
		SELECT c.relname,
		       concat_ws(',',
		         CASE WHEN has_table_privilege($1, c.oid, 'SELECT') THEN 'SELECT' END,
		         CASE WHEN has_table_privilege($1, c.oid, 'INSERT') THEN 'INSERT' END,
		         CASE WHEN has_table_privilege($1, c.oid, 'UPDATE') THEN 'UPDATE' END,
		         CASE WHEN has_table_privilege($1, c.oid, 'DELETE') THEN 'DELETE' END,
		         CASE WHEN has_table_privilege($1, c.oid, 'TRUNCATE') THEN 'TRUNCATE' END,
		         CASE WHEN has_table_privilege($1, c.oid, 'REFERENCES') THEN 'REFERENCES' END,
		         CASE WHEN has_table_privilege($1, c.oid, 'TRIGGER') THEN 'TRIGGER' END)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
		ORDER BY 1`, postgres.AppRole)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	tables := 0
	for rows.Next() {
		var table, privs string
		if err := rows.Scan(&table, &privs); err != nil {
			t.Fatal(err)
		}
		tables++
		want := "SELECT,INSERT,UPDATE,DELETE"
		if w, ok := special[table]; ok {
			want = w
		}
		if privs != want {
			t.Errorf("app role on %s: %s, want %s", table, privs, want)
		}
	}
	if tables < 10 {
		t.Errorf("only %d tables checked", tables)
	}
	var create bool
	owner.Pool.QueryRow(ctx, `SELECT has_schema_privilege($1, 'public', 'CREATE')`, postgres.AppRole).Scan(&create)
	if create {
		t.Error("app role may create objects in schema public")
	}
}
