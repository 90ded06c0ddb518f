package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/internal/postgres/pgtest"
	"ankomst/internal/server"
)

var dashActiveRe = regexp.MustCompile(`(?s)data-testid="fig-active">.*?<a class="ds-link" href="[^"]*">(\d+)</a>`)

// dashActive is the dashboard's "Aktive personer" figure.
func dashActive(t *testing.T, body string) int {
	t.Helper()
	m := dashActiveRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no active-persons figure in the page")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestDashboardAccess: caseworkers are refused (403); a leader sees the own
// unit and gets 404 for another (or a unit that is no number); an admin sees
// all units or chooses one; the filter is kept in the page's links.
func TestDashboardAccess(t *testing.T) {
	app := newTestApp(t)
	cwU := app.user("cw@ost.no", domain.RoleCaseworker, "Øst")
	app.user("cw@vest.no", domain.RoleCaseworker, "Vest")
	leaderU := app.user("leder@ost.no", domain.RoleLeader, "Øst")
	app.user("admin@vest.no", domain.RoleAdmin, "Vest")
	app.user("helse@ost.no", domain.RoleHealth, "Øst")
	cw, cwv := app.client(), app.client()
	cw.login("cw@ost.no")
	cwv.login("cw@vest.no")
	for i := range 3 {
		clPerson(t, cw, i, "Ost", "Person"+string(rune('a'+i)), cwU.ID)
	}
	for i := range 2 {
		clPerson(t, cwv, 10+i, "Vest", "Person"+string(rune('a'+i)), 0)
	}
	var west int64
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT id FROM units WHERE name = 'Vest'`).Scan(&west); err != nil {
		t.Fatal(err)
	}

	if r := cw.get("/dashboard"); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Denne siden er for ledere.") {
		t.Errorf("caseworker: %d", r.Status)
	}
	hw := app.client()
	hw.login("helse@ost.no")
	if r := hw.get("/dashboard.csv"); r.Status != http.StatusForbidden {
		t.Errorf("health CSV: %d", r.Status)
	}

	leader := app.client()
	leader.login("leder@ost.no")
	r := leader.get("/dashboard")
	if r.Status != 200 {
		t.Fatalf("leader: %d %s", r.Status, r.Body)
	}
	if n := dashActive(t, r.Body); n != 3 {
		t.Errorf("leader sees %d active persons, want 3 (own unit)", n)
	}
	if strings.Contains(r.Body, `name="unit"`) {
		t.Error("a leader is offered the unit select")
	}
	for _, p := range []string{"/dashboard?unit=" + strconv.FormatInt(west, 10), "/dashboard?unit=x", "/dashboard.csv?unit=" + strconv.FormatInt(west, 10),
		"/dashboard/list/no-end-reason?unit=" + strconv.FormatInt(west, 10), "/dashboard/list/nope"} {
		if r := leader.get(p); r.Status != http.StatusNotFound {
			t.Errorf("leader %s: %d, want 404", p, r.Status)
		}
	}
	if r := leader.get("/dashboard?unit=" + strconv.FormatInt(leaderU.UnitID, 10)); r.Status != 200 || dashActive(t, r.Body) != 3 {
		t.Errorf("leader naming the own unit: %d", r.Status)
	}
	// A saved filter: the period stays in the page's links; bad months fall back with a notice; NUL and huge values are harmless.
	r = leader.get("/dashboard?from=2025-01&to=2025-06")
	if r.Status != 200 || !strings.Contains(r.Body, "from=2025-01&amp;to=2025-06") || !strings.Contains(r.Body, "januar 2025") {
		t.Errorf("saved filter: %d", r.Status)
	}
	for _, p := range []string{"/dashboard?from=%00&to=" + strings.Repeat("9", 5000), "/dashboard?from=%ff%fe&to=1999-13", "/dashboard?from=2030-01&to=2020-01"} {
		r := leader.get(p)
		if r.Status != 200 && !(r.Status == http.StatusBadRequest && strings.ContainsAny(p, "%")) { // NUL, invalid UTF-8: the middleware's clean 400
			t.Errorf("%s: %d", p[:min(len(p), 40)], r.Status)
		}
		if strings.Contains(p, "2030") && !strings.Contains(r.Body, "de siste 36 månedene") {
			t.Errorf("a 10-year period is not cut to 36 months")
		}
	}

	admin := app.client()
	admin.login("admin@vest.no")
	r = admin.get("/dashboard")
	if r.Status != 200 || dashActive(t, r.Body) != 5 || !strings.Contains(r.Body, "alle enheter") || !strings.Contains(r.Body, `name="unit"`) {
		t.Errorf("admin, all units: %d", r.Status)
	}
	r = admin.get("/dashboard?unit=" + strconv.FormatInt(west, 10))
	if r.Status != 200 || dashActive(t, r.Body) != 2 {
		t.Errorf("admin, Vest: %d", r.Status)
	}
	if r := admin.get("/dashboard?unit=999999"); r.Status != http.StatusNotFound {
		t.Errorf("admin, a unit that does not exist: %d", r.Status)
	}
}

// TestDashboardCSV: BOM, semicolons, CRLF, and a caseworker's name that
// looks like a formula is defused.
func TestDashboardCSV(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	id, err := app.DB.CreateUser(ctx, postgres.NewUser{Email: "formel@ost.no", Name: "=HYPERLINK(\"http://x\")", Role: domain.RoleCaseworker, UnitName: "Øst", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	app.user("cw@ost.no", domain.RoleCaseworker, "Øst")
	app.user("leder@ost.no", domain.RoleLeader, "Øst")
	cw := app.client()
	cw.login("cw@ost.no")
	clPerson(t, cw, 1, "Amal", "Haidari", id)
	leader := app.client()
	leader.login("leder@ost.no")
	r := leader.get("/dashboard.csv?from=2026-01&to=2026-03")
	if r.Status != 200 {
		t.Fatalf("csv: %d", r.Status)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	if !strings.HasPrefix(r.Body, "\uFEFFDel;Rad;Verdi;Merknad\r\n") {
		t.Errorf("header: %q", r.Body[:min(len(r.Body), 60)])
	}
	if !strings.Contains(r.Body, "Aktive personer per saksbehandler;\"'=HYPERLINK(") {
		t.Errorf("the formula is not defused:\n%s", r.Body)
	}
	if strings.Contains(strings.ReplaceAll(r.Body, "\r\n", ""), "\n") {
		t.Error("a line ends without CR")
	}
	if !strings.Contains(r.Body, "Filter;Periode;2026-01 – 2026-03;") {
		t.Errorf("no period row:\n%s", r.Body)
	}
	// Audited like every export: who, the unit, the months, the rows.
	var n, unit, rows int64
	var period, format string
	if err := app.DB.Pool.QueryRow(ctx, `SELECT count(*), max((details->>'unit_id')::bigint), max((details->>'rows')::bigint),
			max(details->>'period'), max(details->>'format')
		FROM audit_events a JOIN users u ON u.id = a.user_id
		WHERE u.email = 'leder@ost.no' AND a.action = 'export' AND a.entity = 'dashboard_report'`).Scan(&n, &unit, &rows, &period, &format); err != nil {
		t.Fatal(err)
	}
	lines := int64(strings.Count(r.Body, "\r\n")) - 1
	if n != 1 || unit == 0 || rows != lines || period != "2026-01 – 2026-03" || format != "csv" {
		t.Errorf("audit: %d rows, unit %d, %d rows (the file has %d), period %q, format %q", n, unit, rows, lines, period, format)
	}
}

// TestDashboardRoundTrips: the dashboard's figures come in one batch: with
// the session read, the user read and the session write, at most 4 round
// trips, for a leader and for an admin's all units.
func TestDashboardRoundTrips(t *testing.T) {
	app := newTestApp(t)
	logs := &syncBuffer{}
	srv := server.New(app.DB, slog.New(slog.NewJSONHandler(logs, nil)), server.Config{}, nil)
	ts := httptest.NewServer(srv.Routes())
	defer ts.Close()
	app.TS = ts
	cwU := app.user("cw@ost.no", domain.RoleCaseworker, "Øst")
	app.user("leder@ost.no", domain.RoleLeader, "Øst")
	app.user("admin@vest.no", domain.RoleAdmin, "Vest")
	cw := app.client()
	cw.login("cw@ost.no")
	clPerson(t, cw, 1, "Amal", "Haidari", cwU.ID)
	for _, who := range []string{"leder@ost.no", "admin@vest.no"} {
		c := app.client()
		c.login(who)
		st, rt := pageCost(t, app, logs, c, "/dashboard", "/dashboard")
		t.Logf("dashboard as %s: %d statements, %d round trips", who, st, rt)
		if rt > 4 {
			t.Errorf("dashboard as %s: %d round trips (%d statements), want at most 4", who, rt, st)
		}
	}
}

// TestDashboardReadReplica: with a read pool (DATABASE_READ_URL), the
// dashboard's figures come from it, not from the primary. The "replica"
// here is a second database holding different persons, so where the
// figures come from shows; its sessions carry the application_name the
// URL gives.
func TestDashboardReadReplica(t *testing.T) {
	ctx := context.Background()
	app := newTestApp(t)
	leader := app.user("leder@ost.no", domain.RoleLeader, "Øst")
	cwU := app.user("cw@ost.no", domain.RoleCaseworker, "Øst")
	cw := app.client()
	cw.login("cw@ost.no")
	clPerson(t, cw, 1, "Primær", "Person", cwU.ID) // one person on the primary

	replicaURL := pgtest.URL(t)
	replica, err := postgres.Open(ctx, replicaURL)
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()
	// The same unit and users (same ids) on the "replica", with 4 persons.
	for _, u := range []*domain.User{leader, cwU} {
		id, err := replica.CreateUser(ctx, postgres.NewUser{Email: u.Email, Name: u.Name, Role: u.Role, UnitName: "Øst", Password: testPassword})
		if err != nil || id != u.ID {
			t.Fatalf("replica user %d, %v; want id %d", id, err, u.ID)
		}
	}
	s := domain.Scope{UserID: cwU.ID, UnitID: cwU.UnitID, Role: domain.RoleCaseworker}
	for i := range 4 {
		in, err := domain.PersonForm{GivenName: "Replika", FamilyName: "Person" + string(rune('a'+i)), BirthDate: "1990-04-12", Sex: "female",
			NationalID: nid(20 + i), CountryOfOrigin: "AF", Languages: []string{"prs"}, ResidenceBasis: "resettlement",
			ArrivalDate: "2026-03-01", SettlementDate: "2026-03-10", CaseworkerID: strconv.FormatInt(cwU.ID, 10)}.Validate(domain.Today(replica.Now()))
		if err != nil {
			t.Fatalf("%v %+v", err, err.(*domain.Error).Fields)
		}
		if _, err := replica.CreatePerson(ctx, s, in); err != nil {
			t.Fatal(err)
		}
	}

	lc := app.client()
	lc.login("leder@ost.no")
	if n := dashActive(t, lc.get("/dashboard").Body); n != 1 {
		t.Fatalf("without a read pool: %d active persons, want the primary's 1", n)
	}
	if err := app.DB.OpenRead(ctx, replicaURL+"&application_name=ankomst-replica-test"); err != nil {
		t.Fatal(err)
	}
	if n := dashActive(t, lc.get("/dashboard").Body); n != 4 {
		t.Errorf("with a read pool: %d active persons, want the replica's 4", n)
	}
	var name string
	if err := app.DB.Reader().QueryRow(ctx, `SELECT current_setting('application_name')`).Scan(&name); err != nil || name != "ankomst-replica-test" {
		t.Errorf("read pool's application_name %q, %v", name, err)
	}
	// The read pool refuses writes (default_transaction_read_only).
	if _, err := app.DB.Reader().Exec(ctx, `UPDATE persons SET given_name = given_name`); err == nil {
		t.Error("the read pool wrote")
	}
	// Everything else still reads the primary.
	if r := cw.get("/persons?view=all"); r.Status != 200 || !strings.Contains(r.Body, "Primær") || strings.Contains(r.Body, "Replika") {
		t.Errorf("the person list does not read the primary: %d", r.Status)
	}
}
