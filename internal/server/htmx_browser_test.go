package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"

	"github.com/chromedp/chromedp"
)

// waitJS polls a JavaScript condition until it holds, or fails the test.
func (b *browser) waitJS(what, cond string) {
	b.t.Helper()
	defer b.slow(what, time.Now())
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		b.t.Fatalf("wait for %s (%s): %v (at %s)", what, cond, err, b.location())
	}
}

const rowCountJS = `document.querySelectorAll('[data-testid="person-row"]').length`

func TestBrowserLiveSearch(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	zoeID := domain.SyntheticNationalID(time.Date(1987, 11, 3, 0, 0, 0, 0, time.UTC), 234)
	{
		c := app.client()
		c.login("kari@kommune.no")
		for _, p := range []struct{ given, family, birth, nid string }{
			{"Zoë", "Ødegård-Haidari", "1987-11-03", zoeID},
			{"Amina", "Haidari", "1990-04-13", nid(1)},
			{"Yonas", "Tesfaye", "1990-04-14", nid(2)},
		} {
			f := validPersonForm(p.nid)
			f.Set("given_name", p.given)
			f.Set("family_name", p.family)
			f.Set("birth_date", p.birth)
			createPerson(t, c, f)
		}
	}
	b := newBrowser(t, app)
	b.login("kari@kommune.no", testPassword)
	if st := b.open("/persons?view=all"); st != http.StatusOK {
		t.Fatalf("GET /persons?view=all: %d", st)
	}
	b.waitVisible(`[data-testid="person-table"]`)
	if n := eval[int](b, "rows", rowCountJS); n != 3 {
		t.Fatalf("%d rows, want 3", n)
	}
	// A mark that only survives while the page is not loaded again, and the
	// live region's node, which must stay for announcements to be made.
	eval[bool](b, "mark the page", `window.__samePage = true; window.__count = document.getElementById('person-count'); true`)

	// Typing part of a name: after the pause only the results change.
	b.do("focus the search box", chromedp.Focus(chromedp.CSS("#q")))
	b.do("type haid", chromedp.SendKeys(chromedp.CSS("#q"), "haid"))
	b.waitJS("two hits", rowCountJS+` === 2`)
	if !eval[bool](b, "same page", `window.__samePage === true`) {
		t.Fatal("the live search loaded a new page")
	}
	if !eval[bool](b, "focus", `document.activeElement === document.getElementById('q')`) {
		t.Error("focus left the search box")
	}
	if got := b.value("#q"); got != "haid" {
		t.Errorf("the search box holds %q", got)
	}
	if !eval[bool](b, "live region kept", `window.__count === document.getElementById('person-count') && window.__count.getAttribute('aria-live') === 'polite'`) {
		t.Error("the live region was replaced: screen readers may not announce the count")
	}
	if got := b.text(`[data-testid="result-count"]`); got != "2 treff" {
		t.Errorf("count %q, want 2 treff", got)
	}
	loc, _ := url.Parse(b.location())
	if loc.Path != "/persons" || loc.Query().Get("q") != "haid" || loc.Query().Get("view") != "all" {
		t.Errorf("after a live name search the address is %s, want /persons?q=haid&view=all", loc)
	}
	rows := b.rowTexts()
	if len(rows) != 2 || !strings.Contains(strings.Join(rows, "|"), "Ødegård-Haidari, Zoë") || !strings.Contains(strings.Join(rows, "|"), "Haidari, Amina") {
		t.Errorf("rows %q, want Amina and Zoë", rows)
	}
	b.checkPage("live-search-name")

	// A national ID, typed digit by digit: the person, and not one digit in
	// the address bar, the history or a link.
	hist := eval[int](b, "history length", `history.length`)
	before := b.location()
	// (chromedp.Clear empties the value attribute, not what was typed.)
	eval[bool](b, "clear the search box", `document.getElementById('q').value = ''; true`)
	b.do("type the national ID", chromedp.SendKeys(chromedp.CSS("#q"), zoeID[:6]+" "+zoeID[6:]))
	b.waitJS("one hit", rowCountJS+` === 1 && document.querySelector('[data-testid="result-count"]').textContent === '1 treff'`)
	if rows := b.rowTexts(); len(rows) != 1 || !strings.Contains(rows[0], "Ødegård-Haidari, Zoë") {
		t.Errorf("national ID: rows %q, want Zoë", rows)
	}
	if !eval[bool](b, "same page", `window.__samePage === true`) {
		t.Fatal("the live search loaded a new page")
	}
	if loc := b.location(); loc != before || regexp.MustCompile(`\d{3}`).MatchString(strings.TrimPrefix(loc, app.TS.URL)) {
		t.Errorf("national ID search: the address went from %s to %s", before, loc)
	}
	if h := eval[int](b, "history length", `history.length`); h != hist {
		t.Errorf("national ID search: history grew from %d to %d entries", hist, h)
	}
	if links := eval[string](b, "links", `[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')).join(' ')`); strings.Contains(links, zoeID[:6]) || strings.Contains(links, zoeID[6:]) {
		t.Errorf("national ID echoed into a link: %s", links)
	}
	if n := eval[int](b, "session storage", `sessionStorage.length === 0 ? 0 : (sessionStorage.getItem('htmx-history-cache') || '').length`); n != 0 {
		t.Errorf("htmx kept a copy of the page in sessionStorage (%d characters)", n)
	}
	b.checkPage("live-search-national-id")

	// Back: the page before the name search, loaded from the server (htmx
	// keeps no copies of pages).
	b.do("go back", chromedp.Evaluate[chromedp.Void](`history.back()`))
	back := `!window.__samePage && document.readyState === 'complete' && location.search === '?view=all' && ` + rowCountJS + ` === 3`
	for deadline := time.Now().Add(10 * time.Second); ; { // the reload may interrupt a poll
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](back))
		if err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after going back: not the reloaded page before the search (%v, at %s)", err, b.location())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := b.value("#q"); got != "" {
		t.Errorf("after going back the search box holds %q", got)
	}

	// The button still submits the ordinary way (a page load, a GET URL).
	b.typeInto("#q", "tesfaye")
	if st := b.submit(`[data-testid="search-submit"]`); st != http.StatusOK {
		t.Fatalf("search button: status %d", st)
	}
	b.waitVisible(`[data-testid="person-table"]`)
	if loc, _ := url.Parse(b.location()); loc.Query().Get("q") != "tesfaye" {
		t.Errorf("search button landed on %s", loc)
	}
	if rows := b.rowTexts(); len(rows) != 1 || !strings.Contains(rows[0], "Tesfaye, Yonas") {
		t.Errorf("search button: rows %q", rows)
	}
}

