package demo_test

import (
	"context"
	"testing"

	"ankomst/internal/demo"
	"ankomst/internal/postgres/pgtest"
)

// The settlement step: target rows for the last three years and this one
// (this year's decision revised once), people proposed, agreed (with an
// expected arrival, no deadlines) and declined (with a reason); a second
// run adds nothing.
func TestDemoSettlement(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewOwner(t)
	for range 2 {
		if err := demo.Load(ctx, db, demo.Options{Persons: 200, Seed: 7, Today: today}); err != nil {
			t.Fatal(err)
		}
	}
	var years, rows, thisYear int
	if err := db.Pool.QueryRow(ctx, `SELECT count(DISTINCT year), count(*), count(*) FILTER (WHERE year = $1 AND kind = 'decision')
		FROM settlement_targets`, today.Year()).Scan(&years, &rows, &thisYear); err != nil {
		t.Fatal(err)
	}
	if years != 4 || rows != 9 || thisYear != 2 {
		t.Errorf("targets: %d years, %d rows, %d decisions this year; want 4, 9, 2", years, rows, thisYear)
	}
	stages := map[string]int{}
	r, err := db.Pool.Query(ctx, `SELECT settlement_stage, count(*) FROM persons WHERE settlement_stage <> 'settled' AND duf_number LIKE '2098%' GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var s string
		var n int
		if err := r.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		stages[s] = n
	}
	r.Close()
	if stages["proposed"] != 10 || stages["agreed"] != 10 || stages["declined"] != 4 {
		t.Errorf("pipeline: %v (want 10 proposed, 10 agreed, 4 declined: %d in all)", stages, demo.PipelineCount)
	}
	var bad int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM persons p WHERE p.settlement_stage <> 'settled'
		AND (p.settlement_date IS NOT NULL OR EXISTS (SELECT 1 FROM deadlines d WHERE d.person_id = p.id))`).Scan(&bad); err != nil || bad != 0 {
		t.Errorf("%d people in the pipeline with a settlement date or deadlines (%v)", bad, err)
	}
	if n, err := db.CountPersons(ctx); err != nil || n != 400 {
		t.Errorf("CountPersons = %d, %v; want the 400 loaded", n, err)
	}
}
