package server_test

// TestBenchPayroll: the payroll basis for 20 000 participants (issue 8,
// Performance: XLSX < 5 s with flat memory, CSV < 2 s). It runs only with
// ANKOMST_BENCH_PAYROLL=1 (never in make test):
//
//	ANKOMST_BENCH_PAYROLL=1 DATABASE_URL=... go test ./internal/server -run '^TestBenchPayroll$' -count=1 -v -timeout 30m
//
// It fills a pgtest database with ANKOMST_BENCH_PAYROLL_PERSONS (20 000)
// participants of one unit, each with a year of daily attendance (about
// 5,2 million attendance rows; ANKOMST_BENCH_PAYROLL_DAYS weekdays, 260)
// with some unexcused absence, pauses and other deductions, prints EXPLAIN
// (ANALYZE, BUFFERS) of the basis query, and times the CSV and XLSX exports
// and the page through the real router (httptest), reporting duration,
// bytes, the Go heap's peak during the request (sampled), TotalAlloc growth
// and the process's VmHWM. Timings are logged, not asserted.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"

	"github.com/jackc/pgx/v5"
)

// procStatus reads a field of /proc/self/status ("VmHWM", "VmRSS").
func procStatus(field string) string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field+":") {
			return strings.TrimSpace(strings.TrimPrefix(line, field+":"))
		}
	}
	return "?"
}

