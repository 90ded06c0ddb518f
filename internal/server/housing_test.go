package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
)

var (
	housingUnitPathRe = regexp.MustCompile(`^/housing/units/(\d+)$`)
	landlordPathRe    = regexp.MustCompile(`^/landlords/(\d+)$`)
)

func hsCreate(t *testing.T, c *client, path string, form url.Values, re *regexp.Regexp) string {
	t.Helper()
	r := c.post(path, form)
	if r.Status != http.StatusSeeOther || !re.MatchString(r.Location) {
		t.Fatalf("create %s: %d %q\n%.2000s", path, r.Status, r.Location, r.Body)
	}
	return r.Location
}

func unitForm(address string) url.Values {
	return url.Values{"address": {address}, "owner_type": {"municipal"}, "rooms": {"3"}, "bedrooms": {"2"}, "rent": {"12 500"}, "status": {"vacant"}}
}

func TestHousingRegisterPages(t *testing.T) {
	app := newTestApp(t)
	app.user("bolig@ost.no", "housing", "Øst")
	app.user("cw@ost.no", "caseworker", "Øst")
	app.user("helse@ost.no", "health", "Øst")
	c := app.client()
	c.login("bolig@ost.no")

	clMust(t, c.get("/persons"), http.StatusOK, `href="/housing/units"`, "Boliger")
	clMust(t, c.get("/housing/units"), http.StatusOK, `data-testid="empty-state"`, "ingen boliger i registeret", "Ny bolig")
	clMust(t, c.get("/landlords"), http.StatusOK, `data-testid="empty-state"`, "Ny utleier")
	clMust(t, c.get("/housing/units/new"), http.StatusOK, `name="address"`, "Boligstiftelse", "Under oppussing")

	// Bad unit input: 422 keeps what was typed.
	f := unitForm("Storgata 1 H0101")
	f.Set("bedrooms", "4")
	f.Set("owner_type", "private")
	f.Set("lift", "yes")
	f.Set("note", "Nøkler hos vaktmester")
	clMust(t, c.post("/housing/units", f), http.StatusUnprocessableEntity, "flere soverom enn rom", "må ha en utleier",
		`value="Storgata 1 H0101"`, "Nøkler hos vaktmester", `data-testid="error-summary"`)
	r := c.post("/housing/units", url.Values{"rent": {"tolv"}, "rooms": {"x"}})
	clMust(t, r, http.StatusUnprocessableEntity, "Skriv adressen", "Velg eierform", "helt tall", "Skriv månedsleien", "Velg status", `value="tolv"`)

	// Landlords: bad input, created, duplicate orgnr → 409 with a link.
	clMust(t, c.post("/landlords", url.Values{"kind": {"organisation"}, "name": {"Boligbygg AS"}, "orgnr": {"974 760 674"}}),
		http.StatusUnprocessableEntity, "kontrollsifferet stemmer ikke", `value="Boligbygg AS"`)
	ll := hsCreate(t, c, "/landlords", url.Values{"kind": {"organisation"}, "name": {"Boligbygg AS"}, "orgnr": {"974 760 673"}, "contact": {"Kari"}}, landlordPathRe)
	clMust(t, c.get(ll), http.StatusOK, "Utleieren er registrert", "974 760 673", `data-testid="agreements-empty"`, `data-testid="units-empty"`)
	clMust(t, c.post("/landlords", url.Values{"kind": {"organisation"}, "name": {"Boligbygg 2"}, "orgnr": {"974760673"}}),
		http.StatusConflict, `data-testid="duplicate-link"`, `href="`+ll+`"`, `value="Boligbygg 2"`)

	// A private unit with its landlord.
	f.Set("bedrooms", "2")
	f.Set("landlord_id", ll[len("/landlords/"):])
	unit := hsCreate(t, c, "/housing/units", f, housingUnitPathRe)
	clMust(t, c.get(unit), http.StatusOK, "Boligen er registrert", "Privat utleier", `data-testid="unit-landlord">Boligbygg AS`, `href="`+ll+`"`, "12 500 kr", "3 rom, 2 soverom")
	clMust(t, c.get("/housing/units?q=STORGATA"), http.StatusOK, `data-testid="unit-row"`, "1 treff")
	clMust(t, c.get("/housing/units?status=let"), http.StatusOK, "Ingen boliger passer søket")
	clMust(t, c.get("/housing/units?owner=private"), http.StatusOK, "Storgata 1 H0101")
	clMust(t, c.get(ll), http.StatusOK, `data-testid="unit-row"`)

	// Edit: 422 keeps input; stale version → 409 with the stored unit; then saved.
	f.Set("version", "1")
	f.Set("rooms", "0")
	clMust(t, c.post(unit, f), http.StatusUnprocessableEntity, "mellom 1 og 20", `value="0"`)
	f.Set("rooms", "3")
	f.Set("status", "let")
	r = c.post(unit, f)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("update: %d\n%.2000s", r.Status, r.Body)
	}
	f.Set("status", "renovation")
	clMust(t, c.post(unit, f), http.StatusConflict, "Endret av noen andre", "Ingenting er lagret", "Utleid", `name="version" value="2"`)
	clMust(t, c.get(unit), http.StatusOK, "Utleid")

	// Agreements: bad input keeps it, then added.
	clMust(t, c.post(ll+"/agreements", url.Values{"from": {"2026-06-01"}, "to": {"2026-01-01"}, "units": {"5"}}),
		http.StatusUnprocessableEntity, "kan ikke slutte før", `value="2026-06-01"`)
	if r := c.post(ll+"/agreements", url.Values{"from": {"2026-01-01"}, "units": {"5"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("agreement: %d\n%.2000s", r.Status, r.Body)
	}
	clMust(t, c.get(ll), http.StatusOK, "Avtalen er lagt til", `data-testid="agreement-row"`, "Fra 01.01.2026")

	// Landlord edit: stale version → 409.
	lf := url.Values{"kind": {"organisation"}, "name": {"Boligbygg Oslo AS"}, "orgnr": {"974760673"}, "version": {"1"}}
	if r := c.post(ll, lf); r.Status != http.StatusSeeOther {
		t.Fatalf("landlord update: %d\n%.2000s", r.Status, r.Body)
	}
	lf.Set("name", "Boligbygg KF")
	clMust(t, c.post(ll, lf), http.StatusConflict, "Endret av noen andre", "Boligbygg Oslo AS")

	// Caseworkers and health: 403 on every page.
	for _, email := range []string{"cw@ost.no", "helse@ost.no"} {
		o := app.client()
		o.login(email)
		for _, p := range []string{"/housing/units", "/housing/units/new", unit, "/landlords", ll} {
			if r := o.get(p); r.Status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d", email, p, r.Status)
			}
		}
		if r := o.post("/housing/units", unitForm("Lurvei 1")); r.Status != http.StatusForbidden {
			t.Errorf("%s POST: %d", email, r.Status)
		}
	}
}

