package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
)

// capFixture inserts employers, worksites and placements with SQL (the
// employer register and placements are other modules'): Solsiden sykehjem
// (Sentrum, 2 places, Arabic; one running placement of person), Butikken
// (Nord, 1 place, full this week and next), 60 worksites of Vaskeriet
// (Sør, 1 place each) for paging, and an inactive employer. It returns the
// worksite ids of Solsiden and Butikken.
func capFixture(t *testing.T, app *testApp, personID int64) (home, shop int64) {
	t.Helper()
	ctx := context.Background()
	exec := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := app.DB.Pool.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	employer := func(name, orgnr, sector string, active bool) int64 {
		return exec(`INSERT INTO employers (name, orgnr, name_key, sector, active) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			name, orgnr, domain.FoldName(name), sector, active)
	}
	site := func(emp int64, name, area string, places int, langs []string) int64 {
		return exec(`INSERT INTO worksites (employer_id, name, area, places, languages) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			emp, name, area, places, langs)
	}
	mon := domain.WeekStart(domain.Today(time.Now()))
	place := func(ws int64, start, end time.Time, status string) {
		exec(`INSERT INTO placements (person_id, worksite_id, minutes_per_week, weekdays, start_date, planned_end, goal, status)
			VALUES ($1, $2, 900, '{1,2,3}', $3, $4, 'work_trial', $5) RETURNING id`, personID, ws, start, end, status)
	}
	home = site(employer("Solsiden sykehjem", "974760673", "nursing_home", true), "Avdeling Sol", "Sentrum", 2, []string{"ar", "en"})
	shop = site(employer("Butikken AS", "912345675", "shop", true), "Butikken på torget", "Nord", 1, []string{"uk"})
	wash := employer("Vaskeriet", "923456783", "cleaning", true)
	for i := range 60 {
		site(wash, fmt.Sprintf("Vaskeri %02d", i), "Sør", 1, []string{})
	}
	site(employer("Nedlagt AS", "934567891", "shop", false), "Stengt", "Øst", 9, []string{"ti"})
	place(home, domain.AddDays(mon, -60), domain.AddDays(mon, 60), "active")
	place(shop, domain.AddDays(mon, -30), domain.AddDays(mon, 11), "active")
	place(home, domain.AddDays(mon, -300), domain.AddDays(mon, -200), "ended")
	return home, shop
}

