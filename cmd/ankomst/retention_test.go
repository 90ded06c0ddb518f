package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"ankomst/internal/demo"
	"ankomst/internal/postgres"
	"ankomst/internal/postgres/pgtest"
)

// ankomst retention --dry-run lists and changes nothing; --apply anonymises
// and is audited as the administrator --as names.
func TestRetentionCommand(t *testing.T) {
	ctx := context.Background()
	appURL, ownerURL := pgtest.URLs(t)
	owner, err := postgres.Open(ctx, ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if err := demo.Load(ctx, owner, demo.Options{Persons: 40, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.Pool.Exec(ctx, `UPDATE persons SET status = 'closed', closed_on = '2001-01-01', close_reason = 'moved'
		WHERE id IN (SELECT id FROM persons WHERE status = 'active' ORDER BY id LIMIT 3)`); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DATABASE_URL", appURL)
	var out bytes.Buffer
	if err := retentionCmd(ctx, []string{"--dry-run"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "dry run: 3 persons due") {
		t.Errorf("dry run said:\n%s", out.String())
	}
	var anonymised int
	owner.Pool.QueryRow(ctx, `SELECT count(*) FROM persons WHERE anonymised_at IS NOT NULL`).Scan(&anonymised)
	if anonymised != 0 {
		t.Fatalf("the dry run anonymised %d", anonymised)
	}
	if err := retentionCmd(ctx, []string{"--apply", "--as", "saksbehandler1@ost.demo"}, &out); err == nil {
		t.Error("a caseworker could run retention")
	}
	if err := retentionCmd(ctx, nil, &out); err == nil {
		t.Error("neither --dry-run nor --apply was accepted")
	}
	out.Reset()
	if err := retentionCmd(ctx, []string{"--apply", "--as", "admin@demo"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Anonymisert: 3.") {
		t.Errorf("apply said %q", out.String())
	}
	var audited int
	owner.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events a JOIN users u ON u.id = a.user_id
		WHERE a.action = 'anonymise' AND u.email = 'admin@demo' AND a.request_id = 'cli-retention'`).Scan(&audited)
	if audited != 3 {
		t.Errorf("%d audit rows, want 3", audited)
	}
}
