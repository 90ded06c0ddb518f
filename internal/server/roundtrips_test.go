package server_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/server"
)

// lastRequestLog returns the last request log line for a route pattern.
func (s *syncBuffer) lastRequestLog(t *testing.T, route string) map[string]any {
	t.Helper()
	var last map[string]any
	for _, line := range strings.Split(s.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "request" && m["route"] == route {
			last = m
		}
	}
	if last == nil {
		t.Fatalf("no request log line for %s", route)
	}
	return last
}

// pageCost is a page's Postgres work in the steady state: the fewest round
// trips (and their statements) over several loads, so that a connection's
// first-time statement preparation does not count.
func pageCost(t *testing.T, app *testApp, logs *syncBuffer, c *client, path, route string) (statements, roundTrips int) {
	t.Helper()
	roundTrips = 1 << 30
	for range 8 {
		if r := c.get(path); r.Status != 200 {
			t.Fatalf("GET %s: %d", path, r.Status)
		}
		m := logs.lastRequestLog(t, route)
		if rt := int(m["db_round_trips"].(float64)); rt < roundTrips {
			roundTrips, statements = rt, int(m["db_statements"].(float64))
		}
	}
	return statements, roundTrips
}

// The person page gathers every module's section into one batch: with the
// session read, the user read and the session write, at most 4 round trips
// (design.md, "Speed by design"), for a caseworker and for the health role
// (whose health items are read and audited in the same batch).
func TestPersonPageRoundTrips(t *testing.T) {
	app := newTestApp(t)
	logs := &syncBuffer{}
	srv := server.New(app.DB, slog.New(slog.NewJSONHandler(logs, nil)), server.Config{}, nil)
	ts := httptest.NewServer(srv.Routes())
	defer ts.Close()
	app.TS = ts
	app.user("cw@kommune.no", domain.RoleCaseworker, "Øst")
	app.user("helse@kommune.no", domain.RoleHealth, "Øst")
	cw := app.client()
	cw.login("cw@kommune.no")
	p := createPerson(t, cw, validPersonForm(nid(1)))
	createHousehold(t, cw, p, "Familien Haidari")
	for range 3 {
		createNote(t, cw, p, meetingForm("Samtale om bolig."))
	}
	hw := app.client()
	hw.login("helse@kommune.no")
	for _, c := range []struct {
		who    string
		client *client
	}{{"caseworker", cw}, {"health", hw}} {
		st, rt := pageCost(t, app, logs, c.client, p, "/persons/{id}")
		t.Logf("person page as %s: %d statements, %d round trips", c.who, st, rt)
		if rt > 4 {
			t.Errorf("person page as %s: %d round trips (%d statements), want at most 4", c.who, rt, st)
		}
		// The full timeline reads in one batch too.
		st, rt = pageCost(t, app, logs, c.client, p+"/timeline", "/persons/{id}/timeline")
		t.Logf("timeline as %s: %d statements, %d round trips", c.who, st, rt)
		if rt > 4 {
			t.Errorf("timeline as %s: %d round trips (%d statements), want at most 4", c.who, rt, st)
		}
	}
}