func TestBrowserLivePicker(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	amina := createPerson(t, c, personForm(1, "Amina", "Haidari"))
	createPerson(t, c, personForm(2, "Reza", "Haidari"))
	createPerson(t, c, personForm(3, "Ahmad", "Karimi"))
	hh := createHousehold(t, c, amina, "Familien Haidari")

	b := newBrowser(t, app)
	b.login("kari@kommune.no", testPassword)
	if st := b.open(hh); st != http.StatusOK {
		t.Fatalf("GET %s: %d", hh, st)
	}
	b.waitVisible(`[data-testid="picker-submit"]`)
	eval[bool](b, "mark the page", `window.__samePage = true`)
	b.do("type reza", chromedp.SendKeys(chromedp.CSS("#q"), "reza"))
	b.waitJS("one candidate", `document.querySelectorAll('[data-testid="candidate"]').length === 1`)
	if !eval[bool](b, "same page", `window.__samePage === true`) {
		t.Fatal("the live picker loaded a new page")
	}
	if !eval[bool](b, "focus", `document.activeElement === document.getElementById('q')`) {
		t.Error("focus left the picker's search box")
	}
	if got := b.text(`[data-testid="picker-count"]`); got != "1 treff" {
		t.Errorf("picker count %q", got)
	}
	if loc := strings.TrimPrefix(b.location(), app.TS.URL); loc != hh+"?q=reza#add-member" {
		t.Errorf("picker address %s, want %s?q=reza#add-member", loc, hh)
	}
	b.checkPage("live-picker")

	// Adding the candidate the live search found: the ordinary form.
	b.setValue(`[data-testid="add-form"] select`, "spouse")
	if st := b.submit(`[data-testid="add-member"]`); st != http.StatusOK {
		t.Fatalf("add member: status %d", st)
	}
	b.waitVisible(`[data-testid="flash"]`)
	if n := eval[int](b, "members", `document.querySelectorAll('[data-testid="member-row"]').length`); n != 2 {
		t.Errorf("%d members after adding Reza, want 2", n)
	}
}
