package server_test

// The order of a write handler: the record is resolved in the user's scope
// (and the author checked) before the form is judged. A request about a
// record outside the scope is 404 whatever its body, a note of someone else
// 403, and neither writes anything: no change, no audit row (not even a
// 'view'), no last-seen mark. The same invalid form in scope is refused as
// before (422), also without writing anything.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
)

// scopeState fingerprints every table a refused request must leave alone,
// the audit log and the last-seen marks included.
func scopeState(t *testing.T, app *testApp) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range []string{"persons", "households", "household_members", "case_notes", "deadlines", "tasks", "audit_events", "person_last_seen"} {
		var n int
		var sum *string
		err := app.DB.Pool.QueryRow(context.Background(),
			`SELECT count(*), md5(string_agg(x::text, '|' ORDER BY x::text)) FROM `+table+` x`).Scan(&n, &sum)
		if err != nil {
			t.Fatal(err)
		}
		s := ""
		if sum != nil {
			s = *sum
		}
		out[table] = fmt.Sprintf("%d rows, %s", n, s)
	}
	return out
}

func sameScopeState(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for table, b := range before {
		if after[table] != b {
			t.Errorf("%s changed table %s: before %s, after %s", what, table, b, after[table])
		}
	}
}

type scopeOrderSetup struct {
	app                *testApp
	cw, other, leader  *client
	admin              *client
	fx                 authzFixture
	person, house      string
	closed, note, task string
}

