package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// grParticipant registers a person through the form (assigned to caseworker,
// 0: nobody) and gives them a granted programme from start and a plan of
// minutesPerWeek over Monday–Friday (none when 0), with SQL.
func grParticipant(t *testing.T, app *testApp, c *client, i int, given, family string, caseworker int64, start string, minutesPerWeek int) int64 {
	t.Helper()
	_, id := clPerson(t, c, i, given, family, caseworker)
	ctx := context.Background()
	if _, err := app.DB.Pool.Exec(ctx, `INSERT INTO programmes (person_id, decision, decision_date, start_date) VALUES ($1, 'granted', $2::date, $2::date)`, id, start); err != nil {
		t.Fatal(err)
	}
	if minutesPerWeek > 0 {
		if _, err := app.DB.Pool.Exec(ctx, `WITH v AS (INSERT INTO plan_versions (person_id, valid_from) VALUES ($1, $2::date) RETURNING id)
			INSERT INTO plan_elements (plan_version_id, kind, minutes_per_week, weekdays) SELECT id, 'norwegian', $3, '{1,2,3,4,5}' FROM v`,
			id, start, minutesPerWeek); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

var groupPathRe = regexp.MustCompile(`^/groups/(\d+)$`)

func grCreate(t *testing.T, c *client, name string) (string, int64) {
	t.Helper()
	r := c.post("/groups", url.Values{"name": {name}, "contact": {"Lise Lærer"}, "weekdays": {"1", "2", "3"}})
	m := groupPathRe.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("create group: %d %q\n%.2000s", r.Status, r.Location, r.Body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return r.Location, id
}

func TestGroupPages(t *testing.T) {
	app := newTestApp(t)
	cwU := app.user("cw@ost.no", "caseworker", "Øst")
	app.user("cw@vest.no", "caseworker", "Vest")
	app.user("helse@ost.no", "health", "Øst")
	app.user("bolig@ost.no", "housing", "Øst")
	c := app.client()
	c.login("cw@ost.no")
	vest := app.client()
	vest.login("cw@vest.no")

	clMust(t, c.get("/groups"), http.StatusOK, `data-testid="empty-state"`, "Enheten har ingen grupper ennå")
	clMust(t, c.get("/groups/new"), http.StatusOK, `name="weekdays"`)

	// Bad input: 422 keeps what was typed.
	r := c.post("/groups", url.Values{"name": {""}, "contact": {"Lise Lærer"}})
	clMust(t, r, http.StatusUnprocessableEntity, "Skriv navnet på gruppa", "Velg minst én ukedag", `value="Lise Lærer"`)

	path, gid := grCreate(t, c, "Norsk A2")
	clMust(t, c.get(path), http.StatusOK, "Gruppa er opprettet", "Norsk A2", "man, tir, ons", `data-testid="members-empty"`)
	// The same name again in the unit: a clear message, input kept.
	r = c.post("/groups", url.Values{"name": {"norsk a2"}, "weekdays": {"1"}})
	clMust(t, r, http.StatusUnprocessableEntity, "Enheten har allerede en gruppe som heter «norsk a2»")

	// Candidates are participants with a granted programme only.
	kari := grParticipant(t, app, c, 1, "Kari", "Nordmann", cwU.ID, "2026-09-01", 2250)
	_, plain := clPerson(t, c, 2, "Uten", "Program", 0)
	page := c.get(path).Body
	if !strings.Contains(page, "Nordmann, Kari") || strings.Contains(page, "Program, Uten") {
		t.Errorf("the picker offers the wrong persons:\n%s", page)
	}
	r = c.post(path+"/members", url.Values{"person_id": {strconv.FormatInt(plain, 10)}, "joined_on": {"2026-11-02"}})
	clMust(t, r, http.StatusUnprocessableEntity, "har ikke vedtak om introduksjonsprogram")
	r = c.post(path+"/members", url.Values{"person_id": {""}, "joined_on": {"2026-11-02"}})
	clMust(t, r, http.StatusUnprocessableEntity, "Velg en deltaker")
	r = c.post(path+"/members", url.Values{"person_id": {strconv.FormatInt(kari, 10)}, "joined_on": {"2026-11-02"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add member: %d\n%.2000s", r.Status, r.Body)
	}
	clMust(t, c.get(path), http.StatusOK, `data-testid="member-row"`, "Kari Nordmann", "02.11.2026")
	clMust(t, c.get("/groups"), http.StatusOK, `<td data-testid="group-members">1</td>`)
	// A second add of the same person: 409.
	r = c.post(path+"/members", url.Values{"person_id": {strconv.FormatInt(kari, 10)}, "joined_on": {"2026-11-02"}})
	clMust(t, r, http.StatusConflict, "er allerede med i gruppa")

	// Another unit: the group and a forged member are 404.
	vestPerson := grParticipant(t, app, vest, 3, "Ola", "Vest", 0, "2026-09-01", 2250)
	for _, rr := range []response{
		vest.get(path),
		vest.post(path, url.Values{"name": {"X"}, "weekdays": {"1"}, "version": {"1"}}),
		vest.post(path+"/members", url.Values{"person_id": {strconv.FormatInt(vestPerson, 10)}}),
		vest.post(path+"/members/"+strconv.FormatInt(kari, 10)+"/remove", url.Values{"left_on": {"2026-11-20"}}),
		c.post(path+"/members", url.Values{"person_id": {strconv.FormatInt(vestPerson, 10)}, "joined_on": {"2026-11-02"}}),
	} {
		if rr.Status != http.StatusNotFound {
			t.Errorf("another unit: status %d, want 404", rr.Status)
		}
	}
	// Roles without the programme: 403.
	for _, email := range []string{"helse@ost.no", "bolig@ost.no"} {
		o := app.client()
		o.login(email)
		for _, rr := range []response{o.get("/groups"), o.get(path), o.post("/groups", url.Values{"name": {"X"}, "weekdays": {"1"}})} {
			if rr.Status != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403", email, rr.Status)
			}
		}
	}

	// Edit: a stale version is 409 with the stored group; the input stays.
	r = c.post(path, url.Values{"name": {"Norsk B1"}, "contact": {"Per"}, "weekdays": {"2"}, "version": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%.2000s", r.Status, r.Body)
	}
	r = c.post(path, url.Values{"name": {"Norsk C1"}, "weekdays": {"2"}, "version": {"1"}})
	clMust(t, r, http.StatusConflict, `data-testid="conflict"`, "Norsk B1", `value="Norsk C1"`, `name="version" value="2"`)
	r = c.post(path, url.Values{"name": {""}, "weekdays": {"2"}, "version": {"2"}})
	clMust(t, r, http.StatusUnprocessableEntity, "Skriv navnet på gruppa")

	// Remove: the date is required and not before joining; then the member is former.
	rm := path + "/members/" + strconv.FormatInt(kari, 10) + "/remove"
	clMust(t, c.post(rm, url.Values{"left_on": {""}}), http.StatusUnprocessableEntity, "Skriv datoen personen sluttet")
	clMust(t, c.post(rm, url.Values{"left_on": {"2026-11-01"}}), http.StatusUnprocessableEntity, html.EscapeString("kan ikke være før"))
	if r := c.post(rm, url.Values{"left_on": {"2026-11-20"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("remove: %d\n%.2000s", r.Status, r.Body)
	}
	clMust(t, c.get(path), http.StatusOK, `data-testid="former-row"`, "20.11.2026")
	if r := c.post(rm, url.Values{"left_on": {"2026-11-20"}}); r.Status != http.StatusNotFound {
		t.Errorf("removing a former member: %d, want 404", r.Status)
	}
	_ = gid
}
