package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// plSQLWorksite inserts an employer with a worksite of places and a
// supervisor (the register is another module's) and returns their ids.
func plSQLWorksite(t *testing.T, app *testApp, orgnr, name string, places int) (worksite, supervisor int64) {
	t.Helper()
	err := app.DB.Pool.QueryRow(context.Background(), `WITH e AS (INSERT INTO employers (name, orgnr, name_key, sector) VALUES ($1 || ' AS', $2, lower($1), 'kitchen') RETURNING id),
			w AS (INSERT INTO worksites (employer_id, name, places) SELECT id, $1, $3 FROM e RETURNING id, employer_id)
		INSERT INTO employer_contacts (employer_id, worksite_id, name, is_supervisor) SELECT employer_id, id, 'Eva Veileder', true FROM w
		RETURNING worksite_id, id`, name, orgnr, places).Scan(&worksite, &supervisor)
	if err != nil {
		t.Fatal(err)
	}
	return worksite, supervisor
}

var placementPathRe = regexp.MustCompile(`^/persons/\d+/placements/(\d+)$`)

func plForm(ws, sv int64, hours, start, end string) url.Values {
	return url.Values{"worksite_id": {strconv.FormatInt(ws, 10)}, "supervisor_id": {strconv.FormatInt(sv, 10)}, "hours": {hours},
		"weekdays": {"1", "2", "3"}, "start_date": {start}, "planned_end": {end}, "goal": {"work_trial"}, "status": {"active"}}
}

func TestPlacementPages(t *testing.T) {
	app := newTestApp(t)
	app.DB.Now = func() time.Time { return time.Date(2027, 3, 15, 12, 0, 0, 0, time.UTC) }
	cwU := app.user("cw@ost.no", "caseworker", "Øst")
	app.user("cw@vest.no", "caseworker", "Vest")
	app.user("helse@ost.no", "health", "Øst")
	app.user("bolig@ost.no", "housing", "Øst")
	c := app.client()
	c.login("cw@ost.no")
	vest := app.client()
	vest.login("cw@vest.no")
	helse := app.client()
	helse.login("helse@ost.no")
	bolig := app.client()
	bolig.login("bolig@ost.no")

	ws, sv := plSQLWorksite(t, app, "974760673", "Kafé Nord", 3)
	id := grParticipant(t, app, c, 1, "Kari", "Nordmann", cwU.ID, "2027-01-04", 1800) // 30 h
	base := "/persons/" + strconv.FormatInt(id, 10) + "/placements"

	clMust(t, c.get(base), http.StatusOK, `data-testid="no-current"`, `data-testid="new-placement"`)
	clMust(t, c.get(base+"/new"), http.StatusOK, "Kafé Nord – Kafé Nord AS (3 av 3 plasser ledige)", `<optgroup label="Kafé Nord AS">`, "Eva Veileder")
	for _, who := range []*client{helse, bolig} {
		if r := who.get(base); r.Status != http.StatusForbidden {
			t.Errorf("health/housing list: %d", r.Status)
		}
		if r := who.post(base, plForm(ws, sv, "7,5", "2027-03-15", "2027-05-28")); r.Status != http.StatusForbidden {
			t.Errorf("health/housing create: %d", r.Status)
		}
	}
	clMust(t, vest.get(base), http.StatusNotFound)
	clMust(t, vest.post(base, plForm(ws, sv, "mye", "2027-03-15", "2027-05-28")), http.StatusNotFound)

	// Bad input: 422 with what was typed.
	bad := plForm(ws, sv, "mye", "2027-03-15", "2027-03-01")
	bad.Del("weekdays")
	clMust(t, c.post(base, bad), http.StatusUnprocessableEntity, `value="mye"`, "Skriv timer per uke som et tall", "Velg minst én ukedag",
		"Planlagt slutt kan ikke være før startdatoen", `value="2027-03-01"`)
	// Over 37,5 h: 30 h plan + 10 h, the week and the figures named.
	clMust(t, c.post(base, plForm(ws, sv, "10", "2027-03-15", "2027-05-28")), http.StatusUnprocessableEntity,
		"Uke 11 2027: ukeplan 30 t + praksis 10 t = 40 t, over 37,5 t.", `value="10"`)

	r := c.post(base, plForm(ws, sv, "7,5", "2027-03-15", "2027-05-28"))
	m := placementPathRe.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("create: %d %q\n%.2000s", r.Status, r.Location, r.Body)
	}
	page := r.Location
	clMust(t, c.get(page), http.StatusOK, "Praksis hos Kafé Nord (Kafé Nord AS)", "Eva Veileder", "7,5 t, man, tir, ons", "26.04.2027")
	clMust(t, c.get(base), http.StatusOK, `data-testid="placement-row"`, "26.04.2027")
	clMust(t, vest.get(page), http.StatusNotFound)
	clMust(t, helse.get(page), http.StatusForbidden)
	clMust(t, c.get(base+"/999999"), http.StatusNotFound)
	clMust(t, c.get(base+"/abc"), http.StatusNotFound)

	// The plan page counts the placement.
	clMust(t, c.get("/persons/"+strconv.FormatInt(id, 10)+"/programme/plan"), http.StatusOK, "Praksis: Kafé Nord (Kafé Nord AS) 7,5 t", "37,5 t")

	// Edit: stale → 409 with the typed input; out of scope → 404.
	edit := plForm(ws, sv, "5", "2027-03-15", "2027-05-28")
	edit.Set("action", "edit")
	edit.Set("version", "9")
	clMust(t, c.post(page, edit), http.StatusConflict, "Noen andre har endret praksisplassen", `value="5"`, `name="version" value="1"`)
	clMust(t, vest.post(page, edit), http.StatusNotFound)
	edit.Set("hours", "40")
	edit.Set("version", "1")
	clMust(t, c.post(page, edit), http.StatusUnprocessableEntity, `value="40"`, "Timer per uke må være mer enn 0 og høyst 37,5")
	edit.Set("hours", "5")
	clMust(t, c.post(page, edit), http.StatusSeeOther)

	// Follow-ups: bad → 422 keeps input; good → saved.
	clMust(t, c.post(page+"/followups", url.Values{"held_on": {"2027-03-16"}, "participants": {"Eva og Kari"}, "summary": {"Fint"}}),
		http.StatusUnprocessableEntity, "Samtalen kan ikke være i fremtiden", `value="Eva og Kari"`)
	clMust(t, vest.post(page+"/followups", url.Values{"held_on": {"2027-03-15"}, "summary": {"x"}}), http.StatusNotFound)
	clMust(t, c.post(page+"/followups", url.Values{"held_on": {"2027-03-15"}, "participants": {"Eva og Kari"}, "interpreter_used": {"1"},
		"summary": {"Første uke.\nGår fint."}}), http.StatusSeeOther)
	clMust(t, c.get(page), http.StatusOK, `data-testid="followup"`, "Eva og Kari", "med tolk", "Første uke.", "26.04.2027")

	// End: without a date → 422; stale → 409; then ended.
	clMust(t, c.post(page, url.Values{"action": {"end"}, "ended_on": {""}, "version": {"2"}}), http.StatusUnprocessableEntity, "Skriv datoen praksisen sluttet")
	clMust(t, c.post(page, url.Values{"action": {"end"}, "ended_on": {"2027-03-15"}, "version": {"1"}}), http.StatusConflict)
	clMust(t, c.post(page, url.Values{"action": {"end"}, "ended_on": {"2027-03-15"}, "version": {"2"}}), http.StatusSeeOther)
	clMust(t, c.get(page), http.StatusOK, "Avsluttet", "15.03.2027")
	clMust(t, c.get(base), http.StatusOK, `data-testid="placement-history"`)

	// Evaluation: bad → 422; "fikk jobb" → the offer to end the programme.
	clMust(t, c.post(page+"/evaluation", url.Values{"evaluated_on": {"2027-03-15"}, "version": {"0"}}), http.StatusUnprocessableEntity, "Fyll ut minst ett av feltene")
	clMust(t, c.post(page+"/evaluation", url.Values{"evaluated_on": {"2027-03-15"}, "attendance": {"Stabil"}, "got_job": {"1"}, "version": {"0"}}), http.StatusSeeOther)
	r = c.get(page)
	clMust(t, r, http.StatusOK, `data-testid="got-job-offer"`, "/programme/end?end_reason=work", "Stabil")
	clMust(t, c.post(page+"/evaluation", url.Values{"evaluated_on": {"2027-03-15"}, "attendance": {"Endret"}, "version": {"0"}}), http.StatusConflict, ">Endret</textarea>", "Noen andre har lagret evalueringen")
}

