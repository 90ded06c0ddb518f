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

	"ankomst/internal/domain"

	"github.com/chromedp/chromedp"
)

var householdRe = regexp.MustCompile(`^/households/(\d+)$`)

// personForm is validPersonForm with another name.
func personForm(i int, given, family string) url.Values {
	f := validPersonForm(nid(i))
	f.Set("given_name", given)
	f.Set("family_name", family)
	return f
}

// createHousehold creates a household from a person's page and returns its path.
func createHousehold(t *testing.T, c *client, personPath, name string) string {
	t.Helper()
	r := c.post("/households", url.Values{"name": {name}, "person_id": {strings.TrimPrefix(personPath, "/persons/")}, "joined_on": {"2026-03-01"}})
	if r.Status != http.StatusSeeOther || !householdRe.MatchString(r.Location) {
		t.Fatalf("create household: %d %q %s", r.Status, r.Location, r.Body)
	}
	return r.Location
}

// householdVersion reads a household's version from the database.
func householdVersion(t *testing.T, app *testApp, path string) string {
	t.Helper()
	id, _ := strconv.ParseInt(householdRe.FindStringSubmatch(path)[1], 10, 64)
	var v int
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT version FROM households WHERE id = $1`, id).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(v)
}

func pid(path string) string { return strings.TrimPrefix(path, "/persons/") }

func mustContain(t *testing.T, what string, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func TestHouseholdCreateFromPersonAndList(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")

	// Empty list.
	r := c.get("/households")
	if r.Status != 200 {
		t.Fatalf("list: %d", r.Status)
	}
	mustContain(t, "empty list", r.Body, `data-testid="empty-state"`, `data-testid="new-household"`, `aria-current="page">Husstander`)

	amina := createPerson(t, c, personForm(1, "Amina", "Haidari"))
	// The person page offers to create a household.
	r = c.get(amina)
	mustContain(t, "person page without household", r.Body, `data-testid="no-household"`,
		`href="/households/new?person=`+pid(amina)+`"`)

	r = c.get("/households/new?person=" + pid(amina))
	if r.Status != 200 {
		t.Fatalf("new from person: %d", r.Status)
	}
	mustContain(t, "new household form", r.Body, `value="Familien Haidari"`, `data-testid="head-name">Amina Haidari`,
		`name="person_id" value="`+pid(amina)+`"`, `value="2026-03-01"`) // joined_on defaults to the arrival date

	// Bad input: the form comes back with the input and the messages.
	r = c.post("/households", url.Values{"name": {"  "}, "person_id": {pid(amina)}, "joined_on": {"2026-02-01"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("empty name: %d", r.Status)
	}
	mustContain(t, "refused form", r.Body, `data-testid="error-summary"`, `href="#name"`, "Navn på husstanden må fylles ut",
		`value="2026-02-01"`, `data-testid="head-name">Amina Haidari`)
	// Joining before arrival is refused by the store, with the field's message.
	r = c.post("/households", url.Values{"name": {"Familien Haidari"}, "person_id": {pid(amina)}, "joined_on": {"2026-02-01"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "før ankomst til Norge") || !strings.Contains(r.Body, `id="joined_on-error"`) {
		t.Errorf("joined before arrival: %d", r.Status)
	}
	r = c.post("/households", url.Values{"name": {"Familien Haidari"}, "person_id": {pid(amina)}, "joined_on": {"31.02.2026"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "gyldig dato") {
		t.Errorf("bad date: %d", r.Status)
	}
	if r := c.post("/households", url.Values{"name": {"X"}, "person_id": {"abc"}, "joined_on": {"2026-03-01"}}); r.Status != http.StatusNotFound {
		t.Errorf("bad person id: %d", r.Status)
	}

	hh := createHousehold(t, c, amina, "Familien Haidari")
	r = c.get(hh)
	if r.Status != 200 {
		t.Fatalf("household page: %d", r.Status)
	}
	mustContain(t, "household page", r.Body, `data-testid="flash">Husstanden er opprettet.`, `data-testid="household-name">Familien Haidari`,
		`data-testid="member-row"`, `href="`+amina+`"`, "Hovedperson", "12.04.1990", "01.03.2026", "10.03.2026", "Overføringsflyktning",
		`data-testid="edit-household"`, `data-testid="reunification"`, `data-testid="picker-submit"`)

	// A second household for the same person is refused.
	r = c.post("/households", url.Values{"name": {"Dobbel"}, "person_id": {pid(amina)}, "joined_on": {"2026-03-01"}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "allerede med i husstanden") {
		t.Errorf("second household: %d", r.Status)
	}

	// The person page shows the household.
	r = c.get(amina)
	mustContain(t, "person page", r.Body, `data-testid="household-section"`, `data-testid="household-link"`, `href="`+hh+`"`, "(denne personen)")

	// A household without a person, and one more for the list.
	r = c.post("/households", url.Values{"name": {"Familien Tesfaye"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create without person: %d %s", r.Status, r.Body)
	}
	if r := c.get(r.Location); !strings.Contains(r.Body, `data-testid="members-empty"`) {
		t.Error("an empty household lacks its empty state")
	}

	r = c.get("/households")
	if n := strings.Count(r.Body, `data-testid="household-row"`); n != 2 {
		t.Errorf("list has %d rows, want 2", n)
	}
	mustContain(t, "list", r.Body, "Amina Haidari", `href="`+hh+`"`)
	// Search by a member's name, as a shareable GET URL.
	r = c.post("/households/search", url.Values{"q": {"amina"}})
	if r.Status != http.StatusSeeOther || r.Location != "/households?q=amina" {
		t.Fatalf("name search: %d %s", r.Status, r.Location)
	}
	r = c.get(r.Location)
	if n := strings.Count(r.Body, `data-testid="household-row"`); n != 1 || !strings.Contains(r.Body, "Familien Haidari") {
		t.Errorf("search amina: %d rows", n)
	}
	if r := c.get("/households?q=finnesikke"); !strings.Contains(r.Body, `data-testid="empty-state"`) || !strings.Contains(r.Body, "passer søket") {
		t.Error("a search without hits lacks its empty state")
	}
	// By national ID: answered directly, never in a URL or a link.
	r = c.post("/households/search", url.Values{"q": {nid(1)}})
	if r.Status != 200 || strings.Count(r.Body, `data-testid="household-row"`) != 1 {
		t.Errorf("national ID search: %d", r.Status)
	}
	if strings.Contains(r.Body, nid(1)) {
		t.Error("the national ID was echoed into the page")
	}
	if r := c.get("/households/new?person=abc"); r.Status != http.StatusNotFound {
		t.Errorf("new with a bad person: %d", r.Status)
	}
	if r := c.get("/households/new?person=999999"); r.Status != http.StatusNotFound {
		t.Errorf("new with a missing person: %d", r.Status)
	}
}

func TestHouseholdListPaging(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	for i := 0; i < 55; i++ {
		if r := c.post("/households", url.Values{"name": {"Familien " + strconv.Itoa(100+i)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("create %d: %d", i, r.Status)
		}
	}
	r := c.get("/households")
	if n := strings.Count(r.Body, `data-testid="household-row"`); n != 50 || !strings.Contains(r.Body, `data-testid="next-page"`) || strings.Contains(r.Body, `data-testid="prev-page"`) {
		t.Fatalf("page 1: %d rows", n)
	}
	next := regexp.MustCompile(`href="(/households\?after=\d+)"`).FindStringSubmatch(r.Body)
	if next == nil {
		t.Fatal("no next link")
	}
	r = c.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	if n := strings.Count(r.Body, `data-testid="household-row"`); n != 5 || !strings.Contains(r.Body, "Familien 154") || !strings.Contains(r.Body, `data-testid="prev-page"`) {
		t.Errorf("page 2: %d rows", n)
	}
}

func TestHouseholdRolesAndScope(t *testing.T) {
	app := newTestApp(t)
	app.user("cw-a@k.no", domain.RoleCaseworker, "A")
	app.user("cw-b@k.no", domain.RoleCaseworker, "B")
	app.user("helse@k.no", domain.RoleHealth, "A")
	app.user("bolig@k.no", domain.RoleHousing, "A")
	a := app.client()
	a.login("cw-a@k.no")
	amina := createPerson(t, a, personForm(1, "Amina", "Haidari"))
	alone := createPerson(t, a, personForm(2, "Uten", "Husstand"))
	hh := createHousehold(t, a, amina, "Familien Haidari")
	remove := hh + "/members/" + pid(amina) + "/remove"

	// Read-only roles see the household, but cannot change anything.
	for _, email := range []string{"helse@k.no", "bolig@k.no"} {
		c := app.client()
		c.login(email)
		r := c.get(hh)
		if r.Status != 200 || !strings.Contains(r.Body, "Amina Haidari") {
			t.Errorf("%s view: %d", email, r.Status)
		}
		for _, absent := range []string{`data-testid="edit-household"`, `data-testid="picker-submit"`, `data-testid="reunification"`, `data-testid="remove-member"`} {
			if strings.Contains(r.Body, absent) {
				t.Errorf("%s sees %s", email, absent)
			}
		}
		if r := c.get("/households"); !strings.Contains(r.Body, "Familien Haidari") || strings.Contains(r.Body, `data-testid="new-household"`) {
			t.Errorf("%s list", email)
		}
		if r := c.get(alone); strings.Contains(r.Body, `data-testid="create-household"`) || !strings.Contains(r.Body, `data-testid="no-household"`) {
			t.Errorf("%s is offered to create a household", email)
		}
		v := householdVersion(t, app, hh)
		for _, req := range []struct {
			method, path string
			form         url.Values
		}{
			{"GET", "/households/new", nil},
			{"GET", "/households/new?person=" + pid(alone), nil},
			{"POST", "/households", url.Values{"name": {"X"}}},
			{"GET", hh + "/edit", nil},
			{"POST", hh, url.Values{"name": {"X"}, "version": {v}}},
			{"POST", hh + "/members", url.Values{"person_id": {pid(alone)}, "relation": {"child"}, "joined_on": {"2026-03-01"}, "version": {v}}},
			{"GET", remove, nil},
			{"POST", remove, url.Values{"left_on": {"2026-04-01"}, "version": {v}}},
			{"GET", hh + "/reunification", nil},
			{"POST", hh + "/reunification", personForm(3, "Sara", "Haidari")},
		} {
			var r response
			if req.method == "GET" {
				r = c.get(req.path)
			} else {
				r = c.post(req.path, req.form)
			}
			if r.Status != http.StatusForbidden {
				t.Errorf("%s %s %s: %d, want 403", email, req.method, req.path, r.Status)
			}
		}
	}
	if v := householdVersion(t, app, hh); v != "1" {
		t.Errorf("refused requests changed the household: version %s", v)
	}

	// A caseworker of another unit does not find the household at all.
	b := app.client()
	b.login("cw-b@k.no")
	v := householdVersion(t, app, hh)
	for _, req := range []struct {
		method, path string
		form         url.Values
	}{
		{"GET", hh, nil},
		{"GET", hh + "?q=haidari", nil},
		{"GET", hh + "/edit", nil},
		{"POST", hh, url.Values{"name": {"Kapret"}, "version": {v}}},
		{"POST", hh + "/search", url.Values{"q": {nid(1)}}},
		{"POST", hh + "/members", url.Values{"person_id": {pid(alone)}, "relation": {"child"}, "joined_on": {"2026-03-01"}, "version": {v}}},
		{"GET", remove, nil},
		{"POST", remove, url.Values{"left_on": {"2026-04-01"}, "version": {v}}},
		{"GET", hh + "/reunification", nil},
		{"GET", "/households/new?person=" + pid(alone), nil},
		{"POST", "/households", url.Values{"name": {"Lekk"}, "person_id": {pid(alone)}, "joined_on": {"2026-03-01"}}},
	} {
		var r response
		if req.method == "GET" {
			r = b.get(req.path)
		} else {
			r = b.post(req.path, req.form)
		}
		if r.Status != http.StatusNotFound {
			t.Errorf("unit B %s %s: %d, want 404", req.method, req.path, r.Status)
		}
		if strings.Contains(r.Body, "Haidari") {
			t.Errorf("unit B %s %s leaks a name", req.method, req.path)
		}
	}
	// The reunification POST from unit B: valid form, household not found.
	f := personForm(4, "Sara", "Haidari")
	f.Set("relation", "child")
	f.Set("residence_basis", "family")
	f.Set("version", v)
	if r := b.post(hh+"/reunification", f); r.Status != http.StatusNotFound {
		t.Errorf("unit B reunification: %d", r.Status)
	}
	if r := b.get("/households"); strings.Contains(r.Body, "Haidari") {
		t.Error("unit B's list shows unit A's household")
	}
	// Unit A's picker never offers unit B's persons.
	createPerson(t, b, personForm(5, "Bjørn", "Haidari"))
	if r := a.get(hh + "?q=haidari"); strings.Contains(r.Body, "Bjørn") {
		t.Error("the picker offered a person of another unit")
	}
	if v2 := householdVersion(t, app, hh); v2 != v {
		t.Error("unit B changed the household")
	}
	for _, p := range []string{"/households/abc", "/households/0", "/households/999999", "/households/abc/edit", "/households/1/members/abc/remove"} {
		if r := a.get(p); r.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, r.Status)
		}
	}
}

func TestHouseholdAddAndRemoveMembers(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	amina := createPerson(t, c, personForm(1, "Amina", "Haidari"))
	reza := createPerson(t, c, personForm(2, "Reza", "Haidari"))
	ahmad := createPerson(t, c, personForm(3, "Ahmad", "Karimi"))
	hh := createHousehold(t, c, amina, "Familien Haidari")
	other := createHousehold(t, c, ahmad, "Familien Karimi")

	// The picker: a name search redirects to a GET with the query.
	r := c.post(hh+"/search", url.Values{"q": {"haidari"}})
	if r.Status != http.StatusSeeOther || r.Location != hh+"?q=haidari#add-member" {
		t.Fatalf("picker search: %d %s", r.Status, r.Location)
	}
	r = c.get(hh + "?q=haidari")
	if n := strings.Count(r.Body, `data-testid="candidate"`); n != 2 {
		t.Errorf("%d candidates, want Amina and Reza", n)
	}
	mustContain(t, "picker", r.Body, `data-testid="candidate-here"`, `data-testid="add-form"`, `id="relation-`+pid(reza)+`"`,
		`id="joined_on-`+pid(reza)+`"`, `name="person_id" value="`+pid(reza)+`"`, `name="version" value="1"`, `name="q" value="haidari"`)
	if r := c.get(hh + "?q=karimi"); !strings.Contains(r.Body, `data-testid="candidate-other"`) || !strings.Contains(r.Body, `href="`+other+`"`) {
		t.Error("a member of another household is not marked as such")
	}
	if r := c.get(hh + "?q=finnesikke"); !strings.Contains(r.Body, `data-testid="picker-empty"`) {
		t.Error("a picker search without hits lacks its empty state")
	}
	// By national ID: answered directly, no redirect.
	r = c.post(hh+"/search", url.Values{"q": {nid(2)}})
	if r.Status != 200 || strings.Count(r.Body, `data-testid="candidate"`) != 1 || !strings.Contains(r.Body, "Reza Haidari") {
		t.Errorf("picker by national ID: %d", r.Status)
	}

	add := func(form url.Values) response { return c.post(hh+"/members", form) }
	base := url.Values{"person_id": {pid(reza)}, "relation": {"spouse"}, "joined_on": {"2026-03-05"}, "version": {"1"}, "q": {"haidari"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for key, vals := range base {
			f[key] = append([]string(nil), vals...)
		}
		f.Set(k, v)
		return f
	}
	// Bad input: 422 with the row's input and message kept.
	r = add(with("joined_on", "2099-01-01"))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("future date: %d", r.Status)
	}
	mustContain(t, "refused add", r.Body, `data-testid="error-summary"`, `href="#joined_on-`+pid(reza)+`"`, "fremtiden",
		`value="2099-01-01"`, `id="joined_on-`+pid(reza)+`-error"`, `value="spouse" selected`)
	if r := add(with("relation", "")); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Velg relasjon") {
		t.Errorf("no relation: %d", r.Status)
	}
	if r := add(with("relation", "head")); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "allerede en hovedperson") {
		t.Errorf("second head: %d", r.Status)
	}
	if r := add(with("version", "")); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("no version: %d", r.Status)
	}
	if r := add(with("person_id", "abc")); r.Status != http.StatusNotFound {
		t.Errorf("bad person id: %d", r.Status)
	}
	if r := add(with("person_id", "999999")); r.Status != http.StatusNotFound {
		t.Errorf("missing person: %d", r.Status)
	}
	// A member of another household: 409 with the reason.
	if r := add(with("person_id", pid(ahmad))); r.Status != http.StatusConflict || !strings.Contains(r.Body, "Familien Karimi") {
		t.Errorf("member elsewhere: %d", r.Status)
	}
	// A stale version: 409, the current household, nothing stored.
	if r := add(with("version", "7")); r.Status != http.StatusConflict || !strings.Contains(r.Body, `data-testid="conflict"`) {
		t.Errorf("stale add: %d", r.Status)
	}
	r = add(base)
	if r.Status != http.StatusSeeOther || r.Location != hh {
		t.Fatalf("add: %d %s %s", r.Status, r.Location, r.Body)
	}
	r = c.get(hh)
	if n := strings.Count(r.Body, `data-testid="member-row"`); n != 2 {
		t.Errorf("%d member rows after adding", n)
	}
	mustContain(t, "after add", r.Body, "Personen er lagt til i husstanden", "Ektefelle/<wbr>partner", "05.03.2026")
	// Double submit of the same form: refused as stale, not added twice.
	if r := add(base); r.Status != http.StatusConflict {
		t.Errorf("double submit: %d", r.Status)
	}
	// Reza's own page shows the household with Amina.
	if r := c.get(reza); !strings.Contains(r.Body, `href="`+amina+`"`) || !strings.Contains(r.Body, "Familien Haidari") {
		t.Error("Reza's page lacks the household")
	}

	// Removing: a confirmation page first.
	remove := hh + "/members/" + pid(reza) + "/remove"
	r = c.get(remove)
	if r.Status != 200 {
		t.Fatalf("confirm page: %d", r.Status)
	}
	mustContain(t, "confirm page", r.Body, "Fjerne Reza Haidari fra husstanden?", `data-testid="confirm-remove"`, `name="version" value="2"`, `name="left_on"`)
	if r := c.post(remove, url.Values{"left_on": {"2026-03-04"}, "version": {"2"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "før datoen personen kom") {
		t.Errorf("leaving before joining: %d", r.Status)
	}
	if r := c.post(remove, url.Values{"left_on": {""}, "version": {"2"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `href="#left_on"`) {
		t.Errorf("no date: %d", r.Status)
	}
	r = c.post(remove, url.Values{"left_on": {"2026-04-01"}, "version": {"1"}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, `data-testid="conflict"`) || !strings.Contains(r.Body, `name="version" value="2"`) {
		t.Errorf("stale remove: %d", r.Status)
	}
	if r := c.post(remove, url.Values{"left_on": {"2026-04-01"}, "version": {"2"}}); r.Status != http.StatusSeeOther || r.Location != hh {
		t.Fatalf("remove: %d", r.Status)
	}
	r = c.get(hh)
	if strings.Count(r.Body, `data-testid="member-row"`) != 1 || strings.Count(r.Body, `data-testid="former-row"`) != 1 || !strings.Contains(r.Body, "01.04.2026") {
		t.Error("the household page does not show Reza as a former member")
	}
	if r := c.get(remove); r.Status != http.StatusNotFound {
		t.Errorf("confirming the removal of a former member: %d", r.Status)
	}
	if r := c.get(reza); !strings.Contains(r.Body, `data-testid="no-household"`) {
		t.Error("Reza still shows a household after leaving")
	}
}

func TestHouseholdRenameStale(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	app.user("per@kommune.no", domain.RoleCaseworker, "Øst")
	kari, per := app.client(), app.client()
	kari.login("kari@kommune.no")
	per.login("per@kommune.no")
	hh := createHousehold(t, kari, createPerson(t, kari, personForm(1, "Amina", "Haidari")), "Familien Haidari")

	r := kari.get(hh + "/edit")
	if r.Status != 200 {
		t.Fatalf("edit: %d", r.Status)
	}
	mustContain(t, "edit form", r.Body, `value="Familien Haidari"`, `name="version" value="1"`)
	if r := kari.post(hh, url.Values{"name": {""}, "version": {"1"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "må fylles ut") {
		t.Errorf("empty name: %d", r.Status)
	}
	if r := kari.post(hh, url.Values{"name": {"X"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("no version: %d", r.Status)
	}
	if r := kari.post(hh, url.Values{"name": {"Familien Haidari-Noori"}, "version": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("rename: %d", r.Status)
	}
	r = per.post(hh, url.Values{"name": {"Familien Noori"}, "version": {"1"}})
	if r.Status != http.StatusConflict {
		t.Fatalf("stale rename: %d, want 409", r.Status)
	}
	mustContain(t, "conflict", r.Body, `data-testid="conflict"`, "Familien Haidari-Noori", `value="Familien Noori"`, `name="version" value="2"`)
	if r := kari.get(hh); !strings.Contains(r.Body, "Familien Haidari-Noori") || strings.Contains(r.Body, "Familien Noori<") {
		t.Error("the stale rename changed the household")
	}
	if r := per.post(hh, url.Values{"name": {"Familien Noori"}, "version": {"2"}}); r.Status != http.StatusSeeOther {
		t.Errorf("resubmit on the current version: %d", r.Status)
	}
	// Names are shown escaped.
	if r := kari.post(hh, url.Values{"name": {`<script>alert(1)</script>`}, "version": {"3"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("rename with markup: %d", r.Status)
	}
	r = kari.get(hh)
	if strings.Contains(r.Body, "<script>alert(1)") || !strings.Contains(r.Body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the household name came back unescaped")
	}
}

func TestHouseholdReunification(t *testing.T) {
	app := newTestApp(t)
	kari := app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	amina := createPerson(t, c, personForm(1, "Amina", "Haidari"))
	hh := createHousehold(t, c, amina, "Familien Haidari")

	r := c.get(hh + "/reunification")
	if r.Status != 200 {
		t.Fatalf("form: %d", r.Status)
	}
	mustContain(t, "reunification form", r.Body, `<option value="family" selected`, `name="version" value="1"`,
		`<option value="`+strconv.FormatInt(kari.ID, 10)+`" selected`, `data-testid="save-reunification"`, "Familien Haidari")

	form := personForm(2, "Sara", "Haidari")
	form.Set("residence_basis", "family")
	form.Set("arrival_date", "2026-06-01")
	form.Set("settlement_date", "")
	form.Set("relation", "child")
	form.Set("version", "1")

	// Bad input: no arrival date and no relation; everything typed comes back.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("arrival_date", "")
	bad.Set("relation", "")
	r = c.post(hh+"/reunification", bad)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", r.Status)
	}
	mustContain(t, "refused reunification", r.Body, `data-testid="error-summary"`, `href="#relation"`, `href="#arrival_date"`,
		"Ankomstdato må fylles ut for familiegjenforente", `value="Sara"`, `value="`+nid(2)+`"`, `value="prs" checked`, `<option value="family" selected`)
	var n int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM persons`).Scan(&n)
	if n != 1 {
		t.Errorf("a refused reunification stored a person (%d persons)", n)
	}

	// Stale: someone changed the household meanwhile.
	stale := url.Values{}
	for k, v := range form {
		stale[k] = v
	}
	stale.Set("version", "9")
	r = c.post(hh+"/reunification", stale)
	if r.Status != http.StatusConflict {
		t.Fatalf("stale: %d", r.Status)
	}
	mustContain(t, "stale reunification", r.Body, `data-testid="conflict"`, `data-testid="conflict-members"`, "Amina Haidari", `name="version" value="1"`, `value="Sara"`)

	// Registered, and "register another" comes back to the form.
	form.Set("next", "another")
	r = c.post(hh+"/reunification", form)
	if r.Status != http.StatusSeeOther || r.Location != hh+"/reunification" {
		t.Fatalf("register: %d %s %s", r.Status, r.Location, r.Body)
	}
	r = c.get(r.Location)
	mustContain(t, "form after registering", r.Body, "Sara Haidari er registrert som familiegjenforent", `name="version" value="2"`)

	r = c.get(hh)
	mustContain(t, "household after reunification", r.Body, `data-testid="reunification-tag"`, "Sara Haidari", "01.06.2026", "Familiegjenforent")
	var basis string
	var reunified bool
	app.DB.Pool.QueryRow(context.Background(), `SELECT p.residence_basis, m.reunification FROM persons p JOIN household_members m ON m.person_id = p.id WHERE p.given_name = 'Sara'`).Scan(&basis, &reunified)
	if basis != "family" || !reunified {
		t.Errorf("stored: basis %q reunification %v", basis, reunified)
	}

	// The same national ID again: 409 with a link to the registered person.
	form.Set("version", "2")
	form.Del("next")
	form.Set("given_name", "Annen")
	r = c.post(hh+"/reunification", form)
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, `data-testid="duplicate-link"`) || !strings.Contains(r.Body, `value="Annen"`) {
		t.Errorf("duplicate: %d", r.Status)
	}
	// A second one, registered straight back to the household page.
	form.Set("national_id", nid(3))
	form.Set("relation", "spouse")
	form.Set("given_name", "Reza")
	form.Set("birth_date", "1985-01-01")
	r = c.post(hh+"/reunification", form)
	if r.Status != http.StatusSeeOther || r.Location != hh {
		t.Fatalf("second: %d %s", r.Status, r.Location)
	}
	if r := c.get(hh); strings.Count(r.Body, `data-testid="member-row"`) != 3 || strings.Count(r.Body, `data-testid="reunification-tag"`) != 2 {
		t.Error("the household does not show both reunified members")
	}
	if r := c.get("/households"); !strings.Contains(r.Body, "2 familiegjenforent") {
		t.Error("the list does not count the reunified members")
	}
}

