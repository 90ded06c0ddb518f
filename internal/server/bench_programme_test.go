package server_test

// TestBenchProgramme (scripts/bench.sh, make bench): the introduction
// programme's pages through the real HTTP stack, as the bench caseworker
// (ANKOMST_BENCH_CASEWORKER, given 150 persons, 30 of them participants of
// one group, by `ankomst demo --bench-caseworker`):
//
//   - the attendance grid of a group of ANKOMST_BENCH_GROUP_SIZE (25)
//     participants for last week (the setup makes the group "Benk oppmøte
//     N" of the caseworker's running participants, idempotently; a bench
//     setup, not casework: no audit rows), beside the bare store call;
//   - saving that group's week (POST /attendance with the grid's own form
//     fields, parsed from the page), alternating between two sets of values
//     so every save writes every planned cell; at concurrency c worker w
//     saves its own past week (2+w weeks ago), so no save waits for
//     another's row locks; 409s are counted apart; beside the bare store
//     call (db.SaveAttendanceWeek, same alternation);
//   - an identical re-save (nothing changes: the idempotent path);
//   - the programme, plan and benefit pages of a participant and the person
//     page (with its Program section), at concurrency 1;
//   - EXPLAIN (ANALYZE, BUFFERS) of the grid's statements (the heaviest
//     printed) and of the save's statements, the write included, in a
//     transaction that is rolled back.
//
// Knobs: those of bench_test.go, ANKOMST_BENCH_SAVES (500 saves per run),
// ANKOMST_BENCH_GROUP_SIZE (25).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
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

// benchProgrammeGroup makes (or refreshes) the bench's group of exactly size
// running participants of the caseworker, in programme with a plan since
// from, and returns its id and members, and another running participant of
// the caseworker outside the group, with the fewest audit rows, whose pages
// are measured (the saves write an audit row per member and save: the
// members have thousands, which no real participant has).
func benchProgrammeGroup(t *testing.T, pool *pgxpool.Pool, s domain.Scope, size int, from time.Time) (int64, []int64, int64) {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("Benk oppmøte %d", size)
	var id, other int64
	var members []int64
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT DISTINCT p.id FROM persons p JOIN programmes pr ON pr.person_id = p.id
			WHERE p.caseworker_id = $1 AND p.status = 'active' AND pr.decision = 'granted' AND pr.ended_on IS NULL AND pr.start_date <= $2::date
			  AND NOT EXISTS (SELECT 1 FROM programme_pauses pp WHERE pp.person_id = p.id)
			  AND EXISTS (SELECT 1 FROM plan_versions v WHERE v.person_id = p.id AND v.valid_from <= $2::date)
			ORDER BY p.id LIMIT $3`, s.UserID, from, size)
		if err != nil {
			return err
		}
		if members, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
			return err
		}
		if len(members) < size {
			return fmt.Errorf("the bench caseworker has %d running participants since %s, want %d (run `ankomst demo --bench-caseworker`)",
				len(members), from.Format(time.DateOnly), size)
		}
		// The page person: such a participant outside the group, with the
		// fewest audit rows (earlier runs may have put others in the group).
		return tx.QueryRow(ctx, `SELECT p.id FROM persons p JOIN programmes pr ON pr.person_id = p.id
			WHERE p.caseworker_id = $1 AND p.status = 'active' AND pr.decision = 'granted' AND pr.ended_on IS NULL AND pr.start_date <= $2::date
			  AND p.id <> ALL($3) AND EXISTS (SELECT 1 FROM plan_versions v WHERE v.person_id = p.id AND v.valid_from <= $2::date)
			ORDER BY (SELECT count(*) FROM audit_events a WHERE a.person_id = p.id), p.id LIMIT 1`, s.UserID, from, members).Scan(&other)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO programme_groups (unit_id, name, contact, created_by, updated_by)
			VALUES ($1, $2, 'benchmark', $3, $3) ON CONFLICT DO NOTHING`, s.UnitID, name, s.UserID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT id FROM programme_groups WHERE unit_id = $1 AND lower(name) = lower($2) AND active`,
			s.UnitID, name).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM programme_group_members WHERE group_id = $1 AND person_id <> ALL($2)`, id, members); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO programme_group_members (group_id, person_id, joined_on)
			SELECT $1, unnest($2::bigint[]), $3::date ON CONFLICT (group_id, person_id) DO UPDATE SET joined_on = EXCLUDED.joined_on, left_on = NULL`,
			id, members, from)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id, members, other
}

// benchCell is one cell of the grid's form: its field names, the plan's
// minutes, the value the page showed, and the version to post.
type benchCell struct {
	h, r, v         string
	expected        int
	present, reason string
	version         int
	personID        int64
	day             time.Time
	alternates      bool // planned: the two value sets differ here
}

// benchWeek is the posted form of one week, as the grid renders it, and the
// state of the alternation: which value set is stored.
type benchWeek struct {
	monday time.Time
	week   string
	group  string
	pids   []string
	cells  []*benchCell
	stateB bool // the stored values are set B (else A)
}

var (
	benchFormRE   = regexp.MustCompile(`(?s)<form method="post" action="/attendance"[^>]*>(.*?)</form>`)
	benchHiddenRE = regexp.MustCompile(`<input type="hidden" name="(week|group|p)" value="([^"]*)">`)
	benchHRE      = regexp.MustCompile(`name="(h-(\d+)-(\d{8}))" value="([^"]*)"`)
	benchRRE      = regexp.MustCompile(`name="(r-[^"]+)"`)
	benchSelRE    = regexp.MustCompile(`<option value="([^"]*)" selected>`)
	benchVRE      = regexp.MustCompile(`<input type="hidden" name="(v-[^"]+)" value="([^"]*)">`)
)

