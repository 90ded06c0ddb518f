package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// lsHousingUnit inserts a housing unit in the household's unit by SQL (the
// unit register is another module) and returns its id.
func lsHousingUnit(t *testing.T, app *testApp, householdPath, address string, bedrooms int) string {
	t.Helper()
	var id int64
	if err := app.DB.Pool.QueryRow(context.Background(), `INSERT INTO housing_units (unit_id, address, address_key, owner_type, rooms, bedrooms, rent_ore)
		SELECT unit_id, $2, lower($2), 'municipal', $3 + 1, $3, 950000 FROM households WHERE id = $1 RETURNING id`,
		strings.TrimPrefix(householdPath, "/households/"), address, bedrooms).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(id, 10)
}

func TestLeasePages(t *testing.T) {
	app := newTestApp(t)
	app.user("cw@ost.no", "caseworker", "Øst")
	app.user("helse@ost.no", "health", "Øst")
	app.user("bolig@ost.no", "housing", "Øst")
	app.user("bolig@vest.no", "housing", "Vest")
	cw := app.client()
	cw.login("cw@ost.no")
	hou := app.client()
	hou.login("bolig@ost.no")
	vest := app.client()
	vest.login("bolig@vest.no")
	health := app.client()
	health.login("helse@ost.no")

	amina := createPerson(t, cw, personForm(1, "Amina", "Haidari"))
	hh := createHousehold(t, cw, amina, "Familien Haidari")
	berg := createPerson(t, cw, personForm(2, "Bo", "Berg"))
	hh2 := createHousehold(t, cw, berg, "Familien Berg")
	alone := createPerson(t, cw, personForm(3, "Ali", "Alene"))
	hu := lsHousingUnit(t, app, hh, "Storgata 1", 1)
	housing := hh + "/housing"
	aminaID := strings.TrimPrefix(amina, "/persons/")

	clMust(t, hou.get(housing), http.StatusOK, `data-testid="no-home"`, `data-testid="new-lease-form"`, "Storgata 1", "Amina Haidari")
	clMust(t, cw.get(housing), http.StatusOK, `data-testid="no-home"`)
	if strings.Contains(cw.get(housing).Body, "new-lease-form") {
		t.Error("a caseworker sees the lease form")
	}
	clMust(t, health.get(housing), http.StatusForbidden)
	clMust(t, vest.get(housing), http.StatusNotFound)
	clMust(t, cw.get(amina), http.StatusOK, "Ingen bolig registrert")

	// Bad input: 422 keeps what was typed.
	good := url.Values{"unit": {hu}, "tenant": {aminaID}, "start": {"2026-03-10"}, "rent": {"9 500"}, "security": {"deposit"}, "security_amount": {"28 500"}}
	bad := url.Values{"unit": {hu}, "start": {"2026-03-10"}, "rent": {"ni tusen"}, "security": {"deposit"}}
	clMust(t, hou.post(housing+"/leases", bad), http.StatusUnprocessableEntity, `value="ni tusen"`, "Husleie må være et beløp", "Beløp for depositum")
	clMust(t, cw.post(housing+"/leases", good), http.StatusForbidden)
	clMust(t, vest.post(housing+"/leases", good), http.StatusNotFound)
	clMust(t, vest.post(housing+"/leases", bad), http.StatusNotFound)
	r := hou.post(housing+"/leases", good)
	if r.Status != http.StatusSeeOther || r.Location != housing {
		t.Fatalf("create: %d %q\n%.2000s", r.Status, r.Location, r.Body)
	}
	clMust(t, hou.get(housing), http.StatusOK, "Boligen er leid ut", `data-testid="lease-tenant"`, "Amina Haidari", "9 500", "Depositum 28 500")
	// The unit is full: another household is refused with the rule's message.
	g2 := url.Values{"unit": {hu}, "start": {"2026-04-01"}, "rent": {"9000"}}
	clMust(t, hou.post(hh2+"/housing/leases", g2), http.StatusUnprocessableEntity, "fullt utleid")

	var lid string
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT id::text FROM leases WHERE housing_unit_id = $1`, hu).Scan(&lid); err != nil {
		t.Fatal(err)
	}
	lease := housing + "/leases/" + lid
	// Stale version: 409; bad end: 422; ok: 303.
	clMust(t, hou.post(lease, url.Values{"end": {"2026-06-01"}, "rent": {"9500"}, "version": {"7"}}), http.StatusConflict, "endret av noen andre", `value="2026-06-01"`)
	clMust(t, hou.post(lease, url.Values{"end": {"2026-01-01"}, "rent": {"9500"}, "version": {"1"}}), http.StatusUnprocessableEntity, "Sluttdato kan ikke være før startdato")
	clMust(t, hou.post(hh2+"/housing/leases/"+lid, url.Values{"end": {"2026-06-01"}, "rent": {"9500"}, "version": {"1"}}), http.StatusNotFound)
	clMust(t, vest.post(lease, url.Values{"rent": {"9500"}, "version": {"1"}}), http.StatusNotFound)
	clMust(t, cw.post(lease, url.Values{"rent": {"9500"}, "version": {"1"}}), http.StatusForbidden)
	if r := hou.post(lease, url.Values{"rent": {"9500"}, "arrears": {"1"}, "version": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("arrears: %d\n%.2000s", r.Status, r.Body)
	}

	// Checklist.
	clMust(t, hou.post(lease+"/checklist", url.Values{"phase": {"move_in"}, "item": {"keys"}, "done_on": {"2099-01-01"}}), http.StatusUnprocessableEntity, "fremtiden")
	clMust(t, vest.post(lease+"/checklist", url.Values{"phase": {"move_in"}, "item": {"keys"}, "done_on": {"2099-01-01"}}), http.StatusNotFound)
	if r := hou.post(lease+"/checklist", url.Values{"phase": {"move_in"}, "item": {"keys"}, "done_on": {"2026-03-10"}, "note": {"To nøkler"}, "version": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("checklist: %d\n%.2000s", r.Status, r.Body)
	}
	// A form based on the old version: 409 with what is stored now, the typed note kept.
	clMust(t, hou.post(lease+"/checklist", url.Values{"phase": {"move_in"}, "item": {"keys"}, "note": {"Tre nøkler"}, "version": {"1"}}), http.StatusConflict,
		"Lagret nå: utført 10.03.2026", "To nøkler", `value="Tre nøkler"`)
	clMust(t, hou.post(lease+"/checklist", url.Values{"phase": {"move_in"}, "item": {"keys"}, "note": {"Tre nøkler"}}), http.StatusUnprocessableEntity, "mangler versjon")

	// Caseworkers read the home, the checklist and the history, without forms.
	page := cw.get(housing)
	clMust(t, page, http.StatusOK, "Storgata 1", "Nøkler: utført 10.03.2026 (To nøkler)", `data-testid="lease-arrears">Ja`)
	for _, form := range []string{"new-lease-form", "edit-lease", "save-check"} {
		if strings.Contains(page.Body, form) {
			t.Errorf("a caseworker sees %s", form)
		}
	}
	// The person page shows the home; a person without a household has none.
	clMust(t, cw.get(hh), http.StatusOK, `data-testid="household-housing"`)
	clMust(t, cw.get(amina), http.StatusOK, "Bolig: Storgata 1 (fra 10.03.2026)", `href="`+housing+`"`)
	clMust(t, cw.get(alone), http.StatusOK, "Ingen bolig registrert")
	if strings.Contains(health.get(amina).Body, "home-section") {
		t.Error("health sees the home section")
	}

	// Closing Amina's case offers to end the household's lease.
	clMust(t, cw.get(amina+"/close"), http.StatusOK, `data-testid="close-leases"`, `href="`+housing+`"`)
	clMust(t, cw.get(berg+"/close"), http.StatusOK)
	if strings.Contains(cw.get(berg+"/close").Body, "close-leases") {
		t.Error("close notice without a lease")
	}
	// End the lease: the unit is vacant and the other household may move in on the move-out day.
	if r := hou.post(lease, url.Values{"end": {"2026-04-01"}, "rent": {"9500"}, "version": {"2"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("end: %d\n%.2000s", r.Status, r.Body)
	}
	if r := hou.post(hh2+"/housing/leases", g2); r.Status != http.StatusSeeOther {
		t.Fatalf("after end: %d\n%.2000s", r.Status, r.Body)
	}
	clMust(t, cw.get(housing), http.StatusOK, `data-testid="no-home"`, "Andre leieforhold", "10.03.2026 – 01.04.2026")
}