func TestBenchPayroll(t *testing.T) {
	if os.Getenv("ANKOMST_BENCH_PAYROLL") != "1" {
		t.Skip("set ANKOMST_BENCH_PAYROLL=1 to run the payroll benchmark")
	}
	persons := benchEnvInt(t, "ANKOMST_BENCH_PAYROLL_PERSONS", 20000)
	days := benchEnvInt(t, "ANKOMST_BENCH_PAYROLL_DAYS", 260)
	app := newTestApp(t)
	ctx := context.Background()
	leader := app.user("leder@k.no", domain.RoleLeader, "Øst")
	app.DB.Now = func() time.Time { return time.Date(2026, 11, 16, 12, 0, 0, 0, time.UTC) }
	exec := func(sql string, args ...any) {
		t.Helper()
		start := time.Now()
		if _, err := app.DB.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
		t.Logf("setup %.60s… %s", strings.Join(strings.Fields(sql), " "), time.Since(start).Round(time.Millisecond))
	}

	// The data: persons, programmes from a year back, a year of attendance
	// (weekdays to the end of October 2026) with ~4 % unexcused days,
	// deductions for every 20th, a leave for every 40th.
	payrollPersons(t, app, leader.UnitID, persons, "Benk", "2025-11-03")
	exec(`UPDATE persons SET family_name = 'Benk' || (id % 97), family_key = 'benk' || (id % 97) WHERE family_name = 'Benk'`)
	exec(`INSERT INTO attendance (person_id, day, present_minutes, absent_minutes, reason)
		SELECT p.id, d.day,
		       CASE WHEN (p.id + d.n) % 25 = 0 THEN 0 ELSE 450 END,
		       CASE WHEN (p.id + d.n) % 25 = 0 THEN 450 ELSE 0 END,
		       CASE WHEN (p.id + d.n) % 25 = 0 THEN 'unexcused' END
		FROM persons p
		CROSS JOIN (
			SELECT day::date AS day, row_number() OVER (ORDER BY day) AS n
			FROM generate_series('2026-10-30'::date - ($1::int * 7 / 5), '2026-10-30'::date, '1 day') day
			WHERE extract(isodow FROM day) < 6
		) d
		WHERE p.unit_id = $2`, days, leader.UnitID)
	exec(`INSERT INTO benefit_deductions (person_id, month, amount_ore, description)
		SELECT id, '2026-10-01', 150000, 'Sykepenger' FROM persons WHERE unit_id = $1 AND id % 20 = 0`, leader.UnitID)
	exec(`INSERT INTO programme_pauses (person_id, kind, reason, from_date, to_date)
		SELECT id, 'leave', 'Permisjon', '2026-10-12', '2026-10-16' FROM persons WHERE unit_id = $1 AND id % 40 = 0`, leader.UnitID)
	// VACUUM ANALYZE as the database's owner (the app role may not): fresh
	// statistics and the visibility map for index-only scans.
	ownerCfg := app.DB.Pool.Config().ConnConfig.Copy()
	if srv, err := pgx.ParseConfig(os.Getenv("DATABASE_URL")); err == nil {
		ownerCfg.User, ownerCfg.Password = srv.User, srv.Password
	}
	owner, err := pgx.ConnectConfig(ctx, ownerCfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"attendance", "persons", "programmes", "programme_pauses", "benefit_deductions"} {
		start := time.Now()
		if _, err := owner.Exec(ctx, "VACUUM ANALYZE "+table); err != nil {
			t.Fatal(err)
		}
		t.Logf("setup VACUUM ANALYZE %s… %s", table, time.Since(start).Round(time.Millisecond))
	}
	owner.Close(ctx)
	var rows int64
	app.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM attendance`).Scan(&rows) //nolint:errcheck
	t.Logf("data: %d participants, %d attendance rows", persons, rows)

	// The plan of the basis query.
	month := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	sql, args := postgres.PayrollSQL(leader.Scope(), leader.UnitID, month)
	plan, err := app.DB.Pool.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for plan.Next() {
		var l string
		plan.Scan(&l) //nolint:errcheck
		lines = append(lines, l)
	}
	plan.Close()
	t.Logf("EXPLAIN (ANALYZE, BUFFERS):\n%s", strings.Join(lines, "\n"))

	c := app.client()
	c.login("leder@k.no")
	measure := func(path string) {
		t.Helper()
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		var peak atomic.Uint64
		peak.Store(before.HeapInuse)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { // sample the heap while the request runs
			defer wg.Done()
			tick := time.NewTicker(5 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					var m runtime.MemStats
					runtime.ReadMemStats(&m)
					if m.HeapInuse > peak.Load() {
						peak.Store(m.HeapInuse)
					}
				}
			}
		}()
		start := time.Now()
		req, _ := http.NewRequest(http.MethodGet, app.TS.URL+path, nil)
		resp, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var first time.Duration
		buf := make([]byte, 32<<10)
		var n int64
		for {
			k, err := resp.Body.Read(buf)
			if k > 0 && n == 0 {
				first = time.Since(start)
			}
			n += int64(k)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		resp.Body.Close()
		took := time.Since(start)
		close(stop)
		wg.Wait()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		t.Logf("%-40s %7s (first byte %7s) %9d bytes; heap in use %s → peak %s (+%s); TotalAlloc +%s; VmHWM %s",
			path, took.Round(time.Millisecond), first.Round(time.Millisecond), n,
			mib(before.HeapInuse), mib(peak.Load()), mib(peak.Load()-before.HeapInuse), mib(after.TotalAlloc-before.TotalAlloc), procStatus("VmHWM"))
	}
	for i := 0; i < 3; i++ {
		measure("/reports/payroll.csv?month=2026-10")
	}
	for i := 0; i < 3; i++ {
		measure("/reports/payroll.xlsx?month=2026-10")
	}
	measure("/reports/payroll?month=2026-10")
	measure("/reports/payroll?month=2026-10&sort=amount&dir=desc&page=57")

	// Approving the month, then the next month's basis with its adjustment check.
	start := time.Now()
	a, err := app.DB.ApprovePayroll(ctx, leader.Scope(), month)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("approve October: %d lines in %s", a.Lines, time.Since(start).Round(time.Millisecond))
	measure("/reports/payroll.csv?month=2026-10")
	measure("/reports/payroll.xlsx?month=2026-10")
	exec(`UPDATE attendance SET absent_minutes = 0, reason = NULL, present_minutes = 450 WHERE person_id IN (SELECT id FROM persons WHERE unit_id = $1 AND id % 10 = 0) AND day BETWEEN '2026-10-01' AND '2026-10-31' AND reason = 'unexcused'`, leader.UnitID)
	app.DB.Now = func() time.Time { return time.Date(2026, 12, 16, 12, 0, 0, 0, time.UTC) }
	measure("/reports/payroll.csv?month=2026-11")
	measure("/reports/payroll.xlsx?month=2026-11")
	fmt.Fprintln(os.Stderr, "load:", loadavg())
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}
