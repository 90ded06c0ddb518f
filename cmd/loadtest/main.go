// Command loadtest is the driver of `make loadtest` (scripts/loadtest.sh
// prepares a private PostgreSQL, the demo data, the users and the server):
// N simulated caseworkers run mixed journeys against the running server
// (log in; then, over and over: search persons, open a person, open the
// note form, write a case note, open their group's attendance week, save
// it), PostgreSQL is stopped (pg_ctl stop -m fast) mid-run for a while and
// started again, and afterwards every write that was acknowledged (303) is
// looked up in the database. It prints the report (requests per second,
// p50/p99 per step, what answered during the outage, the time to recover,
// the write check) and exits 1 when a check fails.
//
// Every loop is bounded in count and in time: one global deadline (the run
// plus a grace period) bounds every request and the whole run, each user
// stops after maxIterations journeys, there is no retry of a failed request
// (a failed journey is abandoned and a new one starts after a pause), and
// logins are limited per user.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

const (
	maxIterations = 100000 // journeys per user (the deadline ends them long before)
	maxLogins     = 20     // logins per user (the first, and after a lost session)
	friendlyTitle = "Tjenesten er midlertidig utilgjengelig"
	notePrefix    = "Lasttest-notat "
)

// steps in journey order.
var steps = []string{"login", "search", "person", "note_form", "note_save", "grid", "grid_save"}

type config struct {
	base, email, password, dbURL, stopCmd, startCmd, out string
	users, serverPID                                     int
	duration, outageAt, outage, think                    time.Duration
}

func main() {
	var c config
	flag.StringVar(&c.base, "base", "http://127.0.0.1:8080", "the server's base URL")
	flag.IntVar(&c.users, "users", 50, "simulated caseworkers")
	flag.StringVar(&c.email, "email", "loadtest.%02d@ost.demo", "e-mail pattern (fmt, user number from 1)")
	flag.StringVar(&c.password, "password", "", "the users' password")
	flag.DurationVar(&c.duration, "duration", 2*time.Minute, "length of the run")
	flag.DurationVar(&c.outageAt, "outage-at", 45*time.Second, "when PostgreSQL is stopped (0: never)")
	flag.DurationVar(&c.outage, "outage", 10*time.Second, "how long PostgreSQL stays stopped")
	flag.DurationVar(&c.think, "think", 200*time.Millisecond, "longest think time between steps (uniform from 0)")
	flag.StringVar(&c.dbURL, "db", "", "PostgreSQL URL for the setup and the write check (the schema owner)")
	flag.StringVar(&c.stopCmd, "stop-cmd", "", "shell command that stops PostgreSQL (bash -c)")
	flag.StringVar(&c.startCmd, "start-cmd", "", "shell command that starts PostgreSQL again (bash -c)")
	flag.IntVar(&c.serverPID, "server-pid", 0, "the server's process id (checked to be the same process at the end)")
	flag.StringVar(&c.out, "out", "", "also write the report to this file")
	flag.Parse()
	if c.dbURL == "" || c.password == "" || (c.outageAt > 0 && (c.stopCmd == "" || c.startCmd == "")) {
		fmt.Fprintln(os.Stderr, "loadtest: -db, -password, -stop-cmd and -start-cmd are required (see scripts/loadtest.sh)")
		os.Exit(2)
	}
	ok, err := run(c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}

// ---- setup -----------------------------------------------------------------

// user is one simulated caseworker's fixed data.
type user struct {
	n         int
	email     string
	id        int64
	group     int64    // their programme group (0: none in their unit)
	weeksBack int      // the week they save: 1 last week, 2 the week before …
	queries   []string // search fragments from their unit's names
	active    []int64  // active persons of their unit (note subjects)
}

func setup(ctx context.Context, c config) ([]*user, error) {
	conn, err := pgx.Connect(ctx, c.dbURL)
	if err != nil {
		return nil, fmt.Errorf("connect for the setup: %w", err)
	}
	defer conn.Close(ctx)
	users := make([]*user, c.users)
	units := map[int64][]*user{}
	for i := range users {
		u := &user{n: i + 1, email: fmt.Sprintf(c.email, i+1)}
		var unit int64
		if err := conn.QueryRow(ctx, `SELECT id, unit_id FROM users WHERE lower(email) = lower($1)`, u.email).Scan(&u.id, &unit); err != nil {
			return nil, fmt.Errorf("user %s: %w", u.email, err)
		}
		users[i] = u
		units[unit] = append(units[unit], u)
	}
	for unit, us := range units {
		// The unit's groups in turn; users sharing a group save different
		// weeks (last week, the week before, …), so a cell has one writer
		// and the write check is exact. A person in two groups can still
		// have two writers: such cells get the weaker check.
		rows, _ := conn.Query(ctx, `SELECT g.id FROM programme_groups g WHERE g.unit_id = $1 AND g.active
			AND EXISTS (SELECT 1 FROM programme_group_members m JOIN persons p ON p.id = m.person_id AND p.status = 'active'
				JOIN programmes pr ON pr.person_id = m.person_id AND pr.decision = 'granted' AND pr.ended_on IS NULL
				WHERE m.group_id = g.id AND m.left_on IS NULL)
			ORDER BY g.id`, unit)
		groups, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return nil, fmt.Errorf("groups: %w", err)
		}
		rows, _ = conn.Query(ctx, `SELECT family_name FROM persons WHERE unit_id = $1 AND status = 'active' ORDER BY id LIMIT 400`, unit)
		names, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, fmt.Errorf("names: %w", err)
		}
		rows, _ = conn.Query(ctx, `SELECT id FROM persons WHERE unit_id = $1 AND status = 'active' ORDER BY id`, unit)
		active, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return nil, fmt.Errorf("persons: %w", err)
		}
		if len(names) == 0 || len(active) == 0 {
			return nil, fmt.Errorf("unit %d has no active persons (is the demo data loaded?)", unit)
		}
		var queries []string
		for _, n := range names {
			r := []rune(strings.ToLower(n))
			if len(r) >= 3 {
				queries = append(queries, string(r[:3]))
			}
		}
		slices.Sort(queries)
		queries = slices.Compact(queries)
		for i, u := range us {
			if len(groups) > 0 {
				u.group, u.weeksBack = groups[i%len(groups)], 1+i/len(groups)
			}
			u.queries, u.active = queries, active
		}
	}
	return users, nil
}

