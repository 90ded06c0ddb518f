package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestHousingSupportPages(t *testing.T) {
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
	support := hh + "/housing/support"

	clMust(t, hou.get(hh+"/housing"), http.StatusOK, `data-testid="support-link"`)
	clMust(t, hou.get(support), http.StatusOK, `data-testid="no-guidance"`, `data-testid="no-husbanken"`, `data-testid="guidance-form"`, `data-testid="husbanken-form"`)
	if b := cw.get(support); b.Status != http.StatusOK || strings.Contains(b.Body, "guidance-form") {
		t.Fatalf("caseworker: %d", b.Status)
	}
	clMust(t, health.get(support), http.StatusForbidden)
	clMust(t, vest.get(support), http.StatusNotFound)

	// Guidance: 422 keeps input, 403 for caseworkers, 404 for another unit, 303.
	badG := url.Values{"held_on": {"2025-13-40"}, "topics": {"waste"}, "note": {"Mitt notat"}}
	goodG := url.Values{"held_on": {"2025-10-01"}, "topics": {"waste", "fire_safety"}, "interpreter": {"1"}, "note": {"Mitt notat"}}
	clMust(t, hou.post(hh+"/housing/guidance", badG), http.StatusUnprocessableEntity, `value="2025-13-40"`, "Mitt notat", "gyldig dato")
	clMust(t, hou.post(hh+"/housing/guidance", url.Values{"held_on": {"2025-10-01"}}), http.StatusUnprocessableEntity, "Velg minst ett tema")
	clMust(t, cw.post(hh+"/housing/guidance", goodG), http.StatusForbidden)
	clMust(t, vest.post(hh+"/housing/guidance", goodG), http.StatusNotFound)
	clMust(t, vest.post(hh+"/housing/guidance", badG), http.StatusNotFound)
	if r := hou.post(hh+"/housing/guidance", goodG); r.Status != http.StatusSeeOther || r.Location != support {
		t.Fatalf("guidance: %d %q\n%.2000s", r.Status, r.Location, r.Body)
	}
	clMust(t, hou.get(support), http.StatusOK, "Boveiledningen er registrert", "01.10.2025", "Avfall og kildesortering, Brannsikkerhet", "tolk brukt")

	// Husbanken: create.
	badA := url.Values{"scheme": {"start_loan"}, "applied_on": {"2025-09-01"}, "decision": {"granted"}, "amount": {"mye penger"}}
	goodA := url.Values{"scheme": {"housing_allowance"}, "applied_on": {"2025-09-01"}}
	clMust(t, hou.post(hh+"/housing/husbanken", badA), http.StatusUnprocessableEntity, `value="mye penger"`, "Vedtaksdato må fylles ut")
	clMust(t, cw.post(hh+"/housing/husbanken", goodA), http.StatusForbidden)
	clMust(t, vest.post(hh+"/housing/husbanken", goodA), http.StatusNotFound)
	if r := hou.post(hh+"/housing/husbanken", goodA); r.Status != http.StatusSeeOther || r.Location != support {
		t.Fatalf("husbanken: %d %q\n%.2000s", r.Status, r.Location, r.Body)
	}
	var aid string
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT id::text FROM husbanken_applications`).Scan(&aid); err != nil {
		t.Fatal(err)
	}
	appURL := hh + "/housing/husbanken/" + aid
	dec := url.Values{"decision": {"granted"}, "decided_on": {"2025-10-15"}, "amount": {"3 500"}, "next_review": {"2026-09-01"}, "version": {"1"}}
	clMust(t, cw.post(appURL, dec), http.StatusForbidden)
	clMust(t, vest.post(appURL, dec), http.StatusNotFound)
	clMust(t, hou.post(hh+"/housing/husbanken/999999", dec), http.StatusNotFound)
	clMust(t, hou.post(appURL, url.Values{"decision": {"granted"}, "decided_on": {"2025-08-01"}, "amount": {"3 500"}, "version": {"1"}}),
		http.StatusUnprocessableEntity, "før søknadsdato", `value="3 500"`)
	if r := hou.post(appURL, dec); r.Status != http.StatusSeeOther {
		t.Fatalf("decision: %d\n%.2000s", r.Status, r.Body)
	}
	clMust(t, hou.get(support), http.StatusOK, "Søknaden er lagret", "Innvilget", "3 500 kr", "01.09.2026")
	// Stale version: 409 keeps the input.
	dec.Set("amount", "4 000")
	clMust(t, hou.post(appURL, dec), http.StatusConflict, "endret av noen andre", `value="4 000"`)
}
