package server_test

import (
	"context"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/server"
)

// The week of the tests: 2026-W49, Monday 30 November to Friday 4 December.
const atWeek = "2026-W49"

var atMonday = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

// atForm is a posted grid: for each person, the five days' hours, reasons
// and versions (all versions 0 unless set).
type atForm struct{ v url.Values }

func newAtForm(group string) *atForm {
	return &atForm{url.Values{"week": {atWeek}, "group": {group}}}
}

// person adds a row with the five days' hours ("" for an empty cell).
func (f *atForm) person(pid int64, hours ...string) *atForm {
	f.v.Add("p", strconv.FormatInt(pid, 10))
	for i, d := range domain.WeekDays(atMonday) {
		h := ""
		if i < len(hours) {
			h = hours[i]
		}
		f.v.Set(domain.CellField("h", pid, d), h)
		f.v.Set(domain.CellField("r", pid, d), "")
		f.v.Set(domain.CellField("v", pid, d), "0")
	}
	return f
}

// reason sets a day's reason (day 0 = Monday).
func (f *atForm) reason(pid int64, day int, reason string) *atForm {
	f.v.Set(domain.CellField("r", pid, domain.AddDays(atMonday, day)), reason)
	return f
}

func (f *atForm) version(pid int64, day, version int) *atForm {
	f.v.Set(domain.CellField("v", pid, domain.AddDays(atMonday, day)), strconv.Itoa(version))
	return f
}