// ---- the journeys ------------------------------------------------------------

// result is one request.
type result struct {
	step       string
	start, end time.Time
	status     int // 0: no answer (transport error)
	ok         bool
	friendly   bool // a 503 with the friendly page and no internals
	leak       bool // a 5xx page showing internals
}

// noteWrite is a note save: its marker and whether it was acknowledged.
type noteWrite struct {
	marker string
	acked  bool
	status int
}

// cell is an attendance cell as all users together wrote it. initial is its
// version before the run (read from the database), so every later write is
// one of the driver's: acknowledged, refused (409/422: not stored) or
// without a clear answer.
//
// The driver keeps the version it expects stored (expect): the version
// before the run, then each acknowledged save's version + 1. A save without
// a clear answer (a 503, no answer) is pending until the next read of the
// grid shows whether it was stored (version + 1) or not. Every read checks
// the version against expect, so an acknowledged save lost in the outage
// shows at the first read after it, and the final check is exact.
type cell struct {
	personID      int64
	day           time.Time
	initial       int
	expect        int
	pending       int // -1: none; else the version an unclear save posted
	pendingB      bool
	acked         int // saves answered 303
	unclear       int // saves without a clear answer
	unclearStored int // … of them found stored at the next read
	writers       map[int]bool
	lastB, known  bool     // the value of the last save known stored
	mismatches    []string // reads that did not show the expected version
}

// cells is the driver's record of every attendance cell written.
type cells struct {
	mu      sync.Mutex
	initial map[string]int // "pid/yyyymmdd" → version before the run (absent: 0)
	m       map[string]*cell
}

func (cs *cells) get(pid int64, day time.Time) *cell {
	k := strconv.FormatInt(pid, 10) + "/" + day.Format("20060102")
	c := cs.m[k]
	if c == nil {
		c = &cell{personID: pid, day: day, initial: cs.initial[k], expect: cs.initial[k], pending: -1, writers: map[int]bool{}}
		cs.m[k] = c
	}
	return c
}

type vu struct {
	c        config
	u        *user
	client   *http.Client
	rng      *rand.Rand
	results  []result
	notes    []noteWrite
	cells    *cells
	logins   int
	relogins int // logins after a lost session
	deadline time.Time
}

var (
	personLinkRE = regexp.MustCompile(`href="/persons/(\d+)"`)
	tokenRE      = regexp.MustCompile(`name="token" value="([^"]*)"`)
	formRE       = regexp.MustCompile(`(?s)<form method="post" action="/attendance"[^>]*>(.*?)</form>`)
	hiddenRE     = regexp.MustCompile(`<input type="hidden" name="(week|group|p)" value="([^"]*)">`)
	hRE          = regexp.MustCompile(`name="(h-(\d+)-(\d{8}))" value="([^"]*)"`)
	rRE          = regexp.MustCompile(`name="(r-[^"]+)"`)
	selRE        = regexp.MustCompile(`<option value="([^"]*)"[^>]* selected>`)
	vRE          = regexp.MustCompile(`<input type="hidden" name="(v-[^"]+)" value="([^"]*)">`)
	internalsRE  = regexp.MustCompile(`(?i)pgconn|sqlstate|dial tcp|connection refused|goroutine |\.go:\d+|panic`)
)

