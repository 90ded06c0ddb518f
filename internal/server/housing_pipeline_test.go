package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/server"
)

// idOf is the number at the end of a path.
func idOf(path string) string { return path[strings.LastIndex(path, "/")+1:] }

// The board lists households agreed for settlement with the units that fit
// them, and the leases in rent arrears.
func TestHousingBoardArrivalsPage(t *testing.T) {
	app := newTestApp(t)
	app.user("bolig@ost.no", "housing", "Øst")
	app.user("cw@ost.no", "caseworker", "Øst")
	app.user("bolig@vest.no", "housing", "Vest")
	cw := app.client()
	cw.login("cw@ost.no")
	c := app.client()
	c.login("bolig@ost.no")
	ctx := context.Background()

	clMust(t, c.get("/housing"), http.StatusOK, `data-testid="arrivals-empty"`, "Ingen husstander er avtalt bosatt")
	amina := createPerson(t, cw, personForm(1, "Amina", "Haidari"))
	hh := createHousehold(t, cw, amina, "Familien Haidari")
	if _, err := app.DB.Pool.Exec(ctx, `UPDATE persons SET settlement_stage = 'agreed', expected_arrival = (now() AT TIME ZONE 'Europe/Oslo')::date + 10,
		settlement_date = NULL, needs_accessible_home = true WHERE id = $1`, idOf(amina)); err != nil {
		t.Fatal(err)
	}
	clMust(t, c.get("/housing"), http.StatusOK, `data-testid="arrival-row"`, "Familien Haidari", "1 voksen", "1 soverom",
		`data-testid="needs-accessible"`, `data-testid="no-fit"`, `href="`+hh+`/housing"`)
	f := unitForm("Tilgjengelig vei 1")
	f.Set("accessible", "yes")
	acc := hsCreate(t, c, "/housing/units", f, housingUnitPathRe)
	hsCreate(t, c, "/housing/units", unitForm("Trappegata 2"), housingUnitPathRe)
	r := c.get("/housing")
	clMust(t, r, http.StatusOK, `data-testid="fit-unit"`, `href="`+acc+`"`, "Tilgjengelig vei 1", "tilrettelagt")
	if strings.Contains(r.Body[strings.Index(r.Body, `data-testid="arrivals"`):], "Trappegata 2</a> <span") {
		t.Errorf("an inaccessible unit offered to a household that needs a step-free home")
	}
	if strings.Contains(r.Body, `data-testid="arrears`) {
		t.Errorf("arrears shown without any")
	}

	// Let the accessible unit with rent arrears: it leaves the fit list and shows as arrears.
	if r := c.post(hh+"/housing/leases", map[string][]string{"unit": {idOf(acc)}, "start": {"2026-01-05"}, "rent": {"9 000"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("lease: %d %.1500s", r.Status, r.Body)
	}
	var lease, version string
	if err := app.DB.Pool.QueryRow(ctx, `SELECT id::text, version::text FROM leases`).Scan(&lease, &version); err != nil {
		t.Fatal(err)
	}
	if r := c.post(hh+"/housing/leases/"+lease, map[string][]string{"rent": {"9 000"}, "arrears": {"yes"}, "version": {version}}); r.Status != http.StatusSeeOther {
		t.Fatalf("arrears: %d %.1500s", r.Status, r.Body)
	}
	clMust(t, c.get(hh+"/housing"), http.StatusOK, "restanse")
	clMust(t, c.get("/housing"), http.StatusOK, `data-testid="arrears-notice"`, "1 leieforhold har husleierestanse", `data-testid="arrears-row"`, `data-testid="no-fit"`)
	// Cleared again: no flag.
	if r := c.post(hh+"/housing/leases/"+lease, map[string][]string{"rent": {"9 000"}, "version": {"2"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("clear arrears: %d %.1500s", r.Status, r.Body)
	}
	if r := c.get("/housing"); strings.Contains(r.Body, `data-testid="arrears-row"`) {
		t.Errorf("arrears still shown after clearing")
	}
	// Another unit sees nothing of Øst's pipeline.
	v := app.client()
	v.login("bolig@vest.no")
	if r := v.get("/housing"); r.Status != http.StatusOK || strings.Contains(r.Body, "Haidari") {
		t.Errorf("Vest sees Øst's pipeline: %d", r.Status)
	}
}

// Husbanken reviews due within 30 days (or past) are lines on Frister for
// the roles that read housing, in the user's scope; not for health.
func TestFristerHusbankenReviews(t *testing.T) {
	app := newTestApp(t)
	app.user("cw@ost.no", "caseworker", "Øst")
	app.user("bolig@ost.no", "housing", "Øst")
	app.user("helse@ost.no", "health", "Øst")
	app.user("bolig@vest.no", "housing", "Vest")
	cw := app.client()
	cw.login("cw@ost.no")
	amina := createPerson(t, cw, personForm(1, "Amina", "Haidari"))
	hh := createHousehold(t, cw, amina, "Familien Haidari")
	ctx := context.Background()
	if _, err := app.DB.Pool.Exec(ctx, `INSERT INTO husbanken_applications (household_id, scheme, applied_on, decision, next_review)
		VALUES ($1, 'housing_allowance', '2026-01-05', 'granted', (now() AT TIME ZONE 'Europe/Oslo')::date + 10),
		       ($1, 'start_loan', '2026-01-05', 'granted', (now() AT TIME ZONE 'Europe/Oslo')::date - 3),
		       ($1, 'grant', '2026-01-05', 'granted', (now() AT TIME ZONE 'Europe/Oslo')::date + 60),
		       ($1, 'grant', '2026-01-05', 'refused', (now() AT TIME ZONE 'Europe/Oslo')::date + 1)`, idOf(hh)); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"cw@ost.no", "bolig@ost.no"} {
		c := app.client()
		c.login(who)
		r := c.get("/deadlines?view=all")
		clMust(t, r, http.StatusOK, `data-testid="husbanken-reviews"`, "Bostøtte: revurdering", "Startlån: revurdering", `href="`+hh+`/housing/support"`, "Forfalt")
		if n := strings.Count(r.Body, `data-testid="review-row"`); n != 2 {
			t.Errorf("%s: %d review rows, want 2", who, n)
		}
		if r := c.get("/deadlines?view=all&kind=task"); strings.Contains(r.Body, "husbanken-reviews") {
			t.Errorf("%s: reviews under a kind filter", who)
		}
	}
	// The caseworker's own caseload holds Amina: the reviews show under "Mine".
	if _, err := app.DB.Pool.Exec(ctx, `UPDATE persons SET caseworker_id = (SELECT id FROM users WHERE email = 'cw@ost.no')`); err != nil {
		t.Fatal(err)
	}
	clMust(t, cw.get("/deadlines?view=mine"), http.StatusOK, `data-testid="husbanken-reviews"`)
	for _, who := range []string{"helse@ost.no", "bolig@vest.no"} {
		c := app.client()
		c.login(who)
		if r := c.get("/deadlines"); r.Status != http.StatusOK || strings.Contains(r.Body, "husbanken-reviews") {
			t.Errorf("%s: %d, reviews shown", who, r.Status)
		}
	}
}

// The housing pages read in few round trips: the board (counts, free units,
// pipeline, its candidates and arrears in one batch), a unit's page, a
// household's home and its support page, and Frister with the reviews.
func TestHousingPagesRoundTrips(t *testing.T) {
	app := newTestApp(t)
	logs := &syncBuffer{}
	srv := server.New(app.DB, slog.New(slog.NewJSONHandler(logs, nil)), server.Config{}, nil)
	ts := httptest.NewServer(srv.Routes())
	defer ts.Close()
	app.TS = ts
	app.user("cw@kommune.no", domain.RoleCaseworker, "Øst")
	app.user("bolig@kommune.no", domain.RoleHousing, "Øst")
	cw := app.client()
	cw.login("cw@kommune.no")
	c := app.client()
	c.login("bolig@kommune.no")
	p := createPerson(t, cw, validPersonForm(nid(1)))
	hh := createHousehold(t, cw, p, "Familien Haidari")
	unit := hsCreate(t, c, "/housing/units", unitForm("Storgata 1"), housingUnitPathRe)
	hsCreate(t, c, "/housing/units", unitForm("Storgata 2"), housingUnitPathRe)
	if r := c.post(hh+"/housing/leases", map[string][]string{"unit": {idOf(unit)}, "start": {"2026-01-05"}, "rent": {"9 000"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("lease: %d", r.Status)
	}
	ctx := context.Background()
	if _, err := app.DB.Pool.Exec(ctx, `INSERT INTO husbanken_applications (household_id, scheme, applied_on, next_review)
		VALUES ($1, 'housing_allowance', '2026-01-05', (now() AT TIME ZONE 'Europe/Oslo')::date + 5)`, idOf(hh)); err != nil {
		t.Fatal(err)
	}
	q := createPerson(t, cw, validPersonForm(nid(2)))
	if _, err := app.DB.Pool.Exec(ctx, `UPDATE persons SET settlement_stage = 'agreed', expected_arrival = (now() AT TIME ZONE 'Europe/Oslo')::date + 20 WHERE id = $1`, idOf(q)); err != nil {
		t.Fatal(err)
	}
	for _, pg := range []struct {
		c           *client
		path, route string
		max         int
	}{
		{c, "/housing", "/housing", 4},
		{c, unit, "/housing/units/{id}", 5},
		{c, hh + "/housing", "/households/{id}/housing", 4},
		{c, hh + "/housing/support", "/households/{id}/housing/support", 4},
		{c, "/deadlines?view=all", "/deadlines", 4},
		{cw, "/deadlines?view=mine", "/deadlines", 4},
	} {
		st, rt := pageCost(t, app, logs, pg.c, pg.path, pg.route)
		t.Logf("%s: %d statements, %d round trips", pg.path, st, rt)
		if rt > pg.max {
			t.Errorf("%s: %d round trips (%d statements), want at most %d", pg.path, rt, st, pg.max)
		}
	}
}

// A landlord is deactivated with its version (409 on a stale one), audited,
// no longer offered for new units nor accepted on one, and activated again.
func TestLandlordDeactivate(t *testing.T) {
	app := newTestApp(t)
	app.user("bolig@ost.no", "housing", "Øst")
	app.user("bolig@vest.no", "housing", "Vest")
	app.user("cw@ost.no", "caseworker", "Øst")
	c := app.client()
	c.login("bolig@ost.no")
	ll := hsCreate(t, c, "/landlords", map[string][]string{"kind": {"person"}, "name": {"Kari Utleier"}}, landlordPathRe)
	f := unitForm("Privatveien 3")
	f.Set("owner_type", "private")
	f.Set("landlord_id", idOf(ll))
	unit := hsCreate(t, c, "/housing/units", f, housingUnitPathRe)

	v := app.client()
	v.login("bolig@vest.no")
	clMust(t, v.post(ll, map[string][]string{"action": {"deactivate"}, "version": {"1"}}), http.StatusNotFound)
	cw := app.client()
	cw.login("cw@ost.no")
	clMust(t, cw.post(ll, map[string][]string{"action": {"deactivate"}, "version": {"1"}}), http.StatusForbidden)
	clMust(t, c.post(ll, map[string][]string{"action": {"deactivate"}, "version": {"7"}}), http.StatusConflict, "endret av noen andre")
	clMust(t, c.post(ll, map[string][]string{"action": {"nonsense"}, "version": {"1"}}), http.StatusUnprocessableEntity, "Ukjent handling")
	if r := c.post(ll, map[string][]string{"action": {"deactivate"}, "version": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("deactivate: %d %.1500s", r.Status, r.Body)
	}
	clMust(t, c.get(ll), http.StatusOK, "Utleieren er deaktivert.", `data-testid="landlord-deactivated"`, `data-testid="activate-landlord"`)
	clMust(t, c.get("/landlords"), http.StatusOK, `data-testid="landlord-inactive"`)
	if r := c.get("/housing/units/new"); strings.Contains(r.Body, "Kari Utleier") {
		t.Error("a deactivated landlord is offered for a new unit")
	}
	clMust(t, c.post("/housing/units", f), http.StatusUnprocessableEntity, "er deaktivert og kan ikke få nye boliger")
	// The unit that has it keeps it, and can still be edited.
	clMust(t, c.get(unit), http.StatusOK, "Kari Utleier")
	f.Set("version", "1")
	f.Set("rent", "13 000")
	if r := c.post(unit, f); r.Status != http.StatusSeeOther {
		t.Fatalf("edit a unit of a deactivated landlord: %d %.1500s", r.Status, r.Body)
	}
	var n int
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE entity = 'landlord' AND changes ? 'landlord_active'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit rows of the deactivation: %d %v", n, err)
	}
	if r := c.post(ll, map[string][]string{"action": {"activate"}, "version": {"2"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("activate: %d", r.Status)
	}
	clMust(t, c.get("/housing/units/new"), http.StatusOK, "Kari Utleier")
}
