package server_test

// Browser tests: the real router on a fresh database, driven by headless
// Chromium through chromedp. They are skipped unless ANKOMST_BROWSER=1; then a
// missing browser is a failure, not a skip.
//
//	ANKOMST_BROWSER=1 go test -count=1 -run Browser -v ./internal/server/
//
// ANKOMST_SCREENSHOTS=DIR also saves full-page PNGs of every page that
// TestBrowserAccessibility checks, at desktop (1280×800) and phone (390×844)
// size, into DIR (a relative DIR is relative to this package's directory).

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ankomst/internal/domain"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const (
	browserExecPath = "/usr/bin/chromium"
	browserTimeout  = 90 * time.Second // per test; a warm run takes seconds

	desktopWidth, desktopHeight = 1280, 800
	phoneWidth, phoneHeight     = 390, 844
)

// axeTags are the WCAG rule sets every page must pass.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// browser is one headless Chromium tab pointed at a testApp.
type browser struct {
	t    *testing.T
	app  *testApp
	ctx  context.Context
	shot string // screenshot directory, or ""
	seq  int    // screenshot sequence number

	mu       sync.Mutex
	jsErrors []string // uncaught exceptions, console errors, CSP violations
}

// skipUnlessBrowser skips the test unless ANKOMST_BROWSER=1.
func skipUnlessBrowser(t *testing.T) {
	t.Helper()
	if os.Getenv("ANKOMST_BROWSER") != "1" {
		t.Skip("browser tests run with ANKOMST_BROWSER=1")
	}
}

// newBrowser starts Chromium with a fresh profile, or skips the test when
// ANKOMST_BROWSER is not 1.
func newBrowser(t *testing.T, app *testApp) *browser {
	t.Helper()
	skipUnlessBrowser(t)
	if _, err := os.Stat(browserExecPath); err != nil {
		t.Fatalf("ANKOMST_BROWSER=1 but no browser: %v", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browserExecPath),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("lang", "nb-NO"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(desktopWidth, desktopHeight),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc) // also waits for the browser to exit, before TempDir's cleanup
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelTab)
	// The first Do starts the browser; it must not carry the test's timeout.
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("start %s: %v", browserExecPath, err)
	}
	ctx, cancel := context.WithTimeout(tabCtx, browserTimeout)
	t.Cleanup(cancel)

	b := &browser{t: t, app: app, ctx: ctx}
	if dir := os.Getenv("ANKOMST_SCREENSHOTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		b.shot = dir
	}
	if err := chromedp.Listen(tabCtx, b.onEvent); err != nil {
		t.Fatal(err)
	}
	b.do("set desktop viewport", chromedp.EmulateViewport(desktopWidth, desktopHeight))
	t.Cleanup(b.checkJSErrors)
	return b
}

// onEvent records script errors; it runs in the tab's event loop, so it is quick.
func (b *browser) onEvent(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg = "uncaught exception: " + ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil {
			msg += " " + ev.ExceptionDetails.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
		}
		msg = "console.error: " + strings.Join(parts, " ")
	case *cdplog.EventEntryAdded:
		// Error statuses (404, 409, 422) and the favicon are network entries:
		// expected. Anything else at error level (a CSP violation, a script
		// error) is a bug.
		if ev.Entry.Level != cdplog.EntryLevelError || ev.Entry.Source == cdplog.EntrySourceNetwork {
			return
		}
		msg = fmt.Sprintf("%s log: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
	default:
		return
	}
	b.mu.Lock()
	b.jsErrors = append(b.jsErrors, msg)
	b.mu.Unlock()
}

func (b *browser) checkJSErrors() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.jsErrors {
		b.t.Errorf("browser reported an error: %s", e)
	}
}

// do runs the steps or fails the test, naming what it was doing.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	defer b.slow(what, time.Now())
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v (at %s)", what, err, b.location())
	}
}

// slow logs a step that took long, to help tell a slow machine from a hang.
func (b *browser) slow(what string, start time.Time) {
	if d := time.Since(start); d > 3*time.Second {
		b.t.Logf("slow step (%v): %s", d.Round(time.Millisecond), what)
	}
}