// benchParseGrid reads the grid page's save form: the hidden fields and
// every cell (hours, reason, version), as a browser would post it.
func benchParseGrid(page string) (*benchWeek, error) {
	m := benchFormRE.FindStringSubmatch(page)
	if m == nil {
		return nil, fmt.Errorf("the grid page has no save form")
	}
	form := m[1]
	w := &benchWeek{}
	for _, h := range benchHiddenRE.FindAllStringSubmatch(form, -1) {
		switch v := html.UnescapeString(h[2]); h[1] {
		case "week":
			w.week = v
		case "group":
			w.group = v
		case "p":
			w.pids = append(w.pids, v)
		}
	}
	chunks := strings.Split(form, `data-cell data-expected="`)
	for _, ch := range chunks[1:] {
		c := &benchCell{}
		end := strings.IndexByte(ch, '"')
		var err error
		if c.expected, err = strconv.Atoi(ch[:end]); err != nil {
			return nil, fmt.Errorf("data-expected %q", ch[:end])
		}
		hm := benchHRE.FindStringSubmatch(ch)
		rm := benchRRE.FindStringSubmatch(ch)
		vm := benchVRE.FindStringSubmatch(ch)
		if hm == nil || rm == nil || vm == nil {
			return nil, fmt.Errorf("a cell without hours, reason or version field")
		}
		c.h, c.present, c.r, c.v = hm[1], html.UnescapeString(hm[4]), rm[1], vm[1]
		c.personID, _ = strconv.ParseInt(hm[2], 10, 64)
		c.day, _ = time.Parse("20060102", hm[3])
		sel := ch[:strings.Index(ch, "</select>")]
		if sm := benchSelRE.FindStringSubmatch(sel); sm != nil {
			c.reason = sm[1]
		}
		if c.version, err = strconv.Atoi(vm[2]); err != nil {
			return nil, fmt.Errorf("version %q", vm[2])
		}
		c.alternates = c.expected > 0
		w.cells = append(w.cells, c)
	}
	if w.week == "" || len(w.pids) == 0 || len(w.cells) == 0 {
		return nil, fmt.Errorf("the save form has week %q, %d participants, %d cells", w.week, len(w.pids), len(w.cells))
	}
	w.monday, _ = domain.ParseISOWeek(w.week)
	return w, nil
}

// values returns cell c's values in set B (else A): A is the plan's hours
// present, B no hours with "ugyldig fravær" (no day limit). A cell without
// planned hours keeps what the page showed.
func (c *benchCell) values(b bool) (present, reason string) {
	if !c.alternates {
		return c.present, c.reason
	}
	if b {
		return "0", domain.ReasonUnexcused
	}
	return domain.FormatHours(c.expected), ""
}