func TestCapacityPageHTTP(t *testing.T) {
	app := newTestApp(t)
	app.user("cw@k.no", domain.RoleCaseworker, "Øst")
	app.user("cw@vest.no", domain.RoleCaseworker, "Vest")
	app.user("helse@k.no", domain.RoleHealth, "Øst")
	app.user("bolig@k.no", domain.RoleHousing, "Øst")
	cw := app.client()
	cw.login("cw@k.no")
	_, pid := clPerson(t, cw, 1, "Amina", "Haidari", 0)
	home, shop := capFixture(t, app, pid)

	r := cw.get("/placements/capacity")
	clMust(t, r, http.StatusOK, `<h1 class="ds-heading" data-size="lg" data-testid="capacity-heading">Praksisplasser</h1>`,
		"62 arbeidssteder", "Viser 1–50 av 62", `href="/worksites/`+fmt.Sprint(home)+`"`, "Solsiden sykehjem",
		"Sykehjem", "Sentrum", "Arabisk, Engelsk", `rel="next"`, `href="/placements/capacity?page=2"`, `aria-current="page"`)
	if strings.Contains(r.Body, "Stengt") || strings.Contains(r.Body, "Amina") || strings.Contains(r.Body, "Haidari") {
		t.Error("an inactive employer's worksite or a person's name is on the page")
	}
	// Week columns: this week's number and dates as the title.
	_, wk := domain.WeekStart(domain.Today(time.Now())).ISOWeek()
	if !strings.Contains(r.Body, fmt.Sprintf(`title="Uke %d: `, wk)) {
		t.Errorf("no title for week %d", wk)
	}
	// Filtered by area: Butikken is full now and next week, free after.
	r = cw.get("/placements/capacity?area=Nord")
	clMust(t, r, http.StatusOK, "1 arbeidssted", "Butikken på torget", `href="/worksites/`+fmt.Sprint(shop)+`"`, "Nullstill")
	if n := strings.Count(r.Body, `class="app-num app-free-none"`); n != 2 {
		t.Errorf("%d highlighted weeks, want 2", n)
	}
	if strings.Contains(r.Body, "Solsiden") || strings.Contains(r.Body, `rel="next"`) {
		t.Error("the area filter let other worksites through, or pages")
	}
	// Only free: Butikken leaves.
	clMust(t, cw.get("/placements/capacity?area=Nord&only_free=1"), http.StatusOK, "0 arbeidssteder", "Ingen arbeidssteder passer filteret")
	// Language and sector.
	r = cw.get("/placements/capacity?language=ar&sector=nursing_home")
	clMust(t, r, http.StatusOK, "1 arbeidssted", "Avdeling Sol", `<option value="ar" selected>Arabisk</option>`)
	clMust(t, cw.get("/placements/capacity?sector=kitchen"), http.StatusOK, "0 arbeidssteder")
	// Page 2, and a page past the end.
	r = cw.get("/placements/capacity?page=2")
	clMust(t, r, http.StatusOK, "Viser 51–62 av 62", `rel="prev"`)
	clMust(t, cw.get("/placements/capacity?sector=shop&page=3"), http.StatusOK, "Ingen flere arbeidssteder", `href="/placements/capacity?sector=shop"`)
	// Bad filter values are ignored, not errors.
	for _, q := range []string{"sector=%27drop", "page=-1", "page=abc", "page=99999", "area=" + strings.Repeat("x", 200), "only_free=yes"} {
		clMust(t, cw.get("/placements/capacity?"+q), http.StatusOK, "Praksisplasser")
	}
	// Another unit's caseworker sees the same register (no person data).
	other := app.client()
	other.login("cw@vest.no")
	clMust(t, other.get("/placements/capacity"), http.StatusOK, "62 arbeidssteder")
	// Roles without CapProgramme: 403, and no menu entry.
	for _, email := range []string{"helse@k.no", "bolig@k.no"} {
		c := app.client()
		c.login(email)
		if r := c.get("/placements/capacity"); r.Status != http.StatusForbidden {
			t.Errorf("%s: %d", email, r.Status)
		}
		if r := c.get("/persons"); strings.Contains(r.Body, `href="/placements/capacity"`) {
			t.Errorf("%s has the menu entry", email)
		}
	}
}

func TestPersonPagePlacementSection(t *testing.T) {
	app := newTestApp(t)
	app.user("cw@k.no", domain.RoleCaseworker, "Øst")
	app.user("cw@vest.no", domain.RoleCaseworker, "Vest")
	app.user("helse@k.no", domain.RoleHealth, "Øst")
	cw := app.client()
	cw.login("cw@k.no")
	path, pid := clPerson(t, cw, 1, "Amina", "Haidari", 0)
	empty, _ := clPerson(t, cw, 2, "Omar", "Haidari", 0)
	home, _ := capFixture(t, app, pid)

	r := cw.get(path)
	clMust(t, r, http.StatusOK, `data-testid="placement-section"`, `href="/persons/`+fmt.Sprint(pid)+`/placements"`,
		`href="/worksites/`+fmt.Sprint(home)+`"`, "Avdeling Sol", "Solsiden sykehjem", "15 t/uke", ">Aktiv<", ">Avsluttet<")
	if n := strings.Count(r.Body, `data-testid="placement-row"`); n != 3 {
		t.Errorf("%d placement rows, want 3", n)
	}
	clMust(t, cw.get(empty), http.StatusOK, "Ingen praksisplasser ennå.")
	// Health: no section. Another unit: not found.
	h := app.client()
	h.login("helse@k.no")
	if r := h.get(path); r.Status != http.StatusOK || strings.Contains(r.Body, "placement-section") {
		t.Errorf("health: %d, section shown: %v", r.Status, strings.Contains(r.Body, "placement-section"))
	}
	o := app.client()
	o.login("cw@vest.no")
	if r := o.get(path); r.Status != http.StatusNotFound || strings.Contains(r.Body, "Avdeling Sol") {
		t.Errorf("other unit: %d", r.Status)
	}
}