// location is the tab's current URL, for failure messages.
func (b *browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return loc
}

// open navigates to path (relative to the test server) and returns the status.
func (b *browser) open(path string) int {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.app.TS.URL+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	return int(resp.Status)
}

// submit clicks the element (a submit button or a link), waits for the page it
// leads to and returns that page's status (after any redirect).
func (b *browser) submit(sel string) int {
	b.t.Helper()
	defer b.slow("submit "+sel, time.Now())
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("click %s: %v (at %s)", sel, err, b.location())
	}
	return int(resp.Status)
}

func (b *browser) waitVisible(sel string) {
	b.t.Helper()
	b.do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// typeInto clears a field and types v into it, key by key.
func (b *browser) typeInto(sel, v string) {
	b.t.Helper()
	b.do("type into "+sel, chromedp.Clear(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), v))
}

// setValue sets a select's or a date input's value (typing into a date input
// depends on the browser's locale).
func (b *browser) setValue(sel, v string) {
	b.t.Helper()
	b.do("set "+sel, chromedp.SetValue(chromedp.CSS(sel), v))
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v (at %s)", sel, err, b.location())
	}
	return strings.TrimSpace(s)
}

func (b *browser) value(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("value of %s: %v (at %s)", sel, err, b.location())
	}
	return s
}

// eval evaluates a JavaScript expression (awaiting a promise) into T.
func eval[T any](b *browser, what, js string) T {
	b.t.Helper()
	defer b.slow(what, time.Now())
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: %v (at %s)", what, err, b.location())
	}
	return v
}

// rowTexts is the text of every row of the person table.
func (b *browser) rowTexts() []string {
	b.t.Helper()
	return eval[[]string](b, "read table rows",
		`[...document.querySelectorAll('[data-testid="person-row"]')].map(r => r.innerText)`)
}

// login signs in through the login form and waits for the person list.
func (b *browser) login(email, password string) {
	b.t.Helper()
	if st := b.open("/login"); st != http.StatusOK {
		b.t.Fatalf("GET /login: status %d", st)
	}
	b.typeInto("#email", email)
	b.typeInto("#password", password)
	if st := b.submit(`[data-testid="login-submit"]`); st != http.StatusOK {
		b.t.Fatalf("login as %s: status %d", email, st)
	}
	if strings.Contains(b.location(), "/login/code") { // an enrolled admin or leader
		b.typeInto("#code", b.app.totpCode(email))
		if st := b.submit(`[data-testid="code-submit"]`); st != http.StatusOK {
			b.t.Fatalf("login code as %s: status %d", email, st)
		}
	}
	b.waitVisible(`[data-testid="current-user"]`)
	if loc := b.location(); !strings.Contains(loc, "/persons") {
		b.t.Fatalf("after login at %s, want the person list", loc)
	}
}

// personInput is what a test types into the person form.
type personInput struct {
	Given, Family              string
	Birth, Arrival, Settlement string // yyyy-mm-dd
	Sex, Country, Basis        string // option values
	NationalID                 string
	Languages                  []string
	Interpreter, Dialect       string // Interpreter: a language code, or "" for none
}

// fillPersonForm fills the register/edit form the way a user does.
func (b *browser) fillPersonForm(p personInput) {
	b.t.Helper()
	b.waitVisible(`[data-testid="save-person"]`)
	b.typeInto("#given_name", p.Given)
	b.typeInto("#family_name", p.Family)
	b.setValue("#birth_date", p.Birth)
	b.setValue("#sex", p.Sex)
	b.typeInto("#national_id", p.NationalID)
	b.setValue("#country_of_origin", p.Country)
	b.setValue("#residence_basis", p.Basis)
	b.setValue("#arrival_date", p.Arrival)
	b.setValue("#settlement_date", p.Settlement)
	for _, l := range p.Languages {
		b.do("tick language "+l, chromedp.Click(chromedp.CSS("#lang-"+l)))
	}
	if p.Interpreter != "" {
		b.do("tick interpreter", chromedp.Click(chromedp.CSS("#interpreter_needed")))
		b.waitVisible("#interpreter_language") // app.js shows the details
		b.setValue("#interpreter_language", p.Interpreter)
		b.typeInto("#interpreter_dialect", p.Dialect)
	}
}