// errAbandon ends a journey (no retry); errSession means the session is gone.
var (
	errAbandon = errors.New("journey abandoned")
	errSession = errors.New("session lost")
)

// do sends one request, records it and returns status and body. A request
// is bounded by the client's timeout and the global deadline.
func (v *vu) do(ctx context.Context, step, method, path string, form url.Values, want ...int) (int, string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, v.c.base+path, body)
	if err != nil {
		return 0, "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	res := result{step: step, start: time.Now()}
	resp, err := v.client.Do(req)
	var b []byte
	if err == nil {
		b, err = io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		resp.Body.Close()
		res.status = resp.StatusCode
	}
	res.end = time.Now()
	page := string(b)
	if ctx.Err() != nil && res.status == 0 { // the run ended: not a result
		return 0, "", ctx.Err()
	}
	res.ok = err == nil && slices.Contains(want, res.status)
	if res.status >= 500 {
		res.leak = internalsRE.MatchString(page)
		res.friendly = res.status == http.StatusServiceUnavailable && strings.Contains(page, friendlyTitle) && !res.leak &&
			resp.Header.Get("Retry-After") != ""
	}
	v.results = append(v.results, res)
	if err != nil {
		return 0, "", err
	}
	if res.status == http.StatusSeeOther && step != "login" && strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		v.results[len(v.results)-1].ok = false // sent to the login page: not a success, not a write
		return res.status, page, errSession
	}
	if !res.ok {
		return res.status, page, errAbandon
	}
	return res.status, page, nil
}

