package server_test

// TestBenchHealth (issue 10, Performance): the health worklist (GET /health)
// of a unit as its health worker — unfiltered, filtered by item kind,
// descending, the second page, and varied filters — through the real HTTP
// stack and as the store call alone (db.HealthWorklist: one statement that
// reads the page and writes its access-log rows), at each concurrency, with
// EXPLAIN (ANALYZE, BUFFERS) of the statement (run in a transaction that is
// rolled back, as the statement writes), the round trips per page from the
// server log, and the access-log rows the run wrote. The leaders' counts
// (same URL, a leader) are measured through HTTP too. Like the other
// benchmarks it runs only when ANKOMST_BENCH_URL points at a running
// `ankomst serve` on the demo data (scripts/bench.sh), here with health
// items (the demo step "health": ~550 000 items at 100 000 persons). It logs
// in as ANKOMST_BENCH_HEALTH_EMAIL (helse@ost.demo, the demo's health worker
// of the bench unit) and ANKOMST_BENCH_LEADER_EMAIL (leder@ost.demo).
// Goal: worklist p99 < 30 ms including the access-log writes.

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"ankomst/internal/demo"
	"ankomst/internal/postgres"

	"github.com/jackc/pgx/v5"
)

func TestBenchHealth(t *testing.T) {
	bs := newBenchSetup(t)
	ctx := context.Background()
	pool, db := bs.pool, bs.db
	email := benchEnv("ANKOMST_BENCH_HEALTH_EMAIL", "helse@ost.demo")
	leaderEmail := benchEnv("ANKOMST_BENCH_LEADER_EMAIL", "leder@ost.demo")
	password := benchEnv("ANKOMST_BENCH_PASSWORD", demo.Password)
	scope := bs.userScope(t, email)

	var items, open, unitOpen, unitListed int64
	if err := pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE status IN ('not_started', 'booked')) FROM health_items`).
		Scan(&items, &open); err != nil {
		t.Fatal(err)
	}
	if items == 0 {
		t.Fatal("no health items: load the demo data with the health step (ankomst demo --if-empty)")
	}
	if err := pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE h.due_date <= current_date + $2::int)
		FROM health_items h JOIN persons p ON p.id = h.person_id
		WHERE h.status IN ('not_started', 'booked') AND p.status = 'active' AND p.unit_id = $1`, scope.UnitID, postgres.HealthDueSoonDays).
		Scan(&unitOpen, &unitListed); err != nil {
		t.Fatal(err)
	}
	bs.vacuum(t, "health_items", "audit_events")

	// The second page's cursor, from the first page.
	first, err := db.HealthWorklist(ctx, scope, postgres.WorklistQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Rows) == 0 {
		t.Fatal("the bench unit's worklist is empty")
	}
	after := first.Rows[len(first.Rows)-1].Cursor()

	type scenario struct {
		name   string
		path   string
		q      postgres.WorklistQuery
		varied []scenario
	}
	sc := func(name string, q postgres.WorklistQuery) scenario {
		var parts []string
		if q.Kind != "" {
			parts = append(parts, "kind="+q.Kind)
		}
		if q.Desc {
			parts = append(parts, "dir=desc")
		}
		if q.After != nil {
			parts = append(parts, "after="+q.After.String())
		}
		p := "/health"
		if len(parts) > 0 {
			p += "?" + strings.Join(parts, "&")
		}
		q.Limit = 50
		return scenario{name: name, path: p, q: q}
	}
	varied := scenario{name: "worklist, varied filters"}
	for i, kind := range []string{"", "tb_screening", "health_check", "vaccines", "mental_health", "gp", "dental"} {
		varied.varied = append(varied.varied, sc(kind, postgres.WorklistQuery{Kind: kind, Desc: i%2 == 1}))
	}
	scenarios := []scenario{
		sc("worklist, first page", postgres.WorklistQuery{}),
		sc("worklist, kind=tb_screening", postgres.WorklistQuery{Kind: "tb_screening"}),
		sc("worklist, kind=dental", postgres.WorklistQuery{Kind: "dental"}),
		sc("worklist, due date desc", postgres.WorklistQuery{Desc: true}),
		sc("worklist, second page", postgres.WorklistQuery{After: &after}),
		varied,
	}
	pick := func(s *scenario, i int) *scenario {
		if len(s.varied) == 0 {
			return s
		}
		return &s.varied[i%len(s.varied)]
	}

	var auditBefore int64
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE entity = 'health_items' AND user_id = $1`, scope.UserID).Scan(&auditBefore); err != nil {
		t.Fatal(err)
	}
	get := bs.login(t, email, password)
	type result struct {
		name       string
		bytes      int
		rows       int
		http, bare map[int]benchStats
		plan       []string
		execMS     float64
		load       string
	}
	var results []result
	for _, s := range scenarios {
		r := result{name: s.name, http: map[int]benchStats{}, bare: map[int]benchStats{}}
		body, err := get(pick(&s, 0).path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, `data-testid="worklist-table"`) && !strings.Contains(body, `data-testid="empty-state"`) {
			t.Fatalf("%s: not the worklist", s.name)
		}
		r.bytes, r.rows = len(body), strings.Count(body, `data-testid="worklist-row"`)
		for _, c := range bs.concs {
			r.http[c] = benchRun(t, bs.n, c, func(i int) error { _, err := get(pick(&s, i).path); return err })
			r.bare[c] = benchRun(t, bs.n, c, func(i int) error { _, err := db.HealthWorklist(ctx, scope, pick(&s, i).q); return err })
		}
		r.load = benchLoadAvg()
		if os.Getenv("ANKOMST_BENCH_EXPLAIN") != "0" {
			capture := &benchCapture{}
			if _, err := db.HealthWorklist(context.WithValue(ctx, benchCaptureKey{}, capture), scope, pick(&s, 0).q); err != nil {
				t.Fatal(err)
			}
			r.plan, r.execMS = benchExplainRolledBack(t, bs, capture.All[len(capture.All)-1])
		}
		results = append(results, r)
	}
	var auditAfter int64
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE entity = 'health_items' AND user_id = $1`, scope.UserID).Scan(&auditAfter); err != nil {
		t.Fatal(err)
	}

	// The leaders' counts: same URL, counts only.
	lget := bs.login(t, leaderEmail, password)
	body, err := lget("/health")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, `data-testid="counts-table"`) {
		t.Fatal("the leader did not get the counts page")
	}
	counts := map[int]benchStats{}
	for _, c := range bs.concs {
		counts[c] = benchRun(t, max(bs.n/4, 100), c, func(int) error { _, err := lget("/health"); return err })
	}

	w := os.Stdout
	fmt.Fprintf(w, "\n=== Health benchmark: %d health items (%d open), unit %d: %d open items of active persons, %d overdue or due within %d days; %d CPUs\n",
		items, open, scope.UnitID, unitOpen, unitListed, postgres.HealthDueSoonDays, benchCPUs())
	fmt.Fprintf(w, "    %d requests per run after 100 warm-up as %s; http = GET through `ankomst serve`; sql = db.HealthWorklist alone (one statement: the page and its access-log rows);\n    EXPLAIN = execution ms of that statement (in a rolled-back transaction); load = /proc/loadavg after the scenario\n\n", bs.n, email)
	fmt.Fprintf(w, "%-30s %-5s %4s %5s %7s %8s %8s %8s %8s %8s %8s  %s\n", "scenario", "path", "conc", "rows", "KiB", "p50 ms", "p90 ms", "p99 ms", "max ms", "req/s", "EXPLAIN", "load")
	for _, r := range results {
		for _, c := range bs.concs {
			for _, kind := range []string{"http", "sql"} {
				st, explain := r.http[c], ""
				if kind == "sql" {
					st, explain = r.bare[c], fmt.Sprintf("%.2f", r.execMS)
				}
				fmt.Fprintf(w, "%-30s %-5s %4d %5d %7.1f %8s %8s %8s %8s %8.0f %8s  %s\n", benchTrunc(r.name, 30), kind, c, r.rows,
					float64(r.bytes)/1024, ms(st.P50), ms(st.P90), ms(st.P99), ms(st.Max), st.PerSec, explain, r.load)
			}
		}
	}
	for _, c := range bs.concs {
		st := counts[c]
		fmt.Fprintf(w, "%-30s %-5s %4d %5s %7.1f %8s %8s %8s %8s %8.0f %8s  %s\n", "leaders' counts", "http", c, "-",
			float64(len(body))/1024, ms(st.P50), ms(st.P90), ms(st.P99), ms(st.Max), st.PerSec, "", benchLoadAvg())
	}
	fmt.Fprintf(w, "\nAccess-log rows written by the worklist reads of this run: %d (one per person shown per read).\n", auditAfter-auditBefore)
	fmt.Fprintf(w, "\nGoal: worklist http p99 < 30 ms (access-log writes included).\n")
	for _, r := range results {
		for _, c := range bs.concs {
			verdict := "ok"
			if r.http[c].P99 >= 30*time.Millisecond {
				verdict = "p99 over 30 ms"
			}
			fmt.Fprintf(w, "%-30s %4d %10s  %s\n", benchTrunc(r.name, 30), c, ms(r.http[c].P99), verdict)
		}
	}
	benchDBWork(t, w, "/health")
	for _, r := range results {
		if len(r.plan) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n--- EXPLAIN (ANALYZE, BUFFERS): %s\n", r.name)
		for _, l := range r.plan {
			fmt.Fprintln(w, "  "+l)
		}
	}
	fmt.Fprintln(w)
}

// benchExplainRolledBack runs EXPLAIN (ANALYZE, BUFFERS) of a statement that
// writes (the worklist's access-log insert) inside a transaction that is
// rolled back, and returns the plan and the execution ms.
func benchExplainRolledBack(t *testing.T, bs *benchSetup, q benchQuery) ([]string, float64) {
	t.Helper()
	ctx := context.Background()
	tx, err := bs.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck
	rows, err := tx.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+q.SQL, q.Args...)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var execMS float64
	for _, l := range plan {
		if m := benchExecRE.FindStringSubmatch(l); m != nil {
			fmt.Sscanf(m[1], "%g", &execMS)
		}
	}
	return append([]string{"SQL: " + strings.Join(strings.Fields(q.SQL), " "), fmt.Sprintf("args: %v", q.Args)}, plan...), execMS
}