// badCheckDigit returns the national ID with a wrong second check digit.
func badCheckDigit(nid string) string {
	last := (int(nid[10]-'0') + 1) % 10
	return nid[:10] + strconv.Itoa(last)
}

func TestBrowserRegisterAndFind(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	b := newBrowser(t, app)

	// Someone else in the unit, assigned to nobody: "Alle i enheten" shows
	// her, "Mine deltakere" does not, and the searches must tell them apart.
	{
		c := app.client()
		c.login("kari@kommune.no")
		f := validPersonForm(domain.SyntheticNationalID(time.Date(1990, 4, 12, 0, 0, 0, 0, time.UTC), 101))
		if r := c.post("/persons", f); r.Status != http.StatusSeeOther {
			t.Fatalf("seed person: status %d", r.Status)
		}
	}

	b.login("kari@kommune.no", testPassword)
	b.waitVisible(`[data-testid="empty-state"]`) // nobody is assigned to Kari yet

	if st := b.submit(`[data-testid="new-person"]`); st != http.StatusOK {
		t.Fatalf("open registration form: status %d", st)
	}
	if h := b.text("h1"); h != "Registrer deltaker" {
		t.Fatalf("form heading %q", h)
	}

	birth := time.Date(1987, 11, 3, 0, 0, 0, 0, time.UTC)
	nid := domain.SyntheticNationalID(birth, 234)
	if _, err := domain.ParseNationalID(nid); err != nil {
		t.Fatalf("synthetic national ID %s: %v", nid, err)
	}
	wrong := badCheckDigit(nid)
	if _, err := domain.ParseNationalID(wrong); err == nil {
		t.Fatalf("%s should have a bad check digit", wrong)
	}
	p := personInput{
		Given: "Zoë", Family: "Ødegård-Haidari", Birth: "1987-11-03", Sex: "female",
		NationalID: wrong, Country: "SY", Basis: "resettlement",
		Arrival: "2025-09-01", Settlement: "2025-09-15",
		Languages: []string{"ar", "en"}, Interpreter: "ar", Dialect: "levantinsk",
	}
	b.fillPersonForm(p)

	// Wrong check digits: the form comes back with the summary, the field's
	// message and everything else as typed.
	if st := b.submit(`[data-testid="save-person"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("submit with bad national ID: status %d, want 422", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	summary := b.text(`[data-testid="error-summary"]`)
	if !strings.Contains(summary, "kontrollsiffer") {
		t.Errorf("error summary %q does not mention the check digit", summary)
	}
	b.waitVisible("#national_id-error")
	if msg := b.text("#national_id-error"); !strings.Contains(msg, "kontrollsiffer") {
		t.Errorf("national ID message %q", msg)
	}
	if inv := eval[string](b, "aria-invalid", `document.querySelector('#national_id').getAttribute('aria-invalid') || ''`); inv != "true" {
		t.Errorf("national ID aria-invalid=%q, want true", inv)
	}
	if n := eval[int](b, "count field errors", `document.querySelectorAll('[data-field="validation"]').length`); n != 1 {
		t.Errorf("%d field messages, want only the national ID's", n)
	}
	// app.js moves focus to the summary so that screen readers announce it.
	if focused := eval[bool](b, "focus", `document.activeElement === document.querySelector('[data-error-summary]')`); !focused {
		t.Errorf("focus is not on the error summary")
	}
	// The summary's link leads to the field.
	if href := eval[string](b, "summary link", `document.querySelector('[data-testid="error-summary"] a').getAttribute('href')`); href != "#national_id" {
		t.Errorf("summary link href %q, want #national_id", href)
	}
	for sel, want := range map[string]string{
		"#given_name": p.Given, "#family_name": p.Family, "#birth_date": p.Birth, "#sex": p.Sex,
		"#national_id": wrong, "#country_of_origin": p.Country, "#residence_basis": p.Basis,
		"#arrival_date": p.Arrival, "#settlement_date": p.Settlement,
		"#interpreter_language": p.Interpreter, "#interpreter_dialect": p.Dialect,
	} {
		if got := b.value(sel); got != want {
			t.Errorf("after the refused submit %s = %q, want %q", sel, got, want)
		}
	}
	for _, sel := range []string{"#lang-ar", "#lang-en", "#interpreter_needed"} {
		if !eval[bool](b, "checked "+sel, `document.querySelector('`+sel+`').checked`) {
			t.Errorf("after the refused submit %s is not checked", sel)
		}
	}
	if eval[bool](b, "checked #lang-fa", `document.querySelector('#lang-fa').checked`) {
		t.Errorf("#lang-fa got checked")
	}

	// Correct the number and submit: the person page shows the new person.
	b.typeInto("#national_id", nid)
	if st := b.submit(`[data-testid="save-person"]`); st != http.StatusOK {
		t.Fatalf("submit corrected form: status %d", st)
	}
	b.waitVisible(`[data-testid="person-name"]`)
	if name := b.text(`[data-testid="person-name"]`); name != "Zoë Ødegård-Haidari" {
		t.Errorf("person page heading %q", name)
	}
	if !regexp.MustCompile(`/persons/\d+$`).MatchString(b.location()) {
		t.Errorf("after registering at %s, want /persons/{id}", b.location())
	}
	personURL := b.location()
	if flash := b.text(`[data-testid="flash"]`); !strings.Contains(flash, "registrert") {
		t.Errorf("flash %q", flash)
	}
	if got := b.text(`[data-testid="national-id"]`); strings.ReplaceAll(got, " ", "") != nid {
		t.Errorf("national ID shown as %q, want %s", got, nid)
	}
	if got := b.text(`[data-testid="languages"]`); got != "Arabisk, Engelsk" {
		t.Errorf("languages %q", got)
	}
	if got := b.text(`[data-testid="interpreter"]`); got != "Ja, Arabisk (levantinsk)" {
		t.Errorf("interpreter %q", got)
	}

	// Back to the list through the main navigation: Kari's own list has Zoë
	// (the form assigned her to Kari), the unit's list has both.
	if st := b.submit(`nav[aria-label="Hovedmeny"] a[href="/persons"]`); st != http.StatusOK {
		t.Fatalf("open list: status %d", st)
	}
	b.waitVisible(`[data-testid="person-table"]`)
	if rows := b.rowTexts(); len(rows) != 1 || !strings.Contains(rows[0], "Ødegård-Haidari, Zoë") {
		t.Fatalf("Kari's list: rows %q, want only Zoë", rows)
	}
	b.submit(`[data-testid="filter-all"]`)
	b.waitVisible(`[data-testid="filter-all"][aria-current="page"]`)
	if rows := b.rowTexts(); len(rows) != 2 {
		t.Fatalf("unit list: rows %q, want 2", rows)
	}
	// A search from the unit's list searches the unit.
	b.typeInto("#q", "haidari")
	if st := b.submit(`[data-testid="search-submit"]`); st != http.StatusOK {
		t.Fatalf("search in unit: status %d", st)
	}
	b.waitVisible(`[data-testid="person-table"]`)
	if rows := b.rowTexts(); len(rows) != 2 {
		t.Errorf("search haidari in the unit: rows %q, want Amina and Zoë", rows)
	}
	if loc, _ := url.Parse(b.location()); loc.Query().Get("view") != "all" {
		t.Errorf("search from the unit's list landed on %s, want view=all", loc)
	}
	b.submit(`[data-testid="filter-mine"]`)
	b.waitVisible(`[data-testid="filter-mine"][aria-current="page"]`)

	// A name search ignores case and accents and matches part of a name; it
	// lands on a shareable GET URL.
	for _, q := range []string{"odegard", "ØDEGÅRD-haid", "zoe", "HAIDARI"} {
		b.typeInto("#q", q)
		if st := b.submit(`[data-testid="search-submit"]`); st != http.StatusOK {
			t.Fatalf("search %q: status %d", q, st)
		}
		b.waitVisible(`[data-testid="person-table"]`)
		rows := b.rowTexts()
		if len(rows) != 1 || !strings.Contains(rows[0], "Ødegård-Haidari, Zoë") {
			t.Errorf("search %q: rows %q, want only Zoë", q, rows)
		}
		loc, _ := url.Parse(b.location())
		if loc.Path != "/persons" || loc.Query().Get("q") != q || loc.Query().Get("view") != "mine" {
			t.Errorf("search %q landed on %s", q, loc)
		}
		if got := b.value("#q"); got != q {
			t.Errorf("search box holds %q after searching %q", got, q)
		}
	}

	// A search that matches nobody (Amina is not Kari's) shows the empty state.
	b.typeInto("#q", "amina")
	b.submit(`[data-testid="search-submit"]`)
	b.waitVisible(`[data-testid="empty-state"]`)

	// A national ID search (typed with a space, as printed) finds the person
	// and never puts the number in the URL.
	b.typeInto("#q", nid[:6]+" "+nid[6:])
	if st := b.submit(`[data-testid="search-submit"]`); st != http.StatusOK {
		t.Fatalf("national ID search: status %d", st)
	}
	b.waitVisible(`[data-testid="person-table"]`)
	rows := b.rowTexts()
	if len(rows) != 1 || !strings.Contains(rows[0], "Ødegård-Haidari, Zoë") {
		t.Errorf("national ID search: rows %q, want only Zoë", rows)
	}
	if loc := b.location(); strings.Contains(loc, nid[:6]) || strings.Contains(loc, nid[6:]) {
		t.Errorf("national ID in the URL %s", loc)
	}
	if links := eval[string](b, "links", `[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')).join(' ')`); strings.Contains(links, nid[6:]) {
		t.Errorf("national ID echoed into a link: %s", links)
	}

	// The row links to the person page.
	if st := b.submit(`[data-testid="person-row"] a`); st != http.StatusOK {
		t.Fatalf("open person from search: status %d", st)
	}
	b.waitVisible(`[data-testid="person-name"]`)
	if loc := b.location(); loc != personURL {
		t.Errorf("row link went to %s, want %s", loc, personURL)
	}
}

// axeViolation is one failed axe-core rule on a page.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []string `json:"target"`
		HTML    string   `json:"html"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

type axeResult struct {
	Violations []axeViolation `json:"violations"`
	Incomplete []axeViolation `json:"incomplete"`
}

// axe injects axe-core (served same-origin, so the page's CSP allows it) and
// runs the WCAG 2.2 AA rule sets on the page.
func (b *browser) axe() axeResult {
	b.t.Helper()
	eval[bool](b, "inject axe-core", `new Promise((resolve, reject) => {
		if (window.axe) return resolve(true);
		const s = document.createElement('script');
		s.src = '/static/vendor/axe.min.js';
		s.onload = () => resolve(true);
		s.onerror = () => reject(new Error('could not load /static/vendor/axe.min.js'));
		document.head.appendChild(s);
	})`)
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`!!window.axe`)); err != nil {
		b.t.Fatalf("wait for window.axe: %v", err)
	}
	tags := `['` + strings.Join(axeTags, `','`) + `']`
	return eval[axeResult](b, "axe.run", `(() => {
		const rules = list => list.map(v => ({
			id: v.id, impact: v.impact || '', help: v.help,
			nodes: v.nodes.map(n => ({
				target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : String(t)),
				html: n.html, summary: n.failureSummary || '',
			})),
		}));
		return axe.run(document, {runOnly: {type: 'tag', values: `+tags+`}})
			.then(r => ({violations: rules(r.violations), incomplete: rules(r.incomplete)}));
	})()`)
}

// checkPage runs axe on the current page at desktop and phone size, checks
// that the phone layout does not scroll sideways and, with
// ANKOMST_SCREENSHOTS, saves both as full-page PNGs.
func (b *browser) checkPage(name string) {
	b.t.Helper()
	b.seq++
	for _, vp := range []struct {
		label         string
		width, height int64
		opts          []chromedp.EmulateViewportOption
	}{
		{"desktop", desktopWidth, desktopHeight, nil},
		{"phone", phoneWidth, phoneHeight, []chromedp.EmulateViewportOption{chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait}},
	} {
		b.do("viewport "+vp.label, chromedp.EmulateViewport(vp.width, vp.height, vp.opts...))
		res := b.axe()
		for _, v := range res.Violations {
			var nodes []string
			for _, n := range v.Nodes {
				nodes = append(nodes, fmt.Sprintf("\n      %s %s\n        %s", strings.Join(n.Target, ", "), n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n        ")))
			}
			b.t.Errorf("%s (%s): axe %s [%s]: %s%s", name, vp.label, v.ID, v.Impact, v.Help, strings.Join(nodes, ""))
		}
		for _, v := range res.Incomplete {
			var targets []string
			for _, n := range v.Nodes {
				targets = append(targets, strings.Join(n.Target, ", "))
			}
			b.t.Logf("%s (%s): axe needs review: %s: %s", name, vp.label, v.ID, strings.Join(targets, "; "))
		}
		if vp.label == "phone" {
			overflow := eval[string](b, "horizontal overflow", `(() => {
				const w = document.documentElement.clientWidth;
				if (document.documentElement.scrollWidth <= w) return '';
				const wide = [...document.querySelectorAll('body *')].filter(e => {
					const r = e.getBoundingClientRect();
					return r.right > w + 1 && !e.closest('.app-table-wrap');
				}).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));
				return document.documentElement.scrollWidth + 'px > ' + w + 'px: ' + wide.join(', ');
			})()`)
			if overflow != "" {
				b.t.Errorf("%s (phone): the page scrolls sideways: %s", name, overflow)
			}
		}
		if b.shot != "" {
			png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
			if err != nil {
				b.t.Fatalf("screenshot %s: %v", name, err)
			}
			file := filepath.Join(b.shot, fmt.Sprintf("%02d-%s-%s.png", b.seq, name, vp.label))
			if err := os.WriteFile(file, png, 0o644); err != nil {
				b.t.Fatal(err)
			}
		}
	}
	b.do("viewport desktop", chromedp.EmulateViewport(desktopWidth, desktopHeight))
}

func TestBrowserAccessibility(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	kari := app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	app.user("ola@kommune.no", domain.RoleCaseworker, "Øst")
	b := newBrowser(t, app)

	// Login page, with the logged-out notice and with an error.
	if st := b.open("/login"); st != http.StatusOK {
		t.Fatalf("login page: status %d", st)
	}
	b.waitVisible("#email")
	b.checkPage("login")

	b.open("/login?logged_out=1")
	b.waitVisible(`[data-testid="login-notice"]`)
	b.checkPage("login-logged-out")

	b.typeInto("#email", "kari@kommune.no")
	b.typeInto("#password", "feil-passord")
	if st := b.submit(`[data-testid="login-submit"]`); st != http.StatusUnauthorized {
		t.Fatalf("wrong password: status %d, want 401", st)
	}
	b.waitVisible(`[data-testid="login-error"]`)
	b.checkPage("login-error")

	// Empty person list.
	b.login("kari@kommune.no", testPassword)
	b.waitVisible(`[data-testid="empty-state"]`)
	b.checkPage("list-empty")

	// Registration form, empty and refused.
	b.submit(`[data-testid="new-person"]`)
	b.waitVisible(`[data-testid="save-person"]`)
	b.checkPage("register")
	if st := b.submit(`[data-testid="save-person"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("empty form: status %d, want 422", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	b.checkPage("register-errors")

	// Some persons, registered through HTTP and assigned to Kari.
	c := app.client()
	c.login("kari@kommune.no")
	kariIDStr := strconv.FormatInt(kari.ID, 10)
	var firstURL string
	for i, name := range [][2]string{{"Amina", "Haidari"}, {"Yonas", "Tesfaye"}, {"Olena", "Kovalenko"}, {"Zoë", "Ødegård-Haidari"}} {
		f := validPersonForm(domain.SyntheticNationalID(time.Date(1980+i, time.Month(1+i), 10+i, 0, 0, 0, 0, time.UTC), 300+i))
		f.Set("given_name", name[0])
		f.Set("family_name", name[1])
		f.Set("caseworker_id", kariIDStr)
		r := c.post("/persons", f)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("seed %s: status %d", name, r.Status)
		}
		if firstURL == "" {
			firstURL = r.Location
		}
	}

	b.open("/persons")
	b.waitVisible(`[data-testid="person-table"]`)
	b.checkPage("list")

	// Keyboard: the first Tab shows the skip link; Enter moves focus to main.
	b.do("press Tab", chromedp.KeyEvent("\t"))
	if skip := eval[string](b, "skip link", `(() => {
		const a = document.activeElement, r = a.getBoundingClientRect();
		return a.classList.contains('ds-skip-link') && r.width > 10 && r.height > 10 ? a.textContent : '';
	})()`); skip != "Hopp til hovedinnhold" {
		t.Errorf("first Tab: focus not on a visible skip link (%q)", skip)
	}
	b.do("press Enter", chromedp.KeyEvent("\r"))
	if id := eval[string](b, "focus after skip", `document.activeElement.id`); id != "main" {
		t.Errorf("skip link moved focus to %q, want main", id)
	}

	b.typeInto("#q", "haidari")
	b.submit(`[data-testid="search-submit"]`)
	b.waitVisible(`[data-testid="person-table"]`)
	b.checkPage("list-search")

	b.typeInto("#q", "finnesikke")
	b.submit(`[data-testid="search-submit"]`)
	b.waitVisible(`[data-testid="empty-state"]`)
	b.checkPage("list-search-empty")

	// Person page and edit form.
	b.open(firstURL)
	b.waitVisible(`[data-testid="person-name"]`)
	b.checkPage("person")

	b.submit(`[data-testid="edit-person"]`)
	b.waitVisible(`[data-testid="save-person"]`)
	b.checkPage("edit")

	// Someone else saves first: the edit comes back as a conflict.
	f := validPersonForm(domain.SyntheticNationalID(time.Date(1980, 1, 10, 0, 0, 0, 0, time.UTC), 300))
	f.Set("caseworker_id", kariIDStr)
	f.Set("family_name", "Haidari-Rahimi")
	f.Set("version", "1")
	if r := c.post(strings.TrimPrefix(firstURL, app.TS.URL), f); r.Status != http.StatusSeeOther {
		t.Fatalf("concurrent edit: status %d", r.Status)
	}
	b.typeInto("#interpreter_dialect", "herati")
	if st := b.submit(`[data-testid="save-person"]`); st != http.StatusConflict {
		t.Fatalf("stale edit: status %d, want 409", st)
	}
	b.waitVisible(`[data-testid="conflict"]`)
	b.checkPage("edit-conflict")

	// Registering a number that is already registered: duplicate warning.
	b.open("/persons/new")
	b.fillPersonForm(personInput{
		Given:      "Amina",
		Family:     "Haidari",
		Birth:      "1980-01-10",
		Sex:        "female",
		NationalID: domain.SyntheticNationalID(time.Date(1980, 1, 10, 0, 0, 0, 0, time.UTC), 300),
		Country:    "AF",
		Basis:      "reception",
	})
	if st := b.submit(`[data-testid="save-person"]`); st != http.StatusConflict {
		t.Fatalf("duplicate: status %d, want 409", st)
	}
	b.waitVisible(`[data-testid="duplicate"]`)
	b.checkPage("register-duplicate")

	// Error pages.
	if st := b.open("/persons/999999"); st != http.StatusNotFound {
		t.Fatalf("unknown person: status %d, want 404", st)
	}
	b.waitVisible(`[data-testid="error-page"]`)
	b.checkPage("not-found")

	if st := b.open("/finnes/ikke"); st != http.StatusNotFound {
		t.Fatalf("unknown path: status %d, want 404", st)
	}
	b.waitVisible(`[data-testid="error-page"]`)

	// The harness itself: axe must see a violation that is there.
	eval[bool](b, "add an unlabelled input", `(() => {
		const i = document.createElement('input');
		i.id = 'axe-self-test';
		document.querySelector('main').append(i);
		return true;
	})()`)
	found := false
	for _, v := range b.axe().Violations {
		for _, n := range v.Nodes {
			found = found || (v.ID == "label" && strings.Join(n.Target, "") == "#axe-self-test")
		}
	}
	if !found {
		t.Errorf("axe did not report the unlabelled input: the accessibility checks are not working")
	}
}