func (v *vu) think(ctx context.Context) {
	if v.c.think <= 0 {
		return
	}
	t := time.NewTimer(time.Duration(v.rng.Int64N(int64(v.c.think))))
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func (v *vu) login(ctx context.Context) error {
	if v.logins >= maxLogins {
		return fmt.Errorf("%s: %d logins, giving up", v.u.email, v.logins)
	}
	v.logins++
	_, _, err := v.do(ctx, "login", http.MethodPost, "/login", url.Values{"email": {v.u.email}, "password": {v.c.password}}, http.StatusSeeOther)
	return err
}

// run is the user's loop: journeys until the deadline or maxIterations.
func (v *vu) run(ctx context.Context, runID string) {
	loggedIn := false
	for i := 0; i < maxIterations && ctx.Err() == nil; i++ {
		if !loggedIn {
			if v.logins >= maxLogins {
				return
			}
			if err := v.login(ctx); err != nil {
				v.pause(ctx)
				continue
			}
			loggedIn = true
		}
		err := v.journey(ctx, runID, i)
		if errors.Is(err, errSession) {
			loggedIn = false
			v.relogins++
		}
		if err != nil {
			v.pause(ctx) // a failed journey: a pause, then a new one (never a retry)
		}
	}
}

// pause after a failure: 0.5–1 s, bounded by the deadline.
func (v *vu) pause(ctx context.Context) {
	t := time.NewTimer(500*time.Millisecond + time.Duration(v.rng.Int64N(int64(500*time.Millisecond))))
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func (v *vu) journey(ctx context.Context, runID string, i int) error {
	q := v.u.queries[v.rng.IntN(len(v.u.queries))]
	_, page, err := v.do(ctx, "search", http.MethodGet, "/persons?view=all&q="+url.QueryEscape(q), nil, http.StatusOK)
	if err != nil {
		return err
	}
	v.think(ctx)
	pid := v.u.active[v.rng.IntN(len(v.u.active))]
	if m := personLinkRE.FindAllStringSubmatch(page, -1); len(m) > 0 {
		if id, _ := strconv.ParseInt(m[v.rng.IntN(len(m))][1], 10, 64); id > 0 {
			if _, found := slices.BinarySearch(v.u.active, id); found {
				pid = id
			}
		}
	}
	if _, _, err := v.do(ctx, "person", http.MethodGet, "/persons/"+strconv.FormatInt(pid, 10), nil, http.StatusOK); err != nil {
		return err
	}
	v.think(ctx)
	if _, page, err = v.do(ctx, "note_form", http.MethodGet, "/persons/"+strconv.FormatInt(pid, 10)+"/notes/new", nil, http.StatusOK); err != nil {
		return err
	}
	token := ""
	if m := tokenRE.FindStringSubmatch(page); m != nil {
		token = html.UnescapeString(m[1])
	}
	v.think(ctx)
	marker := fmt.Sprintf("LT%s-u%02d-n%05d", runID, v.u.n, i)
	status, _, err := v.do(ctx, "note_save", http.MethodPost, "/persons/"+strconv.FormatInt(pid, 10)+"/notes", url.Values{
		"kind": {"message"}, "note_date": {osloToday()}, "body": {notePrefix + marker + " (automatisk lasttest)"}, "token": {token},
	}, http.StatusSeeOther)
	v.notes = append(v.notes, noteWrite{marker: marker, acked: err == nil && status == http.StatusSeeOther, status: status})
	if err != nil {
		return err
	}
	if v.u.group == 0 {
		return nil
	}
	v.think(ctx)
	return v.attendance(ctx)
}

// attendance opens the grid of the user's week (weeksBack) of the user's group and saves it with
// every planned cell flipped (present as planned ↔ absent, "ugyldig
// fravær"), so each acknowledged save moves each of those cells one version.
func (v *vu) attendance(ctx context.Context) error {
	year, week := time.Now().AddDate(0, 0, -7*v.u.weeksBack).ISOWeek()
	w := fmt.Sprintf("%d-W%02d", year, week)
	_, page, err := v.do(ctx, "grid", http.MethodGet, "/attendance?group="+strconv.FormatInt(v.u.group, 10)+"&week="+w, nil, http.StatusOK)
	if err != nil {
		return err
	}
	m := formRE.FindStringSubmatch(page)
	if m == nil {
		return fmt.Errorf("%s: the grid has no save form", v.u.email)
	}
	f := url.Values{}
	for _, h := range hiddenRE.FindAllStringSubmatch(m[1], -1) {
		f.Add(h[1], html.UnescapeString(h[2]))
	}
	type flip struct {
		pid     int64
		day     time.Time
		b       bool
		version int
	}
	var flips []flip
	for _, ch := range strings.Split(m[1], `data-cell data-expected="`)[1:] {
		end := strings.IndexByte(ch, '"')
		expected, _ := strconv.Atoi(ch[:end])
		hm, rm, vm := hRE.FindStringSubmatch(ch), rRE.FindStringSubmatch(ch), vRE.FindStringSubmatch(ch)
		if hm == nil || rm == nil || vm == nil {
			continue
		}
		present, reason := html.UnescapeString(hm[4]), ""
		if i := strings.Index(ch, "</select>"); i > 0 {
			if sm := selRE.FindStringSubmatch(ch[:i]); sm != nil {
				reason = sm[1]
			}
		}
		version, _ := strconv.Atoi(vm[2])
		if expected <= 0 { // no planned hours: keep what is shown
			f.Set(hm[1], present)
			f.Set(rm[1], reason)
			f.Set(vm[1], vm[2])
			continue
		}
		// B (absent, unexcused) unless the cell is stored as B now: then A.
		b := !(version > 0 && reason == domain.ReasonUnexcused)
		if b {
			f.Set(hm[1], "0")
			f.Set(rm[1], domain.ReasonUnexcused)
		} else {
			f.Set(hm[1], domain.FormatHours(expected))
			f.Set(rm[1], "")
		}
		f.Set(vm[1], strconv.Itoa(version))
		pid, _ := strconv.ParseInt(hm[2], 10, 64)
		day, _ := time.Parse("20060102", hm[3])
		flips = append(flips, flip{pid, day, b, version})
		v.cells.read(pid, day, version, b)
	}
	if len(flips) == 0 {
		return nil
	}
	v.think(ctx)
	status, _, err := v.do(ctx, "grid_save", http.MethodPost, "/attendance", f, http.StatusSeeOther)
	v.cells.mu.Lock()
	defer v.cells.mu.Unlock()
	switch {
	case err == nil:
		for _, fl := range flips {
			c := v.cells.get(fl.pid, fl.day)
			c.acked++
			c.writers[v.u.n] = true
			c.expect, c.lastB, c.known = fl.version+1, fl.b, true
		}
	case status == http.StatusConflict || status == http.StatusUnprocessableEntity:
		// refused, nothing stored ("Ingenting er lagret")
	default: // no answer, a 5xx, a lost session: may or may not be stored
		for _, fl := range flips {
			c := v.cells.get(fl.pid, fl.day)
			c.unclear++
			c.writers[v.u.n] = true
			c.pending, c.pendingB = fl.version, fl.b
		}
	}
	return err
}

func osloToday() string {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		loc = time.UTC
	}
	return time.Now().In(loc).Format("2006-01-02")
}

// read checks a version the grid shows against what the driver expects,
// and settles a pending unclear save. shownB is whether the cell shows as
// not-B (the value the driver would post next is B): the shown value is B
// exactly when !shownB.
func (cs *cells) read(pid int64, day time.Time, version int, postB bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c := cs.get(pid, day)
	if c.pending >= 0 {
		switch version {
		case c.pending + 1:
			c.unclearStored++
			c.expect, c.lastB, c.known = version, c.pendingB, true
		case c.pending:
		default:
			c.mismatches = append(c.mismatches, fmt.Sprintf("read version %d after an unclear save of version %d", version, c.pending))
		}
		c.pending = -1
	}
	if version != c.expect {
		c.mismatches = append(c.mismatches, fmt.Sprintf("read version %d, expected %d", version, c.expect))
		c.expect = version // one report per loss
	} else if c.known && (!postB) != c.lastB {
		c.mismatches = append(c.mismatches, fmt.Sprintf("read the value absent=%v, the last stored save was absent=%v", !postB, c.lastB))
		c.lastB = !postB
	}
}

// snapshotCells reads every attendance version of the last weeks before the run.
func snapshotCells(c config) (*cells, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.dbURL)
	if err != nil {
		return nil, fmt.Errorf("connect for the snapshot: %w", err)
	}
	defer conn.Close(ctx)
	from := time.Now().AddDate(0, 0, -7*12)
	rows, err := conn.Query(ctx, `SELECT person_id, day, version FROM attendance WHERE day >= $1`, from.Format("2006-01-02"))
	if err != nil {
		return nil, err
	}
	cs := &cells{initial: map[string]int{}, m: map[string]*cell{}}
	for rows.Next() {
		var pid int64
		var day time.Time
		var v int
		if err := rows.Scan(&pid, &day, &v); err != nil {
			return nil, err
		}
		cs.initial[strconv.FormatInt(pid, 10)+"/"+day.Format("20060102")] = v
	}
	return cs, rows.Err()
}

