package server_test

// The person-list benchmark of scripts/bench.sh (make bench). It runs only
// when ANKOMST_BENCH_URL points at a running `ankomst serve` whose database
// (DATABASE_URL) holds the demo data:
//
//	ANKOMST_BENCH_URL=http://127.0.0.1:18080 DATABASE_URL=... \
//	  go test ./internal/server -run '^TestBenchPersonList$' -count=1 -v
//
// For each scenario it logs in as a demo caseworker and measures the page
// through the real HTTP stack (session load and save, user load, the query,
// templ rendering), then the same ListPersons call straight on the store,
// and prints EXPLAIN (ANALYZE, BUFFERS) of the query's SQL.
//
// Knobs: ANKOMST_BENCH_EMAIL, ANKOMST_BENCH_PASSWORD (a demo caseworker by
// default), ANKOMST_BENCH_REQUESTS (2000 per run), ANKOMST_BENCH_CONCURRENCY
// (comma list, default "1,4"), ANKOMST_BENCH_VACUUM=0 to skip the VACUUM
// ANALYZE of persons before measuring, ANKOMST_BENCH_EXPLAIN=0 to skip the plans.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ankomst/internal/demo"
	"ankomst/internal/domain"
	"ankomst/internal/postgres"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// benchScenario is one request of the benchmark, as a URL and as a store
// call; a scenario with Variants cycles through them (request i uses
// variant i mod len).
type benchScenario struct {
	Name     string
	Path     string // with query string
	Query    postgres.PersonQuery
	Want     string // text the page must contain
	Variants []benchScenario
}

func (sc *benchScenario) variant(i int) *benchScenario {
	if len(sc.Variants) == 0 {
		return sc
	}
	return &sc.Variants[i%len(sc.Variants)]
}

// benchSearch is the scenario of a name search for q.
func benchSearch(name, q, want string) benchScenario {
	return benchScenario{Name: name, Path: "/persons?view=all&q=" + url.QueryEscape(q),
		Query: postgres.PersonQuery{Q: q, Limit: 50}, Want: want}
}

// benchStats summarises one run.
type benchStats struct {
	N                       int
	P50, P90, P99, Max, Avg time.Duration
	PerSec                  float64
}

func benchSummarise(d []time.Duration, wall time.Duration) benchStats {
	slices.Sort(d)
	at := func(q float64) time.Duration {
		i := int(q*float64(len(d))+0.5) - 1
		return d[max(0, min(i, len(d)-1))]
	}
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	return benchStats{
		N: len(d), P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: d[len(d)-1],
		Avg: sum / time.Duration(len(d)), PerSec: float64(len(d)) / wall.Seconds(),
	}
}

// benchRun calls fn(0..n-1) from conc goroutines after a warm-up.
func benchRun(t *testing.T, n, conc int, fn func(i int) error) benchStats {
	t.Helper()
	for i := range min(100, n) {
		if err := fn(i); err != nil {
			t.Fatal(err)
		}
	}
	durs := make([]time.Duration, n)
	var next atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				err := fn(i)
				durs[i] = time.Since(t0)
				if err != nil {
					errOnce.Do(func() { firstErr = err })
				}
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	return benchSummarise(durs, wall)
}

func benchEnvInt(t *testing.T, key string, def int) int {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive number", key, v)
	}
	return n
}