func TestProgrammeEndFormPreselectsReason(t *testing.T) {
	app := newTestApp(t)
	app.DB.Now = func() time.Time { return time.Date(2027, 3, 15, 12, 0, 0, 0, time.UTC) }
	cwU := app.user("cw@ost.no", "caseworker", "Øst")
	c := app.client()
	c.login("cw@ost.no")
	id := grParticipant(t, app, c, 1, "Kari", "Nordmann", cwU.ID, "2027-01-04", 0)
	end := "/persons/" + strconv.FormatInt(id, 10) + "/programme/end"
	selected := regexp.MustCompile(`<option value="work" selected`)
	if r := c.get(end + "?end_reason=work"); r.Status != http.StatusOK || !selected.MatchString(r.Body) {
		t.Errorf("end_reason=work not preselected: %d", r.Status)
	}
	if r := c.get(end); selected.MatchString(r.Body) {
		t.Error("preselected without the parameter")
	}
	if r := c.get(end + "?end_reason=bogus"); r.Status != http.StatusOK || strings.Contains(r.Body, `value="bogus"`) {
		t.Errorf("an unknown reason: %d", r.Status)
	}
	// Nothing is saved by the GET.
	var reason *string
	_ = app.DB.Pool.QueryRow(context.Background(), `SELECT end_reason FROM programmes WHERE person_id = $1`, id).Scan(&reason)
	if reason != nil && *reason != "" {
		t.Errorf("the GET saved %q", *reason)
	}
}
