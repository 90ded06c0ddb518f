package server_test

// TestBenchDashboard (issue 12, Performance; scripts/bench.sh, make bench):
// the leaders' dashboard (GET /dashboard, last 12 months) through the real
// HTTP stack for one unit (as ANKOMST_BENCH_LEADER_EMAIL, leder@ost.demo)
// and for all units (as ANKOMST_BENCH_ADMIN_EMAIL, admin@demo), beside the
// bare store call (db.Dashboard: one batch of 11 statements, migration
// 000039's counts), at each
// concurrency, with EXPLAIN (ANALYZE, BUFFERS) of each statement of the
// batch (the slowest first). Like the other benchmarks it runs only when
// ANKOMST_BENCH_URL points at a running `ankomst serve` on the demo data.
// Knobs: ANKOMST_BENCH_DASHBOARD_REQUESTS (200 per run), and those of bench_test.go.
// Goal: one unit p99 < 100 ms, all units p99 < 250 ms.

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/demo"
	"ankomst/internal/domain"
	"ankomst/internal/postgres"

	"github.com/jackc/pgx/v5"
)

func TestBenchDashboard(t *testing.T) {
	bs := newBenchSetup(t)
	ctx := context.Background()
	password := benchEnv("ANKOMST_BENCH_PASSWORD", demo.Password)
	leaderEmail := benchEnv("ANKOMST_BENCH_LEADER_EMAIL", "leder@ost.demo")
	adminEmail := benchEnv("ANKOMST_BENCH_ADMIN_EMAIL", "admin@demo")

	var persons, units, deadlines, attendance, placements, programmes int64
	if err := bs.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM persons), (SELECT count(*) FROM units), (SELECT count(*) FROM deadlines),
		(SELECT count(*) FROM attendance), (SELECT count(*) FROM placements), (SELECT count(*) FROM programmes)`).
		Scan(&persons, &units, &deadlines, &attendance, &placements, &programmes); err != nil {
		t.Fatal(err)
	}
	bs.vacuum(t, "persons", "deadlines", "programmes", "plan_versions", "plan_elements", "attendance", "placements",
		"payroll_lines", "payroll_approvals", "housing_units", "leases", "health_items",
		"attendance_months", "participant_hours", "health_open_counts", "programme_start_counts",
		"attendance_unit_months", "deadline_breach_months", "deadline_open_days", "participant_hours_events",
		"placement_counts", "programme_no_reason_counts", "health_open_levels")

	today := domain.Today(time.Now())
	q := postgres.DashboardQuery{To: domain.MonthStart(today), Today: today}
	q.From = domain.AddMonths(q.To, -11)
	type scenario struct {
		name, email string
		scope       domain.Scope
	}
	scenarios := []scenario{
		{"one unit (leader)", leaderEmail, bs.userScope(t, leaderEmail)},
		{"all units (admin)", adminEmail, bs.userScope(t, adminEmail)},
	}
	goals := map[string]time.Duration{scenarios[0].name: 100 * time.Millisecond, scenarios[1].name: 250 * time.Millisecond}
	type result struct {
		name       string
		bytes      int
		http, bare map[int]benchStats
		load       string
		plans      []benchPlan
	}
	var results []result
	for _, s := range scenarios {
		get := bs.login(t, s.email, password)
		body, err := get("/dashboard")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, `data-testid="dashboard-figures"`) {
			t.Fatalf("%s: not the dashboard", s.name)
		}
		r := result{name: s.name, bytes: len(body), http: map[int]benchStats{}, bare: map[int]benchStats{}}
		n := benchEnvInt(t, "ANKOMST_BENCH_DASHBOARD_REQUESTS", 200)
		for _, c := range bs.concs {
			r.http[c] = benchRun(t, n, c, func(int) error { _, err := get("/dashboard"); return err })
			r.bare[c] = benchRun(t, n, c, func(int) error { _, err := bs.db.Dashboard(ctx, s.scope, q); return err })
		}
		r.load = benchLoadAvg()
		if os.Getenv("ANKOMST_BENCH_EXPLAIN") != "0" {
			capture := &benchCapture{}
			if _, err := bs.db.Dashboard(context.WithValue(ctx, benchCaptureKey{}, capture), s.scope, q); err != nil {
				t.Fatal(err)
			}
			// As the batch runs them: in a transaction without parallel workers.
			var selects []benchQuery
			for _, st := range capture.All {
				if strings.HasPrefix(strings.TrimSpace(st.SQL), "SELECT") {
					selects = append(selects, st)
				}
			}
			for _, p := range bs.explainDashboard(t, selects) {
				r.plans = append(r.plans, p)
			}
			sort.Slice(r.plans, func(i, j int) bool { return r.plans[i].execMS > r.plans[j].execMS })
		}
		results = append(results, r)
	}

	w := os.Stdout
	fmt.Fprintf(w, "\n=== Dashboard benchmark: %d persons in %d units, %d deadlines, %d programmes, %d attendance rows, %d placements; %d CPUs\n",
		persons, units, deadlines, programmes, attendance, placements, benchCPUs())
	fmt.Fprintf(w, "    %d requests per run after up to 100 warm-up; http = GET /dashboard through `ankomst serve`; sql = db.Dashboard alone (one batch);\n    load = /proc/loadavg after the scenario\n\n", benchEnvInt(t, "ANKOMST_BENCH_DASHBOARD_REQUESTS", 200))
	fmt.Fprintf(w, "%-20s %-5s %4s %7s %8s %8s %8s %8s %8s  %s\n", "scenario", "path", "conc", "KiB", "p50 ms", "p90 ms", "p99 ms", "max ms", "req/s", "load")
	for _, r := range results {
		for _, c := range bs.concs {
			for _, kind := range []string{"http", "sql"} {
				st := r.http[c]
				if kind == "sql" {
					st = r.bare[c]
				}
				fmt.Fprintf(w, "%-20s %-5s %4d %7.1f %8s %8s %8s %8s %8.0f  %s\n", r.name, kind, c, float64(r.bytes)/1024,
					ms(st.P50), ms(st.P90), ms(st.P99), ms(st.Max), st.PerSec, r.load)
			}
		}
	}
	fmt.Fprintf(w, "\nGoal: one unit http p99 < 100 ms, all units http p99 < 250 ms.\n")
	for _, r := range results {
		for _, c := range bs.concs {
			verdict := "ok"
			if r.http[c].P99 >= goals[r.name] {
				verdict = "p99 over the goal"
			}
			fmt.Fprintf(w, "%-20s %4d %10s  %s\n", r.name, c, ms(r.http[c].P99), verdict)
		}
	}
	for _, r := range results {
		fmt.Fprintf(w, "\n--- EXPLAIN (ANALYZE, BUFFERS), %s: the batch's statements, slowest first\n", r.name)
		for _, p := range r.plans {
			fmt.Fprintf(w, "\n[%.2f ms]\n%s\n", p.execMS, strings.Join(p.plan, "\n"))
		}
	}
	benchDBWork(t, w, "/dashboard")
}

// benchPlan is one statement's EXPLAIN output and execution time.
type benchPlan struct {
	plan   []string
	execMS float64
}

// explainDashboard runs EXPLAIN (ANALYZE, BUFFERS) of the dashboard's
// statements as its batch runs them: in one transaction without parallel workers.
func (b *benchSetup) explainDashboard(t *testing.T, qs []benchQuery) []benchPlan {
	t.Helper()
	ctx := context.Background()
	tx, err := b.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck
	if _, err := tx.Exec(ctx, `SET LOCAL max_parallel_workers_per_gather = 0`); err != nil {
		t.Fatal(err)
	}
	var out []benchPlan
	for _, q := range qs {
		rows, err := tx.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+q.SQL, q.Args...)
		if err != nil {
			t.Fatalf("EXPLAIN %s: %v", q.SQL, err)
		}
		plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		var ex float64
		for _, l := range plan {
			if m := benchExecRE.FindStringSubmatch(l); m != nil {
				ex, _ = strconv.ParseFloat(m[1], 64)
			}
		}
		out = append(out, benchPlan{append([]string{"SQL: " + strings.Join(strings.Fields(q.SQL), " "), benchArgs(q.Args)}, plan...), ex})
	}
	return out
}