func benchEnv(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// benchCapture records the SQL and arguments of the queries made with a
// context carrying it, so the benchmark can EXPLAIN exactly what
// ListPersons sends.
type benchCapture struct {
	SQL  string
	Args []any
}

type benchCaptureKey struct{}

type benchTracer struct{}

func (benchTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if c, ok := ctx.Value(benchCaptureKey{}).(*benchCapture); ok {
		c.SQL, c.Args = d.SQL, slices.Clone(d.Args)
	}
	return ctx
}

func (benchTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

func TestBenchPersonList(t *testing.T) {
	base := strings.TrimRight(os.Getenv("ANKOMST_BENCH_URL"), "/")
	if base == "" {
		t.Skip("benchmark: set ANKOMST_BENCH_URL (scripts/bench.sh does)")
	}
	dbURL := os.Getenv("DATABASE_URL")
	if dbURL == "" {
		t.Fatal("benchmark: DATABASE_URL is not set")
	}
	ctx := context.Background()
	email := benchEnv("ANKOMST_BENCH_EMAIL", "saksbehandler1@ost.demo")
	password := benchEnv("ANKOMST_BENCH_PASSWORD", demo.Password)
	n := benchEnvInt(t, "ANKOMST_BENCH_REQUESTS", 2000)
	var concs []int
	for _, s := range strings.Split(benchEnv("ANKOMST_BENCH_CONCURRENCY", "1,4"), ",") {
		c, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || c <= 0 {
			t.Fatalf("ANKOMST_BENCH_CONCURRENCY: bad %q", s)
		}
		concs = append(concs, c)
	}

	// The store, as the server opens it, with a tracer for EXPLAIN.
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = max(cfg.MaxConns, 8)
	cfg.ConnConfig.RuntimeParams["application_name"] = "ankomst-bench"
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	cfg.ConnConfig.Tracer = benchTracer{}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	db := &postgres.DB{Pool: pool, Now: time.Now}

	var (
		scope   domain.Scope
		role    string
		total   int64
		inUnit  int64
		pgVer   string
		sharedB string
	)
	err = pool.QueryRow(ctx, `SELECT id, unit_id, role FROM users WHERE lower(email) = lower($1)`, email).
		Scan(&scope.UserID, &scope.UnitID, &role)
	if err != nil {
		t.Fatalf("benchmark user %s: %v (load the demo data first)", email, err)
	}
	scope.Role = domain.Role(role)
	if err := pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE unit_id = $1), current_setting('server_version'),
		current_setting('shared_buffers') FROM persons`, scope.UnitID).Scan(&total, &inUnit, &pgVer, &sharedB); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("ANKOMST_BENCH_VACUUM") != "0" {
		// The steady state autovacuum reaches: visibility map set, GIN
		// pending list merged, statistics fresh.
		if _, err := pool.Exec(ctx, `VACUUM (ANALYZE) persons`); err != nil {
			t.Fatal(err)
		}
	}

	// Scenario parameters from the data: page 2's cursor, a full name.
	first, err := db.ListPersons(ctx, scope, postgres.PersonQuery{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Rows) < 50 {
		t.Fatalf("only %d persons visible to %s: load the demo data", len(first.Rows), email)
	}
	after := first.Rows[len(first.Rows)-1].ID
	var fullGiven, fullFamily string
	if err := pool.QueryRow(ctx, `SELECT given_name, family_name FROM persons WHERE unit_id = $1 ORDER BY id OFFSET $2 LIMIT 1`,
		scope.UnitID, inUnit/2).Scan(&fullGiven, &fullFamily); err != nil {
		t.Fatal(err)
	}
	fullName := fullGiven + " " + fullFamily
	fragment := benchEnv("ANKOMST_BENCH_FRAGMENT", "ahm")

	// Varied searches: every family name of the unit, the first four
	// letters of given names, and a few that match nobody, so that no
	// single plan or cached result flatters the numbers.
	var terms []string
	rows, err := pool.Query(ctx, `
		(SELECT DISTINCT family_key FROM persons WHERE unit_id = $1)
		UNION ALL (SELECT DISTINCT left(given_key, 4) FROM persons WHERE unit_id = $1)
		UNION ALL VALUES ('xyzq'), ('qqq'), ('zw')`, scope.UnitID)
	if err != nil {
		t.Fatal(err)
	}
	if terms, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		t.Fatal(err)
	}
	// A deterministic shuffle, so neighbouring requests differ.
	for i := range terms {
		j := (i*7919 + 13) % len(terms)
		terms[i], terms[j] = terms[j], terms[i]
	}
	varied := benchScenario{Name: fmt.Sprintf("search, %d different terms", len(terms))}
	for _, q := range terms {
		varied.Variants = append(varied.Variants, benchSearch("q="+q, q, ""))
	}

	scenarios := []benchScenario{
		{Name: "list, page 1 (all, by name)", Path: "/persons?view=all", Query: postgres.PersonQuery{Limit: 50}, Want: first.Rows[0].FamilyName},
		{Name: "list, page 2 (after cursor)", Path: "/persons?view=all&after=" + strconv.FormatInt(after, 10),
			Query: postgres.PersonQuery{After: after, Limit: 50}},
		{Name: "list, own caseload (mine)", Path: "/persons?view=mine", Query: postgres.PersonQuery{Mine: true, Limit: 50}},
		benchSearch("search q="+fragment, fragment, ""),
		benchSearch("search q="+fullName, fullName, fullFamily),
		varied,
	}

	// Log in through the real login form, as a browser would (no Origin).
	jar, _ := cookiejar.New(nil)
	client := &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body) //nolint:errcheck
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login as %s: status %d", email, resp.StatusCode)
	}
	get := func(path string) (string, error) {
		resp, err := client.Get(base + path)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return "", err
		}
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
		}
		return string(b), nil
	}

	type result struct {
		sc         benchScenario
		rows       int
		bytes      int
		http, bare map[int]benchStats
		plan       []string
		execMS     string
	}
	var results []result
	execRE := regexp.MustCompile(`Execution Time: ([0-9.]+) ms`)
	for _, sc := range scenarios {
		r := result{sc: sc, http: map[int]benchStats{}, bare: map[int]benchStats{}}
		body, err := get(sc.variant(0).Path)
		if err != nil {
			t.Fatal(err)
		}
		if sc.Want != "" && !strings.Contains(body, sc.Want) {
			t.Fatalf("%s: the page does not show %q", sc.Name, sc.Want)
		}
		r.bytes = len(body)
		for _, c := range concs {
			r.http[c] = benchRun(t, n, c, func(i int) error { _, err := get(sc.variant(i).Path); return err })
			r.bare[c] = benchRun(t, n, c, func(i int) error { _, err := db.ListPersons(ctx, scope, sc.variant(i).Query); return err })
		}
		// EXPLAIN the variant that is slowest on its own.
		explained, slowest := sc.variant(0), time.Duration(-1)
		for i := range max(1, len(sc.Variants)) {
			v := sc.variant(i)
			t0 := time.Now()
			if _, err := db.ListPersons(ctx, scope, v.Query); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(t0); d > slowest {
				explained, slowest = v, d
			}
		}
		if len(sc.Variants) > 0 {
			r.sc.Name += " (EXPLAIN: slowest, " + explained.Name + ")"
		}
		capture := &benchCapture{}
		page, err := db.ListPersons(context.WithValue(ctx, benchCaptureKey{}, capture), scope, explained.Query)
		if err != nil {
			t.Fatal(err)
		}
		r.rows = len(page.Rows)
		if os.Getenv("ANKOMST_BENCH_EXPLAIN") != "0" {
			rows, err := pool.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+capture.SQL, capture.Args...)
			if err != nil {
				t.Fatal(err)
			}
			r.plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range r.plan {
				if m := execRE.FindStringSubmatch(l); m != nil {
					r.execMS = m[1]
				}
			}
			r.plan = append([]string{"SQL: " + strings.Join(strings.Fields(capture.SQL), " "),
				fmt.Sprintf("args: %v", capture.Args)}, r.plan...)
		}
		results = append(results, r)
	}

	w := os.Stdout
	fmt.Fprintf(w, "\n=== Person list benchmark: %d persons (%d in %s's unit), PostgreSQL %s, shared_buffers %s, %d CPUs\n",
		total, inUnit, email, pgVer, sharedB, benchCPUs())
	fmt.Fprintf(w, "    %d requests per run after 100 warm-up; http = GET through `ankomst serve` (session, user, query, render); sql = db.ListPersons alone;\n    rows and EXPLAIN = of the query EXPLAINed below (for the varied search: its slowest term, measured alone)\n\n", n)
	fmt.Fprintf(w, "%-34s %-5s %4s %6s %8s %8s %8s %8s %8s %8s\n", "scenario", "path", "conc", "rows", "p50 ms", "p90 ms", "p99 ms", "max ms", "req/s", "EXPLAIN")
	for _, r := range results {
		for _, c := range concs {
			for _, kind := range []string{"http", "sql"} {
				st, explain := r.http[c], ""
				if kind == "sql" {
					st, explain = r.bare[c], r.execMS
				}
				fmt.Fprintf(w, "%-34s %-5s %4d %6d %8s %8s %8s %8s %8.0f %8s\n",
					benchTrunc(r.sc.Name, 34), kind, c, r.rows, ms(st.P50), ms(st.P90), ms(st.P99), ms(st.Max), st.PerSec, explain)
			}
		}
	}
	fmt.Fprintf(w, "\nGoal: http p99 < 25 ms; page ≤ 2× the bare query (p50).\n")
	fmt.Fprintf(w, "%-34s %4s %10s %12s %12s  %s\n", "scenario", "conc", "http p99", "p50 ratio", "p99 ratio", "verdict")
	for _, r := range results {
		for _, c := range concs {
			h, b := r.http[c], r.bare[c]
			r50 := float64(h.P50) / float64(b.P50)
			r99 := float64(h.P99) / float64(b.P99)
			verdict := "ok"
			if h.P99 >= 25*time.Millisecond {
				verdict = "p99 over 25 ms"
			}
			if r50 > 2 {
				if verdict == "ok" {
					verdict = ""
				} else {
					verdict += "; "
				}
				verdict += "page over 2× query"
			}
			fmt.Fprintf(w, "%-34s %4d %10s %11.2fx %11.2fx  %s\n", benchTrunc(r.sc.Name, 34), c, ms(h.P99), r50, r99, verdict)
		}
	}
	if os.Getenv("ANKOMST_BENCH_EXPLAIN") != "0" {
		for _, r := range results {
			fmt.Fprintf(w, "\n--- EXPLAIN (ANALYZE, BUFFERS): %s\n", r.sc.Name)
			for _, l := range r.plan {
				fmt.Fprintln(w, "  "+l)
			}
		}
	}
	fmt.Fprintln(w)
}

func benchTrunc(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func benchCPUs() int { return runtime.NumCPU() }
