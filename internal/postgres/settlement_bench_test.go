package postgres_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// TestBenchSettlementLedger (skipped unless ANKOMST_BENCH_SETTLEMENT is a
// number of persons, e.g. 1000000): loads that many persons over 20 units
// with settlement dates over ten years, 1 in 500 in the pipeline, and times
// SettlementLedger (one batch: targets, counts, grant cohorts, rates, unit)
// for an admin (every unit) and a leader (one unit): p50 and p99 of 30 runs.
func TestBenchSettlementLedger(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ANKOMST_BENCH_SETTLEMENT"))
	if n <= 0 {
		t.Skip("set ANKOMST_BENCH_SETTLEMENT to a number of persons")
	}
	f := newFixture(t)
	ctx := context.Background()
	started := time.Now()
	if _, err := f.db.Pool.Exec(ctx, `
		INSERT INTO units (name) SELECT 'Enhet ' || g FROM generate_series(1, 18) g ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Pool.Exec(ctx, `
		INSERT INTO persons (unit_id, given_name, family_name, name_key, family_key, given_key, birth_date, sex,
			duf_number, country_of_origin, residence_basis, settlement_date, arrival_date, settlement_stage,
			expected_arrival, proposed_on, grant_disability)
		SELECT u.ids[1 + g % array_length(u.ids, 1)], 'Bench', 'Person', 'bench person', 'person', 'bench',
			date '1950-01-01' + (g * 7919 % 27000)::int, 'female', '2090' || lpad(g::text, 8, '0'), 'SY',
			(ARRAY['reception','resettlement','family','collective','unaccompanied'])[1 + g % 5],
			CASE WHEN g % 500 = 0 THEN NULL ELSE date '2017-01-01' + (g * 104729 % 3650)::int END,
			CASE WHEN g % 500 = 0 THEN NULL ELSE date '2016-12-01' + (g * 104729 % 3650)::int END,
			CASE WHEN g % 1000 = 0 THEN 'agreed' WHEN g % 500 = 0 THEN 'proposed' ELSE 'settled' END,
			CASE WHEN g % 1000 = 0 THEN date '2026-12-01' + (g % 200)::int END,
			CASE WHEN g % 500 = 0 THEN date '2026-06-01' + (g % 180)::int END,
			g % 97 = 0
		FROM generate_series(1::bigint, $1) g, (SELECT array_agg(id ORDER BY id) AS ids FROM units) u`, n); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Pool.Exec(ctx, `VACUUM ANALYZE persons`); err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d persons in %s", n, time.Since(started).Round(time.Millisecond))
	counts, cohorts := postgres.SettlementSQL("true")
	for _, q := range []struct {
		sql  string
		args []any
	}{{counts, []any{date("2026-01-01"), date("2027-01-01")}}, {cohorts, []any{date("2022-01-01"), date("2027-01-01")}}} {
		rows, err := f.db.Pool.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+q.sql, q.args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, line)
		}
		rows.Close()
		t.Logf("admin plan:\n%s", strings.Join(plan, "\n"))
	}
	for _, u := range []*domain.User{f.admin, f.leaderA} {
		var times []time.Duration
		for range 30 {
			t0 := time.Now()
			rep, err := f.db.SettlementLedger(ctx, u.Scope(), 2026)
			if err != nil {
				t.Fatal(err)
			}
			times = append(times, time.Since(t0))
			if rep.Ledger.Section(domain.StageSettled).Sum.Total == 0 {
				t.Fatal("nothing settled in 2026")
			}
		}
		slices.Sort(times)
		t.Logf("SettlementLedger as %s: p50 %s p99 %s (n=30)", u.Role, times[14].Round(time.Microsecond), times[29].Round(time.Microsecond))
	}
}