func atRows(t *testing.T, app *testApp) int {
	t.Helper()
	var n int
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM attendance`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAttendanceGridAndSave(t *testing.T) {
	app := newTestApp(t)
	app.DB.Now = afterTestWeek
	cwU := app.user("cw@ost.no", domain.RoleCaseworker, "Øst")
	app.user("cw2@ost.no", domain.RoleCaseworker, "Øst")
	app.user("cw@vest.no", domain.RoleCaseworker, "Vest")
	app.user("helse@ost.no", domain.RoleHealth, "Øst")
	app.user("bolig@ost.no", domain.RoleHousing, "Øst")
	c := app.client()
	c.login("cw@ost.no")
	kari := grParticipant(t, app, c, 1, "Kari", "Nordmann", cwU.ID, "2026-09-01", 2250)
	ali := grParticipant(t, app, c, 2, "Ali", "Hassan", cwU.ID, "2026-11-16", 2250) // two weeks in
	noPlan := grParticipant(t, app, c, 3, "Uten", "Plan", cwU.ID, "2026-09-01", 0)

	// The grid of "mine deltakere": prefilled from the plans, a hint without a plan.
	g := c.get("/attendance?week=" + atWeek)
	clMust(t, g, http.StatusOK, "Mine deltakere", "Uke 49", "Kari Nordmann", "Ali Hassan", `data-testid="no-plan"`,
		`name="`+domain.CellField("h", kari, atMonday)+`" value="7,5"`, "Ferie igjen 2026: 25 av 25 dager", `src="/static/js/attendance.js"`)
	if strings.Count(g.Body, `data-testid="attendance-row"`) != 3 {
		t.Errorf("want 3 rows")
	}

	// Bad input is refused with the input kept and nothing saved.
	for _, tc := range []struct {
		name string
		form *atForm
		want string
		keep string
	}{
		{"bad hours", newAtForm("").person(kari, "sju", "7,5"), "Skriv timer til stede som et tall", `value="sju"`},
		{"missing reason", newAtForm("").person(kari, "5", "7,5"), "Velg årsak for fraværet på 2,5 t", `value="5"`},
		{"over 24 hours", newAtForm("").person(noPlan, "25"), "høyst 24 timer", `value="25"`},
		{"self-certified too early", newAtForm("").person(ali, "0").reason(ali, 0, domain.ReasonSelfCertified), "først etter 8 uker", ""},
		{"self-certified too long", newAtForm("").person(kari, "0", "0", "0", "0").reason(kari, 0, domain.ReasonSelfCertified).
			reason(kari, 1, domain.ReasonSelfCertified).reason(kari, 2, domain.ReasonSelfCertified).reason(kari, 3, domain.ReasonSelfCertified), "høyst 3 dager om gangen", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.post("/attendance", tc.form.v)
			clMust(t, r, http.StatusUnprocessableEntity, `data-testid="error-summary"`, html.EscapeString(tc.want), tc.keep)
			if n := atRows(t, app); n != 0 {
				t.Errorf("%d rows saved", n)
			}
		})
	}

	// Self-certified too often: four spells stored in the last 12 months.
	for _, d := range []string{"2026-03-02", "2026-05-04", "2026-08-03", "2026-10-05"} {
		if _, err := app.DB.Pool.Exec(context.Background(), `INSERT INTO attendance (person_id, day, absent_minutes, reason) VALUES ($1, $2::date, 450, 'self_certified')`, kari, d); err != nil {
			t.Fatal(err)
		}
	}
	r := c.post("/attendance", newAtForm("").person(kari, "0").reason(kari, 0, domain.ReasonSelfCertified).v)
	clMust(t, r, http.StatusUnprocessableEntity, "høyst 4 ganger i løpet av 12 måneder")
	if _, err := app.DB.Pool.Exec(context.Background(), `DELETE FROM attendance`); err != nil {
		t.Fatal(err)
	}

	// A valid week: 303 with a flash, the same form again changes nothing.
	week := newAtForm("").person(kari, "7,5", "0", "7,5", "7,5", "7,5").reason(kari, 1, domain.ReasonUnexcused).
		person(ali, "7,5", "7,5", "7,5", "7,5", "7,5")
	r = c.post("/attendance", week.v)
	if r.Status != http.StatusSeeOther || r.Location != "/attendance?week="+atWeek {
		t.Fatalf("save: %d %q\n%.3000s", r.Status, r.Location, r.Body)
	}
	clMust(t, c.get(r.Location), http.StatusOK, "Uka er lagret: 10 celler for 2 deltakere", "fravær 7,5 t")
	var audits int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE entity = 'attendance'`).Scan(&audits)
	if audits != 2 {
		t.Errorf("%d audit rows, want 2", audits)
	}
	r = c.post("/attendance", week.v)
	clMust(t, c.get(r.Location), http.StatusOK, "Ingen endringer å lagre")
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE entity = 'attendance'`).Scan(&audits)
	if audits != 2 {
		t.Errorf("the second post wrote audit rows: %d", audits)
	}

	// Another caseworker saves Tuesday; the first user's stale change is 409
	// naming the cell, with the input kept.
	c2 := app.client()
	c2.login("cw2@ost.no")
	if r := c2.post("/attendance", newAtForm("").person(kari, "7,5", "6", "7,5", "7,5", "7,5").reason(kari, 1, domain.ReasonIllness).
		version(kari, 0, 1).version(kari, 1, 1).version(kari, 2, 1).version(kari, 3, 1).version(kari, 4, 1).v); r.Status != http.StatusSeeOther {
		t.Fatalf("second user: %d\n%.3000s", r.Status, r.Body)
	}
	stale := newAtForm("").person(kari, "7,5", "3", "7,5", "7,5", "7,5").reason(kari, 1, domain.ReasonUnexcused).
		version(kari, 0, 1).version(kari, 1, 1).version(kari, 2, 1).version(kari, 3, 1).version(kari, 4, 1)
	r = c.post("/attendance", stale.v)
	clMust(t, r, http.StatusConflict, "Kari Nordmann tirsdag 01.12 ble endret av en annen bruker", "Lagret nå: 6 t til stede, 1,5 t sykdom",
		`name="`+domain.CellField("h", kari, domain.AddDays(atMonday, 1))+`" value="3"`,
		`name="`+domain.CellField("v", kari, domain.AddDays(atMonday, 1))+`" value="2"`)

	// A forged participant of another unit: 404, nothing saved.
	vest := app.client()
	vest.login("cw@vest.no")
	before := atRows(t, app)
	r = vest.post("/attendance", newAtForm("").person(kari, "1", "1", "1", "1", "1").v)
	if r.Status != http.StatusNotFound {
		t.Errorf("another unit's caseworker posts a person: %d, want 404", r.Status)
	}
	mixed := newAtForm("").person(kari, "7,5", "6", "7,5", "7,5", "7,5").reason(kari, 1, domain.ReasonIllness).person(999999, "7,5")
	if r := c.post("/attendance", mixed.v); r.Status != http.StatusNotFound {
		t.Errorf("a forged person id: %d, want 404", r.Status)
	}
	if n := atRows(t, app); n != before {
		t.Errorf("forged posts saved %d rows", n-before)
	}
	// A group of another unit: 404.
	_, gid := grCreate(t, c, "Norsk A2")
	if r := vest.get("/attendance?group=" + strconv.FormatInt(gid, 10)); r.Status != http.StatusNotFound {
		t.Errorf("another unit's group: %d, want 404", r.Status)
	}
	if r := c.get("/attendance?group=abc"); r.Status != http.StatusNotFound {
		t.Errorf("a malformed group: %d, want 404", r.Status)
	}
	// The group grid: empty state until a member joins.
	clMust(t, c.get("/attendance?group="+strconv.FormatInt(gid, 10)+"&week="+atWeek), http.StatusOK, `data-testid="empty-state"`, "Ingen i gruppa")
	// Roles without the programme: 403.
	for _, email := range []string{"helse@ost.no", "bolig@ost.no"} {
		o := app.client()
		o.login(email)
		if r := o.get("/attendance"); r.Status != http.StatusForbidden {
			t.Errorf("%s GET: %d, want 403", email, r.Status)
		}
		if r := o.post("/attendance", week.v); r.Status != http.StatusForbidden {
			t.Errorf("%s POST: %d, want 403", email, r.Status)
		}
	}
	// A bad week in the URL falls back to this week with a notice.
	clMust(t, c.get("/attendance?week=2026-W60"), http.StatusOK, "finnes ikke")
}

// The grid reads in one batch (with the session read, the user read and the
// session write: 4 round trips), and a save's round trips do not grow with
// the number of participants.
func TestAttendanceRoundTrips(t *testing.T) {
	app := newTestApp(t)
	app.DB.Now = afterTestWeek
	logs := &syncBuffer{}
	srv := server.New(app.DB, slog.New(slog.NewJSONHandler(logs, nil)), server.Config{}, nil)
	ts := httptest.NewServer(srv.Routes())
	defer ts.Close()
	app.TS = ts
	cwU := app.user("cw@ost.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("cw@ost.no")
	var ids []int64
	for i := range 6 {
		ids = append(ids, grParticipant(t, app, c, 20+i, "Deltaker", []string{"Aas", "Berg", "Dahl", "Lie", "Moe", "Vik"}[i], cwU.ID, "2026-09-01", 2250))
	}
	st, rt := pageCost(t, app, logs, c, "/attendance?week="+atWeek, "/attendance")
	t.Logf("grid of 6: %d statements, %d round trips", st, rt)
	if rt > 4 {
		t.Errorf("grid: %d round trips, want at most 4", rt)
	}
	saveCost := func(pids []int64, hours string) int {
		f := newAtForm("")
		for _, pid := range pids {
			f.person(pid, hours, hours, hours, hours, hours)
		}
		if r := c.post("/attendance", f.v); r.Status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%.2000s", r.Status, r.Body)
		}
		m := logs.lastRequestLog(t, "/attendance")
		return int(m["db_round_trips"].(float64))
	}
	saveCost(ids[:1], "7,5") // the first use of each statement prepares it
	one, many := saveCost(ids[1:2], "7,5"), saveCost(ids[2:], "7,5")
	t.Logf("save: 1 participant %d round trips, 4 participants %d", one, many)
	if many > one || many > 8 {
		t.Errorf("save round trips: %d for one participant, %d for four (want the same, at most 8)", one, many)
	}
}

// afterTestWeek is the clock of the attendance tests: Monday 7 December
// 2026, so every day of the week they save (atWeek, 2026-W49) has come.
func afterTestWeek() time.Time { return time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC) }
