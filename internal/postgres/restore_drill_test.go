package postgres_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ankomst/internal/demo"
	"ankomst/internal/postgres"
	"ankomst/internal/postgres/pgtest"

	"github.com/jackc/pgx/v5"
)

// TestRestoreDrill is the backup restore drill of docs/OPERATIONS.md
// ("Sikkerhetskopi og gjenoppretting"), run by make test: demo data in a
// fresh database, pg_dump -Fc, pg_restore into a new database, and every
// table's row count and checksum (md5 of its rows in primary-key order)
// and every sequence's position compared. pg_dump and pg_restore come from
// the machine (Debian's postgresql-client; make test installs it through
// scripts/ensure-pg-client.sh). Without them the test fails in CI and skips
// elsewhere.
func TestRestoreDrill(t *testing.T) {
	pgDump, err1 := exec.LookPath("pg_dump")
	pgRestore, err2 := exec.LookPath("pg_restore")
	if err1 != nil || err2 != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("pg_dump/pg_restore not found (%v, %v): CI must install postgresql-client (scripts/ensure-pg-client.sh)", err1, err2)
		}
		t.Skip("restore drill skipped: pg_dump and pg_restore are not installed (apt-get install postgresql-client, or run scripts/ensure-pg-client.sh)")
	}
	ctx := context.Background()
	_, ownerURL := pgtest.URLs(t)
	owner, err := postgres.Open(ctx, ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	today := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	if err := demo.Load(ctx, owner, demo.Options{Persons: 150, Notes: 300, Seed: 11, Today: today}); err != nil {
		t.Fatal(err)
	}
	dump := filepath.Join(t.TempDir(), "ankomst.dump")
	run := func(name string, args ...string) {
		t.Helper()
		cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(cctx, name, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
		}
	}
	run(pgDump, "--format=custom", "--file="+dump, "--dbname="+ownerURL)
	restoredURL := pgtest.EmptyURL(t)
	run(pgRestore, "--exit-on-error", "--single-transaction", "--dbname="+restoredURL, dump)

	src := tableChecksums(t, ownerURL)
	dst := tableChecksums(t, restoredURL)
	if len(src) < 30 {
		t.Fatalf("only %d tables and sequences checked", len(src))
	}
	nonEmpty := 0
	for k, v := range src {
		if dst[k] != v {
			t.Errorf("%s: source %s, restored %s", k, v, dst[k])
		}
		if !strings.HasPrefix(v, "0 ") {
			nonEmpty++
		}
	}
	for k := range dst {
		if _, ok := src[k]; !ok {
			t.Errorf("%s only in the restored database", k)
		}
	}
	if nonEmpty < 15 {
		t.Errorf("only %d non-empty tables: the drill restores too little to prove anything", nonEmpty)
	}
	t.Logf("restore drill: %d tables and sequences match (%d with rows)", len(src), nonEmpty)
}

// tableChecksums returns, per table of the public schema, "rows md5" over
// its rows ordered by primary key (all columns where there is none), and
// per sequence its last value.
func tableChecksums(t *testing.T, url string) map[string]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `
		SELECT c.relname::text,
			coalesce((SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
				FROM pg_index i CROSS JOIN unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
				JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
				WHERE i.indrelid = c.oid AND i.indisprimary), '')
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	type table struct{ name, pk string }
	var tables []table
	for rows.Next() {
		var tb table
		if err := rows.Scan(&tb.name, &tb.pk); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, tb)
	}
	rows.Close()
	out := map[string]string{}
	for _, tb := range tables {
		id := pgx.Identifier{tb.name}.Sanitize()
		order := tb.pk
		if order == "" {
			order = "t::text"
		}
		var n int64
		var sum string
		q := fmt.Sprintf(`SELECT count(*), coalesce(md5(string_agg(t::text, E'\n' ORDER BY %s)), '') FROM %s t`, order, id)
		if err := conn.QueryRow(ctx, q).Scan(&n, &sum); err != nil {
			t.Fatalf("%s: %v", tb.name, err)
		}
		out["table "+tb.name] = fmt.Sprintf("%d %s", n, sum)
	}
	seqs, err := conn.Query(ctx, `SELECT sequencename::text, coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'public'`)
	if err != nil {
		t.Fatal(err)
	}
	defer seqs.Close()
	for seqs.Next() {
		var name string
		var last int64
		if err := seqs.Scan(&name, &last); err != nil {
			t.Fatal(err)
		}
		out["sequence "+name] = fmt.Sprint(last)
	}
	return out
}