// form is the POST body for value set b with the current versions.
func (w *benchWeek) form(b bool) url.Values {
	f := url.Values{"week": {w.week}, "group": {w.group}, "p": w.pids}
	for _, c := range w.cells {
		p, r := c.values(b)
		f.Set(c.h, p)
		f.Set(c.r, r)
		f.Set(c.v, strconv.Itoa(c.version))
	}
	return f
}

// storeCells is the same save as the store takes it.
func (w *benchWeek) storeCells(b bool) []domain.AttendanceCellForm {
	var out []domain.AttendanceCellForm
	for _, c := range w.cells {
		p, r := c.values(b)
		out = append(out, domain.AttendanceCellForm{PersonID: c.personID, Day: c.day, Present: p, Reason: r, Version: c.version})
	}
	return out
}

// saved records a save of set b that was stored: each alternating cell's
// version went up by one (an insert makes version 1).
func (w *benchWeek) saved(b bool) {
	if b == w.stateB {
		return
	}
	for _, c := range w.cells {
		if c.alternates {
			c.version++
		}
	}
	w.stateB = b
}

// benchRunWorkers is benchRun with the worker's number: fn(w, i) for i in
// 0..n-1 from conc workers, after warm calls by each worker. A non-nil
// error fails the test; fn counts what it wants to count apart itself.
func benchRunWorkers(t *testing.T, n, conc, warm int, fn func(w, i int) error) benchStats {
	t.Helper()
	for w := range conc {
		for i := range warm {
			if err := fn(w, i); err != nil {
				t.Fatal(err)
			}
		}
	}
	durs := make([]time.Duration, n)
	var next atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conc {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				err := fn(w, i)
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

// benchClient is a logged-in client that tags each request with an
// X-Request-Id "pb-LABEL-N", so the server log's Postgres work can be told
// apart per scenario (benchDBWorkByLabel).
type benchClient struct {
	base   string
	client *http.Client
	seq    atomic.Int64
}

func benchLogin(t *testing.T, base, email, password string) *benchClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &benchClient{base: base, client: &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	status, _, err := c.do("login", http.MethodPost, "/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusSeeOther {
		t.Fatalf("login as %s: status %d", email, status)
	}
	return c
}

func (c *benchClient) do(label, method, path string, form url.Values) (int, string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return 0, "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Request-Id", "pb-"+label+"-"+strconv.FormatInt(c.seq.Add(1), 10))
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func (c *benchClient) get(label, path string) (string, error) {
	status, body, err := c.do(label, http.MethodGet, path, nil)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("GET %s: status %d", path, status)
	}
	return body, err
}

// benchWork is the Postgres work of one scenario's requests, from the
// server log.
type benchWork struct {
	n                 int
	stmts50, stmtsMax int
	trips50, tripsMax int
	statuses          map[int]int
}

// benchDBWorkByLabel reads the server log (ANKOMST_BENCH_LOG) and returns,
// per label of the requests' X-Request-Id, the statements and round trips
// of the 2xx/3xx requests (session and user loads included) and the count
// of every status.
func benchDBWorkByLabel(t *testing.T) map[string]*benchWork {
	t.Helper()
	path := os.Getenv("ANKOMST_BENCH_LOG")
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	stmts, trips := map[string][]int{}, map[string][]int{}
	out := map[string]*benchWork{}
	for _, line := range strings.Split(string(b), "\n") {
		var m struct {
			Msg        string `json:"msg"`
			Status     int    `json:"status"`
			Statements int    `json:"db_statements"`
			RoundTrips int    `json:"db_round_trips"`
			Client     string `json:"client_request_id"`
		}
		if json.Unmarshal([]byte(line), &m) != nil || m.Msg != "request" || !strings.HasPrefix(m.Client, "pb-") {
			continue
		}
		label := m.Client[3:strings.LastIndexByte(m.Client, '-')]
		w := out[label]
		if w == nil {
			w = &benchWork{statuses: map[int]int{}}
			out[label] = w
		}
		w.statuses[m.Status]++
		if m.Status >= 400 {
			continue
		}
		stmts[label] = append(stmts[label], m.Statements)
		trips[label] = append(trips[label], m.RoundTrips)
	}
	for label, w := range out {
		st, rt := stmts[label], trips[label]
		w.n = len(st)
		if len(st) == 0 {
			continue
		}
		slices.Sort(st)
		slices.Sort(rt)
		w.stmts50, w.stmtsMax, w.trips50, w.tripsMax = st[len(st)/2], st[len(st)-1], rt[len(rt)/2], rt[len(rt)-1]
	}
	return out
}

// explainInTx runs EXPLAIN (ANALYZE, BUFFERS) of statements in one
// transaction that is rolled back, so writes and locks may be explained.
func (b *benchSetup) explainInTx(t *testing.T, qs []benchQuery) (plans [][]string, execMS []float64) {
	t.Helper()
	ctx := context.Background()
	tx, err := b.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck
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
		plans = append(plans, append([]string{"SQL: " + strings.Join(strings.Fields(q.SQL), " "), benchArgs(q.Args)}, plan...))
		execMS = append(execMS, ex)
	}
	return plans, execMS
}