// TestBrowserHouseholds walks through the household pages in Chromium as a
// caseworker does, and runs axe on each (ANKOMST_BROWSER=1; screenshots
// with ANKOMST_SCREENSHOTS=DIR).
func TestBrowserHouseholds(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	b := newBrowser(t, app)
	c := app.client()
	c.login("kari@kommune.no")
	amina := createPerson(t, c, personForm(1, "Amina", "Haidari"))
	reza := createPerson(t, c, personForm(2, "Reza", "Haidari"))
	yonas := createPerson(t, c, personForm(3, "Yonas", "Tesfaye"))
	createHousehold(t, c, yonas, "Familien Tesfaye")

	b.login("kari@kommune.no", testPassword)
	b.submit(`nav[aria-label="Hovedmeny"] a[href="/households"]`)
	b.waitVisible(`[data-testid="household-table"]`)
	b.typeInto("#q", "finnesikke")
	b.submit(`[data-testid="search-submit"]`)
	b.waitVisible(`[data-testid="empty-state"]`)
	b.checkPage("households-search-empty")

	// From Amina's page: create her household.
	b.open(amina)
	b.waitVisible(`[data-testid="no-household"]`)
	b.checkPage("person-no-household")
	if st := b.submit(`[data-testid="create-household"]`); st != http.StatusOK {
		t.Fatalf("new household form: %d", st)
	}
	b.waitVisible(`[data-testid="save-household"]`)
	if got := b.value("#name"); got != "Familien Haidari" {
		t.Errorf("suggested name %q", got)
	}
	b.checkPage("household-new")
	b.typeInto("#name", " ")
	b.setValue("#joined_on", "2026-02-01")
	if st := b.submit(`[data-testid="save-household"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("empty name: %d", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	b.checkPage("household-new-errors")
	b.typeInto("#name", "Familien Haidari")
	b.setValue("#joined_on", "2026-03-01")
	if st := b.submit(`[data-testid="save-household"]`); st != http.StatusOK {
		t.Fatalf("create: %d", st)
	}
	b.waitVisible(`[data-testid="household-name"]`)
	hh := strings.TrimPrefix(b.location(), app.TS.URL)
	if !householdRe.MatchString(hh) {
		t.Fatalf("after creating at %s", hh)
	}
	b.checkPage("household")

	// Add Reza through the picker; a date in the future is refused first.
	b.typeInto("#q", "haidari")
	if st := b.submit(`[data-testid="picker-submit"]`); st != http.StatusOK {
		t.Fatalf("picker: %d", st)
	}
	b.waitVisible(`[data-testid="picker-results"]`)
	b.checkPage("household-picker")
	rid := pid(reza)
	b.setValue("#relation-"+rid, "spouse")
	b.setValue("#joined_on-"+rid, "2099-01-01")
	if st := b.submit(`form:has(#relation-` + rid + `) [data-testid="add-member"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("add with a future date: %d", st)
	}
	b.waitVisible(`#joined_on-` + rid + `-error`)
	b.checkPage("household-add-errors")
	b.setValue("#joined_on-"+rid, "2026-03-05")
	if st := b.submit(`form:has(#relation-` + rid + `) [data-testid="add-member"]`); st != http.StatusOK {
		t.Fatalf("add: %d", st)
	}
	b.waitVisible(`[data-testid="flash"]`)
	if n := eval[int](b, "member rows", `document.querySelectorAll('[data-testid="member-row"]').length`); n != 2 {
		t.Errorf("%d member rows after adding Reza", n)
	}

	// Family reunification: refused empty, then registered.
	b.submit(`[data-testid="reunification"]`)
	b.waitVisible(`[data-testid="save-reunification"]`)
	if got := b.value("#residence_basis"); got != "family" {
		t.Errorf("residence basis preselected %q", got)
	}
	b.checkPage("reunification")
	if st := b.submit(`[data-testid="save-reunification"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("empty reunification: %d", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	b.checkPage("reunification-errors")
	// Everything typed before the refusal is kept; fill in the rest.
	if got := b.value("#residence_basis"); got != "family" {
		t.Errorf("residence basis after the refusal %q", got)
	}
	b.setValue("#relation", "child")
	b.typeInto("#given_name", "Sara")
	b.typeInto("#family_name", "Haidari")
	b.setValue("#birth_date", "2015-03-02")
	b.setValue("#sex", "female")
	b.typeInto("#national_id", domain.SyntheticNationalID(time.Date(2015, 3, 2, 0, 0, 0, 0, time.UTC), 400))
	b.setValue("#country_of_origin", "AF")
	b.setValue("#arrival_date", "2026-06-01")
	b.do("tick Dari", chromedp.Click(chromedp.CSS("#lang-prs")))
	if st := b.submit(`[data-testid="save-reunification"]`); st != http.StatusOK {
		t.Fatalf("reunification: %d", st)
	}
	b.waitVisible(`[data-testid="reunification-tag"]`)
	b.checkPage("household-members")

	// Removal, with its confirmation page.
	b.submit(`[data-testid="member-row"]:nth-child(2) [data-testid="remove-member"]`)
	b.waitVisible(`[data-testid="confirm-remove"]`)
	b.checkPage("household-remove")
	if st := b.submit(`[data-testid="confirm-remove"]`); st != http.StatusOK {
		t.Fatalf("remove: %d", st)
	}
	b.waitVisible(`[data-testid="former-table"]`)

	// Rename, losing a race first.
	b.submit(`[data-testid="edit-household"]`)
	b.waitVisible(`[data-testid="save-household"]`)
	b.checkPage("household-edit")
	if r := c.post(hh, url.Values{"name": {"Familien Haidari-Noori"}, "version": {householdVersion(t, app, hh)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("concurrent rename: %d", r.Status)
	}
	b.typeInto("#name", "Familien Noori")
	if st := b.submit(`[data-testid="save-household"]`); st != http.StatusConflict {
		t.Fatalf("stale rename: %d", st)
	}
	b.waitVisible(`[data-testid="conflict"]`)
	b.checkPage("household-edit-conflict")

	b.open("/households")
	b.waitVisible(`[data-testid="household-table"]`)
	b.checkPage("households")
	b.open(amina)
	b.waitVisible(`[data-testid="household-link"]`)
	b.checkPage("person-household")
}