// The programme's pages read in one batch each, with their audit rows: the
// programme overview (person, permit date, programme, pauses, rates, view
// audit), the weekly plan and a participant's benefit month.
func TestProgrammePagesRoundTrips(t *testing.T) {
	app := newTestApp(t)
	logs := &syncBuffer{}
	srv := server.New(app.DB, slog.New(slog.NewJSONHandler(logs, nil)), server.Config{}, nil)
	ts := httptest.NewServer(srv.Routes())
	defer ts.Close()
	app.TS = ts
	app.user("cw@kommune.no", domain.RoleCaseworker, "Øst")
	cw := app.client()
	cw.login("cw@kommune.no")
	p := createPerson(t, cw, validPersonForm(nid(1)))
	if _, err := app.DB.Pool.Exec(context.Background(), `INSERT INTO programmes (person_id, decision, decision_date, start_date, planned_end, end_goal)
		SELECT id, 'granted', '2026-01-05', '2026-01-12', '2027-12-31', 'work' FROM persons`); err != nil {
		t.Fatal(err)
	}
	for _, pg := range []struct{ path, route string }{
		{p + "/programme", "/persons/{id}/programme"},
		{p + "/programme/plan", "/persons/{id}/programme/plan"},
		{p + "/programme/benefit", "/persons/{id}/programme/benefit"},
	} {
		st, rt := pageCost(t, app, logs, cw, pg.path, pg.route)
		t.Logf("%s: %d statements, %d round trips", pg.route, st, rt)
		if rt > 4 {
			t.Errorf("%s: %d round trips (%d statements), want at most 4", pg.route, rt, st)
		}
	}
}

// The exports page reads its NIR counts, last exports and units in one
// batch; the NIR check page reads the unit and its programmes in two
// statements (issue 12 part 5).
func TestReportsRoundTrips(t *testing.T) {
	app := newTestApp(t)
	logs := &syncBuffer{}
	srv := server.New(app.DB, slog.New(slog.NewJSONHandler(logs, nil)), server.Config{}, nil)
	ts := httptest.NewServer(srv.Routes())
	defer ts.Close()
	app.TS = ts
	app.user("cw@kommune.no", domain.RoleCaseworker, "Øst")
	app.user("leder@kommune.no", domain.RoleLeader, "Øst")
	app.user("admin@kommune.no", domain.RoleAdmin, "Vest")
	cw := app.client()
	cw.login("cw@kommune.no")
	createPerson(t, cw, validPersonForm(nid(1)))
	if _, err := app.DB.Pool.Exec(context.Background(), `INSERT INTO programmes (person_id, decision, decision_date, start_date, planned_end, end_goal)
		SELECT id, 'granted', '2026-01-05', '2026-01-12', '2027-12-31', 'work' FROM persons`); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"leder@kommune.no", "admin@kommune.no"} {
		c := app.client()
		c.login(who)
		for _, pg := range []struct {
			path, route string
			max         int
		}{{"/reports", "/reports", 4}, {"/reports/nir/check", "/reports/nir/check", 5}} {
			st, rt := pageCost(t, app, logs, c, pg.path, pg.route)
			t.Logf("%s as %s: %d statements, %d round trips", pg.route, who, st, rt)
			if rt > pg.max {
				t.Errorf("%s as %s: %d round trips (%d statements), want at most %d", pg.route, who, rt, st, pg.max)
			}
		}
	}
}

// The settlement ledger reads its targets, counts, grant cohorts, rates and
// unit in one batch: with the session and user reads at most 4 round trips,
// for a leader (one unit) and an admin (the municipality).
func TestSettlementPageRoundTrips(t *testing.T) {
	app := newTestApp(t)
	logs := &syncBuffer{}
	srv := server.New(app.DB, slog.New(slog.NewJSONHandler(logs, nil)), server.Config{}, nil)
	ts := httptest.NewServer(srv.Routes())
	defer ts.Close()
	app.TS = ts
	app.user("leder@kommune.no", domain.RoleLeader, "Øst")
	app.user("admin@kommune.no", domain.RoleAdmin, "Vest")
	l := app.client()
	l.login("leder@kommune.no")
	createPerson(t, l, validPersonForm(nid(1)))
	a := app.client()
	a.login("admin@kommune.no")
	for _, c := range []struct {
		who    string
		client *client
	}{{"leader", l}, {"admin", a}} {
		st, rt := pageCost(t, app, logs, c.client, "/settlement?year=2026", "/settlement")
		t.Logf("settlement ledger as %s: %d statements, %d round trips", c.who, st, rt)
		if rt > 4 {
			t.Errorf("settlement ledger as %s: %d round trips (%d statements), want at most 4", c.who, rt, st)
		}
	}
}