// ---- the outage and the /readyz probe ------------------------------------------

type outage struct {
	stopAt, stopped, startAt, started time.Time
	stopErr, startErr                 error
	stopOut, startOut                 string
}

func runCmd(ctx context.Context, cmd string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "bash", "-c", cmd).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

type probe struct {
	at     time.Time
	status int
}

// ---- run and report --------------------------------------------------------

func run(c config) (bool, error) {
	setupCtx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	users, err := setup(setupCtx, c)
	cancel()
	if err != nil {
		return false, err
	}
	runID := strconv.FormatInt(time.Now().Unix(), 36)
	cs, err := snapshotCells(c)
	if err != nil {
		return false, err
	}
	load0 := loadAvg()
	start := time.Now()
	// The journeys stop at start+duration; a request in flight then is
	// cancelled. The outage and the probe are bounded by the same deadline
	// plus the time pg_ctl may take.
	ctx, cancelRun := context.WithDeadline(context.Background(), start.Add(c.duration))
	defer cancelRun()
	transport := &http.Transport{MaxIdleConnsPerHost: c.users + 4, MaxConnsPerHost: c.users + 4}
	vus := make([]*vu, len(users))
	for i, u := range users {
		jar, _ := cookiejar.New(nil)
		vus[i] = &vu{c: c, u: u, rng: rand.New(rand.NewPCG(uint64(i+1), uint64(start.UnixNano()))), cells: cs,
			client: &http.Client{Jar: jar, Timeout: 15 * time.Second, Transport: transport,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	}

	var out outage
	var probes []probe
	var wg sync.WaitGroup
	if c.outageAt > 0 {
		wg.Go(func() {
			t := time.NewTimer(c.outageAt)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			bg := context.Background() // PostgreSQL must be started again even at the deadline
			out.stopAt = time.Now()
			out.stopOut, out.stopErr = runCmd(bg, c.stopCmd)
			out.stopped = time.Now()
			time.Sleep(c.outage)
			out.startAt = time.Now()
			out.startOut, out.startErr = runCmd(bg, c.startCmd)
			out.started = time.Now()
		})
	}
	wg.Go(func() {
		pc := &http.Client{Timeout: 3 * time.Second}
		for i := 0; i < 10000 && ctx.Err() == nil; i++ {
			p := probe{at: time.Now()}
			if resp, err := pc.Get(c.base + "/readyz"); err == nil {
				io.Copy(io.Discard, resp.Body) //nolint:errcheck
				resp.Body.Close()
				p.status = resp.StatusCode
			}
			probes = append(probes, p)
			select {
			case <-ctx.Done():
			case <-time.After(250 * time.Millisecond):
			}
		}
	})
	var vwg sync.WaitGroup
	for _, v := range vus {
		vwg.Go(func() { v.run(ctx, runID) })
	}
	vwg.Wait()
	wall := time.Since(start)
	wg.Wait()
	load1 := loadAvg()
	if out.startErr != nil {
		return false, fmt.Errorf("pg_ctl start failed (%v): %s", out.startErr, out.startOut)
	}

	checkCtx, cancelCheck := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancelCheck()
	check, err := checkWrites(checkCtx, c, vus, cs, runID)
	if err != nil {
		return false, err
	}
	rep, ok := report(c, vus, out, probes, check, start, wall, load0, load1)
	fmt.Print(rep)
	if c.out != "" {
		if err := os.WriteFile(c.out, []byte(rep), 0o644); err != nil {
			return ok, err
		}
		fmt.Printf("\nreport written to %s\n", c.out)
	}
	return ok, nil
}

type writeCheck struct {
	notesAcked, notesFound, notesMissing, notesUnackedButStored, notesUnknown int
	missingMarkers                                                            []string
	cellsChecked, cellSaves, cellBad, cellsShared, unclear, unclearStored     int
	cellProblems                                                              []string
}

// checkWrites looks every acknowledged write up in the database.
func checkWrites(ctx context.Context, c config, vus []*vu, cs *cells, runID string) (writeCheck, error) {
	var wc writeCheck
	conn, err := pgx.Connect(ctx, c.dbURL)
	if err != nil {
		return wc, fmt.Errorf("connect for the write check: %w", err)
	}
	defer conn.Close(ctx)
	rows, _ := conn.Query(ctx, `SELECT substring(body FROM '(LT[a-z0-9]+-u[0-9]+-n[0-9]+)') FROM case_notes WHERE body LIKE $1`, notePrefix+"LT"+runID+"-%")
	stored, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return wc, fmt.Errorf("read the notes: %w", err)
	}
	have := map[string]int{}
	for _, m := range stored {
		have[m]++
	}
	for _, v := range vus {
		for _, n := range v.notes {
			switch {
			case n.acked:
				wc.notesAcked++
				if have[n.marker] > 0 {
					wc.notesFound++
				} else {
					wc.notesMissing++
					wc.missingMarkers = append(wc.missingMarkers, n.marker)
				}
			case have[n.marker] > 0:
				wc.notesUnackedButStored++
			default:
				if n.status == 0 || n.status >= 500 {
					wc.notesUnknown++
				}
			}
		}
	}
	for key, cl := range cs.m {
		if cl.acked == 0 && cl.unclear == 0 && len(cl.mismatches) == 0 {
			continue
		}
		wc.cellsChecked++
		if len(cl.writers) > 1 {
			wc.cellsShared++
		}
		wc.cellSaves += cl.acked
		var version int
		var reason *string
		err := conn.QueryRow(ctx, `SELECT version, reason FROM attendance WHERE person_id = $1 AND day = $2`, cl.personID, cl.day).Scan(&version, &reason)
		if errors.Is(err, pgx.ErrNoRows) {
			version = 0
		} else if err != nil {
			return wc, fmt.Errorf("read attendance: %w", err)
		}
		absent := reason != nil && *reason == domain.ReasonUnexcused
		bad := ""
		switch {
		case len(cl.writers) > 1: // a person in two groups: two writers, a save of the stored value is a 303 without a new version
			if version < cl.initial+1 || version > cl.initial+cl.acked+cl.unclear {
				bad = fmt.Sprintf("version %d outside %d..%d (two writers)", version, cl.initial+1, cl.initial+cl.acked+cl.unclear)
			}
		case len(cl.mismatches) > 0:
			bad = strings.Join(cl.mismatches, "; ")
		case cl.pending >= 0 && version != cl.pending && version != cl.pending+1:
			bad = fmt.Sprintf("version %d after an unclear save of version %d", version, cl.pending)
		case cl.pending >= 0:
			// settled now
			if version == cl.pending+1 {
				wc.unclearStored++
			}
		case version != cl.expect:
			bad = fmt.Sprintf("version %d, expected %d (%d before the run, %d acknowledged saves, %d unclear ones stored): an acknowledged save is missing",
				version, cl.expect, cl.initial, cl.acked, cl.unclearStored)
		case cl.known && absent != cl.lastB:
			bad = fmt.Sprintf("the last stored save (absent=%v) is not what is stored (reason %v)", cl.lastB, deref(reason))
		}
		wc.unclearStored += cl.unclearStored
		wc.unclear += cl.unclear
		if bad != "" {
			wc.cellBad++
			if len(wc.cellProblems) < 10 {
				wc.cellProblems = append(wc.cellProblems, key+": "+bad)
			}
		}
	}
	return wc, nil
}

func deref(s *string) string {
	if s == nil {
		return "NULL"
	}
	return *s
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(float64(len(d)-1) * p)
	return d[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

func report(c config, vus []*vu, out outage, probes []probe, wc writeCheck, start time.Time, wall time.Duration, load0, load1 string) (string, bool) {
	var b strings.Builder
	ok := true
	failf := func(format string, a ...any) {
		ok = false
		fmt.Fprintf(&b, "FAIL: "+format+"\n", a...)
	}
	var all []result
	relogins := 0
	for _, v := range vus {
		all = append(all, v.results...)
		relogins += v.relogins
	}
	sort.Slice(all, func(i, j int) bool { return all[i].start.Before(all[j].start) })
	host, _ := os.Hostname()
	fmt.Fprintf(&b, "== make loadtest — %s, %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), host)
	fmt.Fprintf(&b, "%d caseworkers, %s run (%.1f s measured), think time 0–%s per step, outage %s at +%s\n",
		c.users, c.duration, wall.Seconds(), c.think, c.outage, c.outageAt)
	fmt.Fprintf(&b, "load average before: %s, after: %s (a shared machine: other engineers' work runs beside it)\n\n", load0, load1)

	okCount := 0
	for _, r := range all {
		if r.ok {
			okCount++
		}
	}
	fmt.Fprintf(&b, "requests: %d (%.1f/s), answered as expected: %d (%.1f/s)\n\n", len(all), float64(len(all))/wall.Seconds(), okCount, float64(okCount)/wall.Seconds())

	inOutage := func(r result) bool {
		return !out.stopAt.IsZero() && !r.end.Before(out.stopAt) && r.start.Before(out.started)
	}
	fmt.Fprintf(&b, "%-10s %7s %7s %9s %9s %9s   (successful requests outside the outage window)\n", "step", "count", "errors", "p50 ms", "p99 ms", "max ms")
	for _, s := range steps {
		var d []time.Duration
		n, errs := 0, 0
		for _, r := range all {
			if r.step != s {
				continue
			}
			n++
			if !r.ok {
				errs++
				continue
			}
			if !inOutage(r) {
				d = append(d, r.end.Sub(r.start))
			}
		}
		slices.Sort(d)
		var mx time.Duration
		if len(d) > 0 {
			mx = d[len(d)-1]
		}
		fmt.Fprintf(&b, "%-10s %7d %7d %9s %9s %9s\n", s, n, errs, ms(pct(d, 0.5)), ms(pct(d, 0.99)), ms(mx))
	}

	status := func(rs []result) string {
		m := map[string]int{}
		for _, r := range rs {
			k := strconv.Itoa(r.status)
			if r.status == 0 {
				k = "no answer"
			}
			if r.status == http.StatusServiceUnavailable && r.friendly {
				k = "503 friendly page"
			}
			m[k]++
		}
		var keys []string
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s: %d", k, m[k]))
		}
		return strings.Join(parts, ", ")
	}

	b.WriteString("\n== outage\n")
	var firstOK time.Time
	if out.stopAt.IsZero() {
		b.WriteString("no outage in this run\n")
	} else {
		rel := func(t time.Time) string {
			return fmt.Sprintf("+%.1f s", t.Sub(start).Seconds())
		}
		fmt.Fprintf(&b, "pg_ctl stop -m fast at %s (took %.1f s)%s; started again at %s (pg_ctl start -w took %.1f s)\n",
			rel(out.stopAt), out.stopped.Sub(out.stopAt).Seconds(), errNote(out.stopErr, out.stopOut), rel(out.startAt), out.started.Sub(out.startAt).Seconds())
		for _, r := range all {
			if r.ok && !r.start.Before(out.started) && (firstOK.IsZero() || r.end.Before(firstOK)) {
				firstOK = r.end
			}
		}
		var during, errsDuring []result
		for _, r := range all {
			if !r.end.Before(out.stopAt) && (firstOK.IsZero() || r.start.Before(firstOK)) {
				during = append(during, r)
				if !r.ok {
					errsDuring = append(errsDuring, r)
				}
			}
		}
		fmt.Fprintf(&b, "requests from the stop to the first success after the restart: %d, of them not as expected: %d\n", len(during), len(errsDuring))
		fmt.Fprintf(&b, "  answers not as expected: %s\n", orNone(status(errsDuring)))
		if firstOK.IsZero() {
			failf("no request succeeded after PostgreSQL was started again")
		} else {
			rec := firstOK.Sub(out.started)
			fmt.Fprintf(&b, "time to recover (pg_ctl start returned → first successful request, the same app process): %.2f s\n", max(rec, 0).Seconds())
			fmt.Fprintf(&b, "time from the stop to the first success after it: %.1f s\n", firstOK.Sub(out.stopAt).Seconds())
			if rec > 30*time.Second {
				failf("recovery took %.1f s (> 30 s)", rec.Seconds())
			}
		}
		var ready, readyFail, readyAfter int
		var firstReady time.Time
		for _, p := range probes {
			if !p.at.Before(out.stopped) && p.at.Before(out.startAt) {
				ready++
				if p.status != http.StatusOK {
					readyFail++
				}
			}
			if !p.at.Before(out.started) && p.status == http.StatusOK && firstReady.IsZero() {
				firstReady = p.at
			}
			if p.at.Before(out.stopAt) && p.status != http.StatusOK {
				readyAfter++
			}
		}
		fmt.Fprintf(&b, "/readyz while PostgreSQL was down: %d of %d probes failed (503)", readyFail, ready)
		if !firstReady.IsZero() {
			fmt.Fprintf(&b, "; ready again %.2f s after pg_ctl start returned", firstReady.Sub(out.started).Seconds())
		}
		b.WriteString("\n")
		if ready == 0 || readyFail != ready {
			failf("/readyz did not fail throughout the outage (%d of %d failed)", readyFail, ready)
		}
		if readyAfter > 0 {
			fmt.Fprintf(&b, "note: /readyz failed %d times before the outage (its ping waits up to 2 s for a pool connection; under this load the pool of 8 is busy)\n", readyAfter)
		}
	}

	var outside []result
	for _, r := range all {
		if !r.ok && (out.stopAt.IsZero() || r.end.Before(out.stopAt) || (!firstOK.IsZero() && !r.start.Before(firstOK))) {
			outside = append(outside, r)
		}
	}
	fmt.Fprintf(&b, "answers not as expected outside the outage: %s\n", orNone(status(outside)))
	var s500, unfriendly, leaks int
	for _, r := range all {
		switch {
		case r.leak:
			leaks++
		case r.status >= 500 && r.status != http.StatusServiceUnavailable:
			s500++
		case r.status == http.StatusServiceUnavailable && !r.friendly:
			unfriendly++
		}
	}
	if s500 > 0 {
		failf("%d answers 5xx other than 503", s500)
	}
	if unfriendly > 0 {
		failf("%d answers 503 without the friendly page and Retry-After", unfriendly)
	}
	if leaks > 0 {
		failf("%d error pages show internals", leaks)
	}
	fmt.Fprintf(&b, "sessions lost (a logged-in page sent to /login): %d\n", relogins)
	if relogins > 0 {
		failf("%d sessions were lost", relogins)
	}
	if c.serverPID > 0 {
		if err := syscall.Kill(c.serverPID, 0); err != nil {
			failf("the server process %d is gone: %v", c.serverPID, err)
		} else {
			fmt.Fprintf(&b, "the server process %d ran throughout (not restarted)\n", c.serverPID)
		}
	}

	b.WriteString("\n== acknowledged writes (checked in the database after the run)\n")
	fmt.Fprintf(&b, "case notes: %d acknowledged (303), %d found by their marker, %d missing; %d stored though not acknowledged, %d without a clear answer and not stored\n",
		wc.notesAcked, wc.notesFound, wc.notesMissing, wc.notesUnackedButStored, wc.notesUnknown)
	fmt.Fprintf(&b, "attendance: %d cells, %d acknowledged cell saves; every read of the grid and the database after the run hold exactly the expected version (before the run + acknowledged saves + unclear ones found stored) and value: %d cells wrong\n",
		wc.cellsChecked, wc.cellSaves, wc.cellBad)
	fmt.Fprintf(&b, "  cell saves without a clear answer: %d, found stored: %d; cells written by two users (a person in two groups; only the version bounds checked): %d\n",
		wc.unclear, wc.unclearStored, wc.cellsShared)
	groups := 0
	for _, v := range vus {
		if v.u.group != 0 {
			groups++
		}
	}
	fmt.Fprintf(&b, "(%d of %d users had a programme group to save attendance for)\n", groups, len(vus))
	if wc.notesMissing > 0 {
		failf("%d acknowledged notes are missing: %s", wc.notesMissing, strings.Join(wc.missingMarkers[:min(10, len(wc.missingMarkers))], ", "))
	}
	if wc.cellBad > 0 {
		failf("%d attendance cells do not hold their acknowledged saves:\n  %s", wc.cellBad, strings.Join(wc.cellProblems, "\n  "))
	}
	if wc.notesAcked == 0 || (groups > 0 && wc.cellSaves == 0) {
		failf("nothing was written: the write check proves nothing")
	}
	if ok {
		b.WriteString("\nRESULT: PASS — no acknowledged write lost, 503 with the friendly page during the outage, recovered without restarting the app\n")
	} else {
		b.WriteString("\nRESULT: FAIL\n")
	}
	return b.String(), ok
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func errNote(err error, out string) string {
	if err == nil {
		return ""
	}
	return fmt.Sprintf(" [error: %v: %s]", err, out)
}