func TestHousingOtherUnit(t *testing.T) {
	app := newTestApp(t)
	app.user("bolig@ost.no", "housing", "Øst")
	app.user("bolig@vest.no", "housing", "Vest")
	app.user("admin@vest.no", "admin", "Vest")
	c := app.client()
	c.login("bolig@ost.no")
	ll := hsCreate(t, c, "/landlords", url.Values{"kind": {"person"}, "name": {"Ola Nordmann"}}, landlordPathRe)
	unit := hsCreate(t, c, "/housing/units", unitForm("Storgata 1"), housingUnitPathRe)

	vest := app.client()
	vest.login("bolig@vest.no")
	clMust(t, vest.get("/housing/units"), http.StatusOK, `data-testid="empty-state"`)
	clMust(t, vest.get("/landlords"), http.StatusOK, `data-testid="empty-state"`)
	for _, p := range []string{unit, ll, "/housing/units/999999", "/landlords/999999"} {
		if r := vest.get(p); r.Status != http.StatusNotFound {
			t.Errorf("vest GET %s: %d", p, r.Status)
		}
	}
	// A write to another unit's record is 404 whatever the form says.
	for p, form := range map[string]url.Values{
		unit:                  {"address": {""}},
		ll:                    {"name": {""}},
		ll + "/agreements":    {"from": {"2026-01-01"}, "units": {"1"}},
		ll + "/agreements?x=": {},
	} {
		if r := vest.post(p, form); r.Status != http.StatusNotFound {
			t.Errorf("vest POST %s: %d", p, r.Status)
		}
	}
	// Vest may not attach Øst's landlord to its own unit.
	f := unitForm("Vestgata 1")
	f.Set("owner_type", "private")
	f.Set("landlord_id", ll[len("/landlords/"):])
	clMust(t, vest.post("/housing/units", f), http.StatusUnprocessableEntity, "Fant ikke utleieren")

	admin := app.client()
	admin.login("admin@vest.no")
	clMust(t, admin.get(unit), http.StatusOK, "Storgata 1")
	clMust(t, admin.get("/housing/units"), http.StatusOK, "Storgata 1")
}
