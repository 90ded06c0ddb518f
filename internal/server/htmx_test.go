package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ankomst/internal/domain"
)

// hxPost sends a form post the way htmx does: same origin, HX-Request.
func (c *client) hxPost(path string, form url.Values) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.app.TS.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("HX-Request", "true")
	return c.do(req)
}

// mustBeFragment fails unless the answer is a bare fragment: no document,
// no layout, no search form (which must stay in the page, holding focus).
func mustBeFragment(t *testing.T, what string, r response) {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("%s: status %d, want 200", what, r.Status)
	}
	if r.Location != "" {
		t.Errorf("%s: redirected to %s", what, r.Location)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	for _, not := range []string{"<!doctype", "<html", "<head", "<body", "app-header", `role="search"`, `type="search"`} {
		if strings.Contains(strings.ToLower(r.Body), strings.ToLower(not)) {
			t.Errorf("%s: the fragment holds %s", what, not)
		}
	}
}

func TestHTMXPersonSearchByName(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	f := validPersonForm(nid(300))
	f.Set("given_name", "Zoë")
	f.Set("family_name", "Ødegård")
	zoe := createPerson(t, c, f)
	amina := createPerson(t, c, validPersonForm(nid(301)))

	// The full page's live search targets the container the fragment brings.
	page := c.get("/persons?view=all")
	mustContain(t, "list page", page.Body, `hx-post="/persons/search"`, `hx-target="#person-results"`,
		`hx-trigger="input changed delay:300ms"`, `hx-swap="outerHTML"`, `id="person-results"`,
		`id="person-count"`, `aria-live="polite"`, `>2 deltakere</p>`)

	r := c.hxPost("/persons/search", url.Values{"q": {"odeg"}, "view": {"all"}})
	mustBeFragment(t, "name search", r)
	if n := strings.Count(r.Body, `data-testid="person-row"`); n != 1 || !strings.Contains(r.Body, `href="`+zoe+`"`) || strings.Contains(r.Body, amina) {
		t.Errorf("name search: %d rows, want only Zoë:\n%s", n, r.Body)
	}
	// The count, in the live region, swapped out of band (only its text).
	mustContain(t, "name search", r.Body, `id="person-count"`, `role="status"`, `aria-live="polite"`,
		`hx-swap-oob="innerHTML"`, `>1 treff</p>`, `id="person-results"`)
	if got := r.Header.Get("HX-Push-Url"); got != "/persons?q=odeg&view=all" {
		t.Errorf("name search: HX-Push-Url %q, want /persons?q=odeg&view=all", got)
	}
	// The pushed URL is the shareable page of the same search.
	if g := c.get(r.Header.Get("HX-Push-Url")); g.Status != 200 || strings.Count(g.Body, `data-testid="person-row"`) != 1 || !strings.Contains(g.Body, `value="odeg"`) {
		t.Errorf("pushed URL: %d, %d rows", g.Status, strings.Count(g.Body, `data-testid="person-row"`))
	}

	// The list's order travels with the search, into the pushed URL.
	r = c.hxPost("/persons/search", url.Values{"q": {"haidari"}, "view": {"all"}, "sort": {"birth"}, "dir": {"desc"}})
	mustBeFragment(t, "sorted search", r)
	if got := r.Header.Get("HX-Push-Url"); got != "/persons?dir=desc&q=haidari&sort=birth&view=all" {
		t.Errorf("sorted search: HX-Push-Url %q", got)
	}
	if !strings.Contains(r.Body, `aria-sort="descending"`) {
		t.Error("sorted search: the answer is not sorted by birth date, descending")
	}
	if page := c.get("/persons?view=all&sort=birth&dir=desc"); !strings.Contains(page.Body, `name="sort" value="birth"`) || !strings.Contains(page.Body, `name="dir" value="desc"`) {
		t.Error("the search form does not carry the list's order")
	}

	// Clearing the box: the whole selection again, at its plain URL.
	r = c.hxPost("/persons/search", url.Values{"q": {""}, "view": {"all"}})
	mustBeFragment(t, "empty query", r)
	if n := strings.Count(r.Body, `data-testid="person-row"`); n != 2 {
		t.Errorf("empty query: %d rows, want 2", n)
	}
	if got := r.Header.Get("HX-Push-Url"); got != "/persons?view=all" {
		t.Errorf("empty query: HX-Push-Url %q", got)
	}
	mustContain(t, "empty query", r.Body, `>2 deltakere</p>`)

	// No hits: the empty state and "Ingen treff".
	r = c.hxPost("/persons/search", url.Values{"q": {"finnesikke"}, "view": {"all"}})
	mustBeFragment(t, "no hits", r)
	mustContain(t, "no hits", r.Body, `data-testid="empty-state"`, `>Ingen treff</p>`, "Ingen deltakere passer søket")
}