// newScopeOrderSetup registers the matrix's fixture as a caseworker of Øst
// and closes the second person (for reopen); other is a caseworker of Vest.
func newScopeOrderSetup(t *testing.T) scopeOrderSetup {
	t.Helper()
	app := newTestApp(t)
	cwUser := app.user("cw@ost.no", domain.RoleCaseworker, "Øst")
	app.user("cw@vest.no", domain.RoleCaseworker, "Vest")
	app.user("leder@ost.no", domain.RoleLeader, "Øst")
	app.user("admin@vest.no", domain.RoleAdmin, "Vest")
	st := scopeOrderSetup{app: app, cw: app.client(), other: app.client(), leader: app.client(), admin: app.client()}
	st.cw.login("cw@ost.no")
	st.other.login("cw@vest.no")
	st.leader.login("leder@ost.no")
	st.admin.login("admin@vest.no")
	st.fx = newAuthzFixture(t, app, st.cw, cwUser)
	st.person = strconv.FormatInt(st.fx.person, 10)
	st.house = strconv.FormatInt(st.fx.household, 10)
	st.closed = strconv.FormatInt(st.fx.other, 10)
	st.note = strconv.FormatInt(st.fx.note, 10)
	st.task = strconv.FormatInt(st.fx.task, 10)
	today := time.Now().In(domain.Oslo).Format("2006-01-02")
	r := st.cw.post("/persons/"+st.closed+"/close", url.Values{"closed_on": {today}, "close_reason": {"moved"}, "version": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("closing the second person: status %d\n%.2000s", r.Status, r.Body)
	}
	return st
}

// assertNotFound wants the 404 page, naming nothing of the record.
func assertNotFound(t *testing.T, r response, names ...string) {
	t.Helper()
	if r.Status != http.StatusNotFound || !strings.Contains(r.Body, "Fant ikke siden") {
		t.Fatalf("got status %d, want 404 (the not-found page)\n%.1500s", r.Status, r.Body)
	}
	for _, n := range names {
		if strings.Contains(r.Body, n) {
			t.Errorf("the 404 page shows %q", n)
		}
	}
}

func TestScopeBeforeValidation(t *testing.T) {
	st := newScopeOrderSetup(t)
	future := time.Now().In(domain.Oslo).AddDate(0, 0, 10).Format("2006-01-02")

	// Each form is refused by validation in scope; out of scope it must not
	// get that far.
	badPerson := validPersonForm("12345678901") // wrong check digits
	badPerson.Set("given_name", "")
	badPerson.Set("version", "1")
	cases := []struct {
		handler, path string
		form          url.Values
		inScope       int // what the caseworker of Øst gets for the same form
	}{
		{"personUpdate", "/persons/" + st.person, badPerson, http.StatusUnprocessableEntity},
		{"personUpdate without version", "/persons/" + st.person,
			validPersonForm(domain.SyntheticNationalID(time.Date(1990, 4, 12, 0, 0, 0, 0, time.UTC), 501)), http.StatusUnprocessableEntity},
		{"householdUpdate", "/households/" + st.house, url.Values{"name": {"  "}, "version": {"1"}}, http.StatusUnprocessableEntity},
		{"householdUpdate without version", "/households/" + st.house, url.Values{"name": {"Familien Vest"}}, http.StatusUnprocessableEntity},
		{"taskDone without version", "/persons/" + st.person + "/tasks/" + st.task + "/done", url.Values{"done_on": {"2026-03-02"}}, http.StatusUnprocessableEntity},
		{"taskDone in the future", "/persons/" + st.person + "/tasks/" + st.task + "/done", url.Values{"version": {"1"}, "done_on": {future}}, http.StatusUnprocessableEntity},
		{"deadlineDone without version", "/persons/" + st.person + "/deadlines/" + domain.KindProgrammeOffer + "/done", url.Values{"done_on": {"2026-03-02"}}, http.StatusUnprocessableEntity},
		{"deadlineDone bad date", "/persons/" + st.person + "/deadlines/" + domain.KindProgrammeOffer + "/done", url.Values{"version": {"1"}, "done_on": {"31.02.2026"}}, http.StatusUnprocessableEntity},
		{"personReopen bad version", "/persons/" + st.closed + "/reopen", url.Values{"version": {"x"}}, http.StatusUnprocessableEntity},
		{"personReopen without version", "/persons/" + st.closed + "/reopen", url.Values{}, http.StatusUnprocessableEntity},
		{"householdPickerSearch by name", "/households/" + st.house + "/search", url.Values{"q": {"Haidari"}}, http.StatusSeeOther},
		{"householdPickerSearch empty", "/households/" + st.house + "/search", url.Values{}, http.StatusSeeOther},
	}
	for _, tc := range cases {
		t.Run(tc.handler, func(t *testing.T) {
			before := scopeState(t, st.app)
			r := st.other.post(tc.path, tc.form)
			assertNotFound(t, r, "Amina", "Yasin", "Haidari")
			sameScopeState(t, "another unit's POST "+tc.path, before, scopeState(t, st.app))

			// The same form in scope: refused as before, nothing written.
			r = st.cw.post(tc.path, tc.form)
			if r.Status != tc.inScope {
				t.Fatalf("in scope: got status %d, want %d\n%.1500s", r.Status, tc.inScope, r.Body)
			}
			sameScopeState(t, "the in-scope POST "+tc.path, before, scopeState(t, st.app))
		})
	}

	// A record that does not exist at all answers as one in another unit.
	t.Run("missing records", func(t *testing.T) {
		before := scopeState(t, st.app)
		for _, p := range []string{
			"/persons/999999", "/households/999999", "/persons/" + st.person + "/tasks/999999/done",
			"/persons/999999/deadlines/" + domain.KindProgrammeOffer + "/done", "/persons/999999/reopen", "/households/999999/search",
		} {
			assertNotFound(t, st.cw.post(p, url.Values{"version": {"x"}}))
		}
		sameScopeState(t, "POSTs about missing records", before, scopeState(t, st.app))
	})

	// A health deadline: the scope check writes no health read event (as
	// GetDeadline would).
	t.Run("deadlineDone health", func(t *testing.T) {
		st.app.user("helse@ost.no", domain.RoleHealth, "Øst")
		st.app.user("helse@vest.no", domain.RoleHealth, "Vest")
		health, healthOther := st.app.client(), st.app.client()
		health.login("helse@ost.no")
		healthOther.login("helse@vest.no")
		path := "/persons/" + st.person + "/deadlines/" + domain.KindTBScreening + "/done"
		before := scopeState(t, st.app)
		assertNotFound(t, healthOther.post(path, url.Values{}), "Amina")
		if r := health.post(path, url.Values{"done_on": {"2026-03-02"}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("in scope without version: got status %d, want 422\n%.1500s", r.Status, r.Body)
		}
		sameScopeState(t, "refused health deadline marks", before, scopeState(t, st.app))
	})

	// A task of another person in scope is not found through this person.
	t.Run("taskDone through another person", func(t *testing.T) {
		before := scopeState(t, st.app)
		assertNotFound(t, st.cw.post("/persons/"+st.closed+"/tasks/"+st.task+"/done", url.Values{}))
		sameScopeState(t, "a task through the wrong person", before, scopeState(t, st.app))
	})
}

// noteUpdate checks the author before the form: someone else's note is 403
// whatever the form says, as GET …/edit; another unit's is 404.
func TestNoteUpdateAuthorBeforeValidation(t *testing.T) {
	st := newScopeOrderSetup(t)
	path := "/persons/" + st.person + "/notes/" + st.note
	invalid := url.Values{"kind": {"letter"}, "note_date": {"i går"}, "body": {""}, "interpreter_used": {"maybe"}, "version": {"1"}}
	empty := url.Values{}
	for _, form := range []url.Values{invalid, empty} {
		before := scopeState(t, st.app)
		for name, c := range map[string]*client{"leader": st.leader, "admin": st.admin} {
			r := c.post(path, form)
			if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Bare den som skrev notatet") {
				t.Errorf("%s, not the author, form %v: got status %d, want 403 naming the author rule\n%.1500s", name, form, r.Status, r.Body)
			}
			if strings.Contains(r.Body, "Samtale om bosetting") {
				t.Errorf("%s: the 403 page shows the note's text", name)
			}
		}
		assertNotFound(t, st.other.post(path, form), "Samtale om bosetting", "Amina")
		sameScopeState(t, "refused note edits", before, scopeState(t, st.app))

		// The author gets the form back with the errors, nothing written.
		if r := st.cw.post(path, form); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("the author, form %v: got status %d, want 422\n%.1500s", form, r.Status, r.Body)
		}
		sameScopeState(t, "the author's invalid edit", before, scopeState(t, st.app))
	}
}