func TestBenchProgramme(t *testing.T) {
	bs := newBenchSetup(t)
	ctx := context.Background()
	pool, db := bs.pool, bs.db
	email := benchEnv("ANKOMST_BENCH_CASEWORKER", "bench.caseworker@ost.demo")
	password := benchEnv("ANKOMST_BENCH_CASEWORKER_PASSWORD", demo.Password)
	saves := benchEnvInt(t, "ANKOMST_BENCH_SAVES", 500)
	size := benchEnvInt(t, "ANKOMST_BENCH_GROUP_SIZE", 25)
	scope := bs.userScope(t, email)
	if scope.Role != domain.RoleCaseworker {
		t.Fatalf("%s is a %s, want a caseworker", email, scope.Role)
	}
	maxConc := slices.Max(bs.concs)

	// The weeks: the grid shows last week; worker w saves the week 2+w
	// weeks ago, and re-saves the week maxConc weeks before that.
	thisMonday := domain.WeekStart(domain.Today(time.Now()))
	gridMonday := domain.AddDays(thisMonday, -7)
	saveMonday := func(w int) time.Time { return domain.AddDays(thisMonday, -7*(2+w)) }
	idemMonday := func(w int) time.Time { return saveMonday(maxConc + w) }
	groupID, members, other := benchProgrammeGroup(t, pool, scope, size, idemMonday(maxConc-1))
	bs.vacuum(t, "persons", "programmes", "programme_pauses", "plan_versions", "plan_elements", "programme_groups",
		"programme_group_members", "attendance", "benefit_deductions", "households", "household_members", "audit_events")
	loadBefore := benchLoadAvg()

	var persons, progs, rows int64
	var pgVer, sharedB string
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM persons), (SELECT count(*) FROM programmes),
		(SELECT count(*) FROM attendance), current_setting('server_version'), current_setting('shared_buffers')`).
		Scan(&persons, &progs, &rows, &pgVer, &sharedB); err != nil {
		t.Fatal(err)
	}

	c := benchLogin(t, bs.base, email, password)
	gridPath := func(m time.Time) string {
		return "/attendance?group=" + strconv.FormatInt(groupID, 10) + "&week=" + url.QueryEscape(domain.FormatISOWeek(m))
	}
	// loadWeek reads a week's form from the page.
	loadWeek := func(m time.Time) *benchWeek {
		t.Helper()
		page, err := c.get("setup", gridPath(m))
		if err != nil {
			t.Fatal(err)
		}
		w, err := benchParseGrid(page)
		if err != nil {
			t.Fatal(err)
		}
		if len(w.pids) != size {
			t.Fatalf("the grid of %s shows %d participants, want %d", w.week, len(w.pids), size)
		}
		return w
	}
	// post saves set b of week w through HTTP; 409 is counted, not failed.
	var conflicts atomic.Int64
	post := func(label string, w *benchWeek, b bool) error {
		status, body, err := c.do(label, http.MethodPost, "/attendance", w.form(b))
		switch {
		case err != nil:
			return err
		case status == http.StatusConflict:
			conflicts.Add(1)
			return nil
		case status != http.StatusSeeOther:
			msg := ""
			if i := strings.Index(body, `ds-validation-message`); i >= 0 {
				msg = body[i:min(len(body), i+400)]
			}
			return fmt.Errorf("POST /attendance %s: status %d %s", w.week, status, msg)
		}
		w.saved(b)
		return nil
	}
	// prepare brings week m to value set A and returns its form with the
	// versions stored now.
	prepare := func(m time.Time) *benchWeek {
		t.Helper()
		w := loadWeek(m)
		if err := post("setup", w, false); err != nil {
			t.Fatal(err)
		}
		w = loadWeek(m)
		w.stateB = false
		return w
	}
	// verify checks that the page's versions are the ones the bench counted.
	verify := func(w *benchWeek) {
		t.Helper()
		now := loadWeek(w.monday)
		for i, cell := range now.cells {
			if cell.version != w.cells[i].version {
				t.Fatalf("%s %s: the page has version %d, the bench counted %d", w.week, cell.h, cell.version, w.cells[i].version)
			}
		}
	}

	type result struct {
		name       string
		label      string
		conc       int
		http, bare *benchStats
		bytes      int
		conflicts  int64
	}
	var results []result

	// 1. The grid.
	gridSel := postgres.AttendanceSelection{GroupID: groupID, Monday: gridMonday}
	page, err := c.get("grid", gridPath(gridMonday))
	if err != nil {
		t.Fatal(err)
	}
	gw, err := benchParseGrid(page)
	if err != nil {
		t.Fatal(err)
	}
	gridName := fmt.Sprintf("grid, %d participants, %s", len(gw.pids), gw.week)
	for _, conc := range bs.concs {
		h := benchRun(t, bs.n, conc, func(int) error { _, err := c.get("grid", gridPath(gridMonday)); return err })
		s := benchRun(t, bs.n, conc, func(int) error { _, err := db.AttendanceWeekGrid(ctx, scope, gridSel); return err })
		results = append(results, result{name: gridName, label: "grid", conc: conc, http: &h, bare: &s, bytes: len(page)})
	}

	// 2. Saving a week: worker w alternates its own week between A and B.
	for _, conc := range bs.concs {
		weeks := make([]*benchWeek, conc)
		for w := range conc {
			weeks[w] = prepare(saveMonday(w))
		}
		conflicts.Store(0)
		h := benchRunWorkers(t, saves, conc, 10, func(w, _ int) error { return post("save", weeks[w], !weeks[w].stateB) })
		nConf := conflicts.Load()
		s := benchRunWorkers(t, saves, conc, 10, func(w, _ int) error {
			wk := weeks[w]
			b := !wk.stateB
			res, err := db.SaveAttendanceWeek(ctx, scope, wk.monday, wk.storeCells(b))
			var conflict *postgres.AttendanceConflictError
			switch {
			case errors.As(err, &conflict):
				conflicts.Add(1)
				return nil
			case err != nil:
				return err
			case res.Participants != size:
				return fmt.Errorf("a save of %s changed %d participants, want %d", wk.week, res.Participants, size)
			}
			wk.saved(b)
			return nil
		})
		for _, w := range weeks {
			verify(w)
		}
		results = append(results, result{name: fmt.Sprintf("save, %d participants, %d cells", len(weeks[0].pids), len(weeks[0].cells)),
			label: "save", conc: conc, http: &h, bare: &s, bytes: 0, conflicts: nConf})
	}

	// 3. The identical re-save: nothing to write; worker w its own week.
	idem := make([]*benchWeek, maxConc)
	for w := range maxConc {
		idem[w] = prepare(idemMonday(w))
	}
	for _, conc := range bs.concs {
		h := benchRunWorkers(t, saves, conc, 10, func(w, _ int) error { return post("resave", idem[w], false) })
		s := benchRunWorkers(t, saves, conc, 10, func(w, _ int) error {
			res, err := db.SaveAttendanceWeek(ctx, scope, idem[w].monday, idem[w].storeCells(false))
			if err == nil && res.Changed != 0 {
				err = fmt.Errorf("the identical re-save changed %d cells", res.Changed)
			}
			return err
		})
		results = append(results, result{name: "re-save, identical (no write)", label: "resave", conc: conc, http: &h, bare: &s})
	}
	for _, w := range idem {
		verify(w)
	}

	// 4. A participant's pages and the person page, at concurrency 1.
	pid := other
	pp := "/persons/" + strconv.FormatInt(pid, 10)
	pages := []struct{ name, label, path, want string }{
		{"programme page", "programme", pp + "/programme", `data-testid="programme-heading"`},
		{"plan page", "plan", pp + "/programme/plan", "<h1"},
		{"benefit page", "benefit", pp + "/programme/benefit", "<h1"},
		{"person page (Program section)", "person", pp, `data-testid="programme-section"`},
	}
	for _, p := range pages {
		body, err := c.get(p.label, p.path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, p.want) {
			t.Fatalf("%s: the page does not contain %q", p.name, p.want)
		}
		h := benchRun(t, bs.n, 1, func(int) error { _, err := c.get(p.label, p.path); return err })
		results = append(results, result{name: p.name, label: p.label, conc: 1, http: &h, bytes: len(body)})
	}
	loadAfter := benchLoadAvg()

	// EXPLAIN: the grid's statements (one batch), and a save's statements
	// in a transaction rolled back, the write with the versions it would
	// find now.
	var gridPlans, savePlans [][]string
	var gridExec, saveExec []float64
	if os.Getenv("ANKOMST_BENCH_EXPLAIN") != "0" {
		capture := &benchCapture{}
		if _, err := db.AttendanceWeekGrid(context.WithValue(ctx, benchCaptureKey{}, capture), scope, gridSel); err != nil {
			t.Fatal(err)
		}
		var reads []benchQuery
		for _, q := range capture.All {
			if benchReadOnly(q.SQL) {
				reads = append(reads, q)
			}
		}
		gridPlans, gridExec = bs.explainInTx(t, reads)

		wk := prepare(saveMonday(0))
		capture = &benchCapture{}
		if _, err := db.SaveAttendanceWeek(context.WithValue(ctx, benchCaptureKey{}, capture), scope, wk.monday, wk.storeCells(true)); err != nil {
			t.Fatal(err)
		}
		wk.saved(true)
		var qs []benchQuery
		for _, q := range capture.All {
			switch strings.ToLower(strings.TrimSpace(q.SQL)) {
			case "begin", "commit", "rollback":
				continue
			}
			if strings.Contains(q.SQL, "UPDATE attendance a SET") {
				// The versions the statement would find now: one more.
				args := slices.Clone(q.Args)
				vs := slices.Clone(args[5].([]int32))
				for i := range vs {
					if vs[i] > 0 {
						vs[i]++
					}
				}
				args[5] = vs
				q.Args = args
			}
			qs = append(qs, q)
		}
		savePlans, saveExec = bs.explainInTx(t, qs)
	}

	work := benchDBWorkByLabel(t)
	w := os.Stdout
	fmt.Fprintf(w, "\n=== Programme benchmark: %d persons, %d programmes, %d attendance rows; PostgreSQL %s, shared_buffers %s, %d CPUs; load average %s before, %s after\n",
		persons, progs, rows, pgVer, sharedB, benchCPUs(), loadBefore, loadAfter)
	fmt.Fprintf(w, "    as %s; group %d (%d participants); grid week %s; worker w saves week %s − w and re-saves week %s − w; pages of person %d\n",
		email, groupID, len(members), domain.FormatISOWeek(gridMonday), domain.FormatISOWeek(saveMonday(0)), domain.FormatISOWeek(idemMonday(0)), other)
	fmt.Fprintf(w, "    %d requests per read run (100 warm-up), %d per save run (10 warm-up per worker); http = through `ankomst serve`; sql = the store call alone;\n"+
		"    stmts/trips = Postgres statements and round trips per request from the server log (p50/max; session and user loads included)\n\n", bs.n, saves)
	fmt.Fprintf(w, "%-36s %-5s %4s %7s %8s %8s %8s %8s %8s %11s %11s %6s\n", "scenario", "path", "conc", "KiB", "p50 ms", "p90 ms", "p99 ms", "max ms", "req/s", "stmts", "trips", "409s")
	for _, r := range results {
		for _, kind := range []string{"http", "sql"} {
			st := r.http
			if kind == "sql" {
				st = r.bare
			}
			if st == nil {
				continue
			}
			stmts, trips := "", ""
			if wk := work[r.label]; kind == "http" && wk != nil && wk.n > 0 {
				stmts, trips = fmt.Sprintf("%d/%d", wk.stmts50, wk.stmtsMax), fmt.Sprintf("%d/%d", wk.trips50, wk.tripsMax)
			}
			fmt.Fprintf(w, "%-36s %-5s %4d %7.1f %8s %8s %8s %8s %8.0f %11s %11s %6d\n", benchTrunc(r.name, 36), kind, r.conc,
				float64(r.bytes)/1024, ms(st.P50), ms(st.P90), ms(st.P99), ms(st.Max), st.PerSec, stmts, trips, r.conflicts)
		}
	}
	fmt.Fprintf(w, "\nGoals: grid http p99 < 30 ms; save http p99 < 50 ms.\n")
	for _, r := range results {
		goal := map[string]time.Duration{"grid": 30 * time.Millisecond, "save": 50 * time.Millisecond}[r.label]
		if goal == 0 {
			continue
		}
		verdict := "ok"
		if r.http.P99 >= goal {
			verdict = "p99 over " + ms(goal) + " ms"
		}
		fmt.Fprintf(w, "%-36s %4d %10s  %s\n", benchTrunc(r.name, 36), r.conc, ms(r.http.P99), verdict)
	}
	if work != nil {
		fmt.Fprintf(w, "\nResponses by status (server log): ")
		for _, l := range []string{"grid", "save", "resave", "programme", "plan", "benefit", "person"} {
			if wk := work[l]; wk != nil {
				fmt.Fprintf(w, "%s %v; ", l, wk.statuses)
			}
		}
		fmt.Fprintln(w)
	}
	if len(gridPlans) > 0 {
		fmt.Fprintf(w, "\nEXPLAIN ANALYZE execution times (ms), grid statements: %v; save statements (rolled back): %v\n", gridExec, saveExec)
		heaviest := 0
		for i := range gridExec {
			if gridExec[i] > gridExec[heaviest] {
				heaviest = i
			}
		}
		fmt.Fprintf(w, "\n--- EXPLAIN (ANALYZE, BUFFERS): grid, heaviest statement (%d of %d)\n", heaviest+1, len(gridPlans))
		for _, l := range gridPlans[heaviest] {
			fmt.Fprintln(w, "  "+l)
		}
		// The write, and the heaviest of the save's other statements.
		heavy := -1
		for i, plan := range savePlans {
			if !strings.Contains(plan[0], "UPDATE attendance a SET") && (heavy < 0 || saveExec[i] > saveExec[heavy]) {
				heavy = i
			}
		}
		for i, plan := range savePlans {
			if !strings.Contains(plan[0], "UPDATE attendance a SET") && i != heavy {
				continue
			}
			fmt.Fprintf(w, "\n--- EXPLAIN (ANALYZE, BUFFERS): save, statement %d of %d (in a transaction rolled back)\n", i+1, len(savePlans))
			for _, l := range plan {
				fmt.Fprintln(w, "  "+l)
			}
		}
	}
	fmt.Fprintln(w)
}

// benchArgs shows a statement's arguments for the report, each cut to 120
// characters (a save's arrays and audit JSON would fill pages).
func benchArgs(args []any) string {
	parts := make([]string, len(args))
	for i, a := range args {
		s := fmt.Sprintf("%v", a)
		if b, ok := a.([][]byte); ok {
			s = fmt.Sprintf("[%d JSON values]", len(b))
		}
		if r := []rune(s); len(r) > 120 {
			s = string(r[:120]) + "…"
		}
		parts[i] = s
	}
	return "args: " + strings.Join(parts, " | ")
}
