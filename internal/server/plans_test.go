package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/web/paths"
)

// plGrant gives the person a granted programme from start (today in dlApp
// is Monday 15 June 2026, week 25).
func plGrant(t *testing.T, a *dlApp, personID int64, start string) {
	t.Helper()
	if _, err := a.DB.Pool.Exec(context.Background(), `
		INSERT INTO programmes (person_id, decision, decision_date, start_date) VALUES ($1, 'granted', $2, $2)`,
		personID, start); err != nil {
		t.Fatal(err)
	}
}

// plValid is a 37,5-hour plan from Monday 22 June 2026: Norwegian 15 h
// Mon–Fri, work practice 15 h Mon–Wed, social studies 7,5 h Thu–Fri.
func plValid(key string) url.Values {
	return url.Values{
		"form_key": {key}, "valid_from": {"2026-06-22"},
		"norwegian_hours": {"15"}, "norwegian_days": {"1", "2", "3", "4", "5"}, "norwegian_description": {"Spor 2, modul 3"},
		"work_practice_hours": {"15"}, "work_practice_days": {"1", "2", "3"}, "work_practice_description": {"Kafé Bryggen"},
		"social_studies_hours": {"7,5"}, "social_studies_days": {"4", "5"},
	}
}

var plKeyRe = regexp.MustCompile(`name="form_key" value="([0-9a-f]{32})"`)

func plFormKey(t *testing.T, body string) string {
	t.Helper()
	m := plKeyRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no form key in\n%.2000s", body)
	}
	return m[1]
}