func TestHTMXPersonSearchByIdentityNumber(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	f := validPersonForm(nid(300))
	f.Set("given_name", "Zoë")
	f.Set("family_name", "Ødegård")
	f.Set("duf_number", "202412345678")
	zoe := createPerson(t, c, f)
	createPerson(t, c, validPersonForm(nid(301)))
	id := nid(300)

	for _, q := range []string{id, id[:6] + " " + id[6:] /* typed with a space */, "202412345678"} {
		r := c.hxPost("/persons/search", url.Values{"q": {q}, "view": {"all"}})
		mustBeFragment(t, "identity number search", r)
		if n := strings.Count(r.Body, `data-testid="person-row"`); n != 1 || !strings.Contains(r.Body, `href="`+zoe+`"`) {
			t.Errorf("search %q: %d rows, want Zoë", q, n)
		}
		if _, ok := r.Header["Hx-Push-Url"]; ok {
			t.Errorf("search %q: HX-Push-Url %q: an identity number must not reach the URL", q, r.Header.Get("HX-Push-Url"))
		}
		if strings.Contains(r.Body, id) || strings.Contains(r.Body, "202412345678") {
			t.Errorf("search %q: the number is echoed in the answer", q)
		}
		mustContain(t, "identity number search", r.Body, `>1 treff</p>`)
	}
	// While an identity number is being typed, its first digits are no name
	// to share either: no push, and no link carries them.
	for _, q := range []string{id[:1], id[:6], id[:10], id + "9", "Zoë 1990"} {
		r := c.hxPost("/persons/search", url.Values{"q": {q}, "view": {"all"}})
		mustBeFragment(t, "partial number", r)
		if _, ok := r.Header["Hx-Push-Url"]; ok {
			t.Errorf("search %q: HX-Push-Url %q", q, r.Header.Get("HX-Push-Url"))
		}
		if strings.Contains(r.Body, "q="+url.QueryEscape(q)) {
			t.Errorf("search %q: a link carries the query", q)
		}
	}
	// Without JavaScript, a query with digits is answered in place as well.
	r := c.post("/persons/search", url.Values{"q": {id[:10]}, "view": {"all"}})
	if r.Status != http.StatusOK || r.Location != "" || strings.Contains(r.Body, id[:10]) {
		t.Errorf("plain search of 10 digits: %d %q, echoed=%v", r.Status, r.Location, strings.Contains(r.Body, id[:10]))
	}
}

func TestHTMXPlainSearchUnchanged(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	f := validPersonForm(nid(300))
	f.Set("family_name", "Ødegård")
	zoe := createPerson(t, c, f)

	// A name: 303 to the shareable GET URL, no htmx headers.
	r := c.post("/persons/search", url.Values{"q": {"odegard"}, "view": {"all"}})
	if r.Status != http.StatusSeeOther || r.Location != "/persons?q=odegard&view=all" {
		t.Fatalf("plain name search: %d %s", r.Status, r.Location)
	}
	if r.Header.Get("HX-Push-Url") != "" {
		t.Error("plain name search sent HX-Push-Url")
	}
	// A national ID: the whole page, answered in place.
	r = c.post("/persons/search", url.Values{"q": {nid(300)}, "view": {"all"}})
	if r.Status != http.StatusOK || r.Location != "" {
		t.Fatalf("plain national ID search: %d %s", r.Status, r.Location)
	}
	mustContain(t, "plain national ID search", r.Body, "<!doctype html>", `role="search"`, `data-testid="person-row"`, `href="`+zoe+`"`, `>1 treff</p>`)
	if strings.Contains(r.Body, nid(300)) || r.Header.Get("HX-Push-Url") != "" {
		t.Error("plain national ID search echoed the number or sent HX-Push-Url")
	}
	// The GET list is the whole page.
	if g := c.get("/persons?q=odegard&view=all"); !strings.Contains(g.Body, "<!doctype html>") || strings.Count(g.Body, `data-testid="person-row"`) != 1 {
		t.Error("GET /persons?q= is not the whole page with the hit")
	}
}

func TestHTMXLoadedWhereUsed(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	amina := createPerson(t, c, personForm(1, "Amina", "Haidari"))
	hh := createHousehold(t, c, amina, "Familien Haidari")

	const script = `<script src="/static/vendor/htmx.min.js" defer></script>`
	for _, p := range []string{"/persons", hh} {
		b := c.get(p).Body
		mustContain(t, p, b, script, `<meta name="htmx-config"`, `&#34;allowEval&#34;:false`,
			`&#34;historyCacheSize&#34;:0`, `&#34;includeIndicatorStyles&#34;:false`)
		if strings.Contains(b, "hx-on") || strings.Contains(b, "hx-vars") || strings.Contains(b, "js:") {
			t.Errorf("%s: an htmx attribute that needs eval", p)
		}
	}
	for _, p := range []string{"/persons/new", amina, "/households", "/deadlines"} {
		if b := c.get(p).Body; strings.Contains(b, "htmx") {
			t.Errorf("%s loads htmx but does not use it", p)
		}
	}
	// The CSP is unchanged: no eval, no inline script.
	if csp := c.get("/persons").Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP %q", csp)
	}
}

func TestHTMXSessionEnded(t *testing.T) {
	app := newTestApp(t)
	c := app.client() // never logged in, as after the idle timeout
	r := c.hxPost("/persons/search", url.Values{"q": {"amina"}})
	if r.Status != http.StatusUnauthorized || r.Header.Get("HX-Redirect") != "/login" {
		t.Errorf("live search without a session: %d HX-Redirect=%q, want 401 to /login", r.Status, r.Header.Get("HX-Redirect"))
	}
	if strings.Contains(r.Body, "<form") {
		t.Error("the login page was sent to be swapped into the results")
	}
	if r := c.post("/persons/search", url.Values{"q": {"amina"}}); r.Status != http.StatusSeeOther || r.Location != "/login" {
		t.Errorf("plain search without a session: %d %s", r.Status, r.Location)
	}
}

func TestHTMXHouseholdPicker(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	amina := createPerson(t, c, personForm(1, "Amina", "Haidari"))
	reza := createPerson(t, c, personForm(2, "Reza", "Haidari"))
	createPerson(t, c, personForm(3, "Ahmad", "Karimi"))
	hh := createHousehold(t, c, amina, "Familien Haidari")

	page := c.get(hh)
	mustContain(t, "household page", page.Body, `hx-post="`+hh+`/search"`, `hx-target="#picker-found"`, `id="picker-found"`, `id="picker-count"`)

	r := c.hxPost(hh+"/search", url.Values{"q": {"haidari"}})
	mustBeFragment(t, "picker by name", r)
	if n := strings.Count(r.Body, `data-testid="candidate"`); n != 2 {
		t.Errorf("picker by name: %d candidates, want Amina and Reza", n)
	}
	mustContain(t, "picker by name", r.Body, `id="picker-found"`, `>2 treff</p>`, `hx-swap-oob="innerHTML"`,
		`name="person_id" value="`+pid(reza)+`"`, `data-testid="add-form"`)
	if strings.Contains(r.Body, "member-table") || strings.Contains(r.Body, "Familiegjenforening") {
		t.Error("picker by name: the fragment holds more of the page than the picker's results")
	}
	if got := r.Header.Get("HX-Push-Url"); got != hh+"?q=haidari#add-member" {
		t.Errorf("picker by name: HX-Push-Url %q", got)
	}

	r = c.hxPost(hh+"/search", url.Values{"q": {nid(2)}})
	mustBeFragment(t, "picker by national ID", r)
	if n := strings.Count(r.Body, `data-testid="candidate"`); n != 1 || !strings.Contains(r.Body, "Reza Haidari") {
		t.Errorf("picker by national ID: %d candidates, want Reza", n)
	}
	if _, ok := r.Header["Hx-Push-Url"]; ok {
		t.Errorf("picker by national ID: HX-Push-Url %q", r.Header.Get("HX-Push-Url"))
	}
	// Without JavaScript: as before.
	if r := c.post(hh+"/search", url.Values{"q": {"haidari"}}); r.Status != http.StatusSeeOther || r.Location != hh+"?q=haidari#add-member" {
		t.Errorf("plain picker search: %d %s", r.Status, r.Location)
	}
	// Another unit's household: 404 for the live search as well.
	other := app.client()
	app.user("ola@kommune.no", domain.RoleCaseworker, "Vest")
	other.login("ola@kommune.no")
	if r := other.hxPost(hh+"/search", url.Values{"q": {"haidari"}}); r.Status != http.StatusNotFound || strings.Contains(r.Body, "Reza") {
		t.Errorf("live picker search across units: %d", r.Status)
	}
}