func plVersions(t *testing.T, a *dlApp, personID int64) int {
	t.Helper()
	var n int
	if err := a.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM plan_versions WHERE person_id = $1`, personID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// checked reports whether the checkbox with the id is ticked in the page.
func checked(body, id string) bool {
	return regexp.MustCompile(`<input[^>]*id="` + regexp.QuoteMeta(id) + `"[^>]*checked`).MatchString(body)
}

func TestPlanAccessByRoleAndUnit(t *testing.T) {
	a := newDlApp(t)
	kari := a.as(a.kari)
	_, id := dlPerson(t, kari, 1, "Amal", a.kari, "2026-03-01", "2026-03-10")
	_, other := dlPerson(t, kari, 2, "Yasin", a.kari, "2026-03-01", "2026-03-10")
	plGrant(t, a, id, "2026-06-01")
	plGrant(t, a, other, "2026-06-01")
	r := kari.post(paths.PersonPlan(id), plValid(strings.Repeat("a", 32)))
	clMust(t, r, http.StatusSeeOther)
	var vid int64
	if err := a.DB.Pool.QueryRow(context.Background(), `SELECT id FROM plan_versions WHERE person_id = $1`, id).Scan(&vid); err != nil {
		t.Fatal(err)
	}
	pages := []string{paths.PersonPlan(id), paths.PersonPlanNew(id), paths.PersonPlanVersion(id, vid)}

	for _, u := range []*domain.User{a.health, a.housing} {
		c := a.as(u)
		for _, p := range pages {
			if r := c.get(p); r.Status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d, want 403", u.Email, p, r.Status)
			}
		}
		if r := c.post(paths.PersonPlan(id), plValid(strings.Repeat("b", 32))); r.Status != http.StatusForbidden {
			t.Errorf("%s POST: %d, want 403", u.Email, r.Status)
		}
	}
	per := a.as(a.per) // a caseworker of unit Vest
	for _, p := range pages {
		if r := per.get(p); r.Status != http.StatusNotFound {
			t.Errorf("other unit GET %s: %d, want 404", p, r.Status)
		}
	}
	for _, form := range []url.Values{plValid(strings.Repeat("c", 32)), {}} {
		if r := per.post(paths.PersonPlan(id), form); r.Status != http.StatusNotFound {
			t.Errorf("other unit POST: %d, want 404", r.Status)
		}
	}
	// A version of another person is not found under this one.
	if r := kari.get(paths.PersonPlanVersion(other, vid)); r.Status != http.StatusNotFound {
		t.Errorf("another person's version: %d, want 404", r.Status)
	}
	if r := kari.get(paths.PersonPlan(id) + "/abc"); r.Status != http.StatusNotFound {
		t.Errorf("a malformed version id: %d, want 404", r.Status)
	}
	leader := a.as(a.leader)
	for _, p := range pages {
		if r := leader.get(p); r.Status != http.StatusOK {
			t.Errorf("leader GET %s: %d", p, r.Status)
		}
	}
	if n := plVersions(t, a, id); n != 1 {
		t.Errorf("%d versions, want 1", n)
	}
}

func TestPlanRefusedFormKeepsEveryValue(t *testing.T) {
	a := newDlApp(t)
	kari := a.as(a.kari)
	_, id := dlPerson(t, kari, 1, "Amal", a.kari, "2026-03-01", "2026-03-10")
	plGrant(t, a, id, "2026-06-01")
	key := plFormKey(t, kari.get(paths.PersonPlanNew(id)).Body)
	f := url.Values{
		"form_key": {key}, "valid_from": {"2026-06-22"},
		"norwegian_hours": {"15"}, "norwegian_days": {"1", "3", "5"}, "norwegian_from": {"2026-06-22"}, "norwegian_to": {"2026-12-18"},
		"norwegian_description": {`Spor 2 <b>"kveld"</b>`},
		"work_practice_hours":   {"femten"}, "work_practice_days": {"2"},
		"life_skills_days": {"4"},
		"other_hours":      {"2"}, "other_days": {"1"}, "other_from": {"2026-07-10"}, "other_to": {"2026-07-01"},
		"self_study": {"1"}, "confirm_deviation": {"1"}, "comment": {"Hei & <hallo>"},
	}
	r := kari.post(paths.PersonPlan(id), f)
	clMust(t, r, http.StatusUnprocessableEntity,
		`value="femten"`, `value="2026-06-22"`, `value="2026-12-18"`, `value="2026-07-10"`, `value="2026-07-01"`,
		html.EscapeString(`Spor 2 <b>"kveld"</b>`), "Hei &amp; &lt;hallo&gt;", `value="`+key+`"`,
		"Skriv timer per uke for arbeidspraksis som et tall",
		"Skriv timer per uke for livsmestring, eller fjern avkryssingen",
		"Til-datoen for annet kan ikke være før fra-datoen",
		`href="#work_practice_hours"`, `href="#life_skills_hours"`, `href="#other_to"`)
	for id, want := range map[string]bool{
		"norwegian_days_1": true, "norwegian_days_2": false, "norwegian_days_3": true, "norwegian_days_5": true,
		"work_practice_days_2": true, "work_practice_days_1": false, "life_skills_days_4": true, "other_days_1": true,
		"self_study": true, "confirm_deviation": true,
	} {
		if got := checked(r.Body, id); got != want {
			t.Errorf("checkbox %s checked = %v, want %v", id, got, want)
		}
	}
	if strings.Contains(r.Body, `<b>"kveld"</b>`) {
		t.Error("the description is not escaped")
	}
	if n := plVersions(t, a, id); n != 0 {
		t.Errorf("%d versions after a refusal", n)
	}
}

func TestPlanDeviationNeedsConfirmationAndComment(t *testing.T) {
	a := newDlApp(t)
	kari := a.as(a.kari)
	_, id := dlPerson(t, kari, 1, "Amal", a.kari, "2026-03-01", "2026-03-10")
	plGrant(t, a, id, "2026-06-01")
	f := plValid(strings.Repeat("d", 32))
	f.Set("social_studies_hours", "5") // 35 h a week
	r := kari.post(paths.PersonPlan(id), f)
	clMust(t, r, http.StatusUnprocessableEntity, "uke 26 2026–24 2027: 35 t, 2,5 t under 37,5", `href="#confirm_deviation"`, `data-testid="form-weeks"`)
	f.Set("confirm_deviation", "1")
	r = kari.post(paths.PersonPlan(id), f)
	clMust(t, r, http.StatusUnprocessableEntity, "Forklar i kommentaren")
	if !checked(r.Body, "confirm_deviation") {
		t.Error("the confirmation is not kept")
	}
	f.Set("comment", "Barnehagen har kortere åpningstid i sommer")
	r = kari.post(paths.PersonPlan(id), f)
	clMust(t, r, http.StatusSeeOther)
	page := kari.get(r.Location)
	clMust(t, page, http.StatusOK, "Noen uker avviker fra fulltid", `data-testid="deviations"`, "uke 26 2026–23 2027: 35 t, 2,5 t under 37,5",
		"Barnehagen har kortere åpningstid i sommer")
}

func TestPlanCreateShowAndDoubleSubmit(t *testing.T) {
	a := newDlApp(t)
	kari := a.as(a.kari)
	_, id := dlPerson(t, kari, 1, "Amal", a.kari, "2026-03-01", "2026-03-10")

	// Without a granted decision: a notice, and a refusal that says so.
	clMust(t, kari.get(paths.PersonPlan(id)), http.StatusOK, `data-testid="not-granted"`, domain.PlanNotGranted, `data-testid="no-plan"`)
	clMust(t, kari.get(paths.PersonPlanNew(id)), http.StatusOK, domain.PlanNotGranted)
	clMust(t, kari.post(paths.PersonPlan(id), plValid(strings.Repeat("e", 32))), http.StatusUnprocessableEntity, domain.PlanNotGranted)

	plGrant(t, a, id, "2026-06-01")
	form := kari.get(paths.PersonPlanNew(id))
	// Next Monday is the default start; a 45-minute lesson's note is there.
	clMust(t, form, http.StatusOK, `name="valid_from" value="2026-06-22"`, "45 minutter kan regnes som 75 minutter")
	key := plFormKey(t, form.Body)
	r := kari.post(paths.PersonPlan(id), plValid(key))
	if r.Status != http.StatusSeeOther || r.Location != paths.PersonPlan(id) {
		t.Fatalf("create: %d %q\n%.2000s", r.Status, r.Location, r.Body)
	}
	// The same form again: no second version.
	r = kari.post(paths.PersonPlan(id), plValid(key))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("second submit: %d", r.Status)
	}
	if n := plVersions(t, a, id); n != 1 {
		t.Fatalf("%d versions after a double submit, want 1", n)
	}
	page := kari.get(paths.PersonPlan(id))
	// Today (week 25) no version is in force yet: it starts next Monday.
	clMust(t, page, http.StatusOK, "Ukeplanen var allerede lagret", `data-testid="no-current-plan"`, "Kommer",
		"Uke 26", "37,5 t", `data-testid="plan-history"`)
	if strings.Contains(page.Body, `data-deviates="true"`) {
		t.Error("a 37,5-hour plan shows deviating weeks")
	}
	// A week later it is in force.
	later := time.Date(2026, 6, 23, 10, 0, 0, 0, time.UTC)
	a.DB.Now = func() time.Time { return later }
	page = kari.get(paths.PersonPlan(id))
	clMust(t, page, http.StatusOK, "Gjeldende plan fra 22.06.2026", "Norskopplæring", "man–fre", "Arbeidspraksis", "man, tir, ons",
		"Spor 2, modul 3", "Gjelder nå", "(denne uka)")
	var vid int64
	if err := a.DB.Pool.QueryRow(context.Background(), `SELECT id FROM plan_versions WHERE person_id = $1`, id).Scan(&vid); err != nil {
		t.Fatal(err)
	}
	clMust(t, kari.get(paths.PersonPlanVersion(id, vid)), http.StatusOK, "Ukeplan fra 22.06.2026", "Kafé Bryggen", `data-testid="version-weeks"`, a.kari.Name)
	// The new-version form is prefilled from the version in force.
	next := kari.get(paths.PersonPlanNew(id))
	clMust(t, next, http.StatusOK, `name="valid_from" value="2026-06-29"`, `name="work_practice_hours" value="15"`, `value="Kafé Bryggen"`)
	if !checked(next.Body, "work_practice_days_3") || checked(next.Body, "work_practice_days_4") {
		t.Error("the weekdays are not prefilled")
	}
	if plFormKey(t, next.Body) == key {
		t.Error("a new form reuses the old key")
	}
}
