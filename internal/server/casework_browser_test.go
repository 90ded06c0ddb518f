package server_test

// The case-work modules end to end in Chromium (ANKOMST_BROWSER=1; see
// browser_test.go): households, family reunification, case notes with an
// interpreter, and the computed deadlines, as a caseworker meets them.

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"

	"github.com/chromedp/chromedp"
)

// TestBrowserCasework: a caseworker registers a household of three, adds a
// reunified spouse a month later, writes a note with an interpreter, and sees
// the deadlines on the person page; axe-core clean on every page visited.
func TestBrowserCasework(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	// A fixed today, so the deadlines' statuses and the form's date checks
	// are the same on every run.
	now := time.Date(2026, 5, 15, 10, 0, 0, 0, time.UTC)
	app.DB.Now = func() time.Time { return now }
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	b := newBrowser(t, app)

	day := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	const (
		arrival    = "2026-03-20"
		settlement = "2026-03-31" // the end of a month: AddMonths clamps
		// The spouse comes a month after the others.
		spouseArrival    = "2026-04-20"
		spouseSettlement = "2026-04-30"
	)

	if st := b.open("/login"); st != http.StatusOK {
		t.Fatalf("login page: %d", st)
	}
	b.waitVisible("#email")
	b.checkPage("cw-login")
	b.login("kari@kommune.no", testPassword)
	b.waitVisible(`[data-testid="empty-state"]`)
	b.checkPage("cw-list-empty")

	personRe := regexp.MustCompile(`/persons/(\d+)$`)
	// register fills the person form and returns the new person's path.
	register := func(name string, p personInput) string {
		t.Helper()
		if st := b.open("/persons/new"); st != http.StatusOK {
			t.Fatalf("registration form: %d", st)
		}
		b.checkPage("cw-register-" + name)
		b.fillPersonForm(p)
		if st := b.submit(`[data-testid="save-person"]`); st != http.StatusOK {
			t.Fatalf("register %s %s: status %d", p.Given, p.Family, st)
		}
		b.waitVisible(`[data-testid="person-name"]`)
		m := personRe.FindStringSubmatch(b.location())
		if m == nil {
			t.Fatalf("after registering %s at %s, want /persons/{id}", p.Given, b.location())
		}
		if got := b.text(`[data-testid="person-name"]`); got != p.Given+" "+p.Family {
			t.Errorf("person page heading %q, want %s %s", got, p.Given, p.Family)
		}
		b.checkPage("cw-person-" + name)
		return "/persons/" + m[1]
	}

	// The head of the household, then the two children.
	head := register("head", personInput{
		Given: "Khaled", Family: "Haddad", Birth: "1984-07-14", Sex: "male",
		NationalID: domain.SyntheticNationalID(day("1984-07-14"), 501),
		Country:    "SY", Basis: "resettlement", Arrival: arrival, Settlement: settlement,
		Languages: []string{"ar"}, Interpreter: "ar", Dialect: "levantinsk",
	})
	lina := register("child1", personInput{
		Given: "Lina", Family: "Haddad", Birth: "2014-02-03", Sex: "female",
		NationalID: domain.SyntheticNationalID(day("2014-02-03"), 502),
		Country:    "SY", Basis: "resettlement", Arrival: arrival, Settlement: settlement,
		Languages: []string{"ar"},
	})
	omar := register("child2", personInput{
		Given: "Omar", Family: "Haddad", Birth: "2017-09-21", Sex: "male",
		NationalID: domain.SyntheticNationalID(day("2017-09-21"), 503),
		Country:    "SY", Basis: "resettlement", Arrival: arrival, Settlement: settlement,
		Languages: []string{"ar"},
	})

	// The household, created from the head's page.
	b.open(head)
	b.waitVisible(`[data-testid="no-household"]`)
	if st := b.submit(`[data-testid="create-household"]`); st != http.StatusOK {
		t.Fatalf("new household form: %d", st)
	}
	b.waitVisible(`[data-testid="save-household"]`)
	if got := b.value("#name"); got != "Familien Haddad" {
		t.Errorf("suggested household name %q", got)
	}
	if got := b.value("#joined_on"); got != arrival {
		t.Errorf("head joins on %q, want the arrival date %s", got, arrival)
	}
	b.checkPage("cw-household-new")
	if st := b.submit(`[data-testid="save-household"]`); st != http.StatusOK {
		t.Fatalf("create household: %d", st)
	}
	b.waitVisible(`[data-testid="household-name"]`)
	if !householdRe.MatchString(strings.TrimPrefix(b.location(), app.TS.URL)) {
		t.Fatalf("after creating the household at %s", b.location())
	}
	b.checkPage("cw-household")

	// The children join through the picker, as children, from arrival.
	for i, child := range []string{lina, omar} {
		b.typeInto("#q", "haddad")
		if st := b.submit(`[data-testid="picker-submit"]`); st != http.StatusOK {
			t.Fatalf("picker search: %d", st)
		}
		b.waitVisible(`[data-testid="picker-results"]`)
		if i == 0 {
			b.checkPage("cw-household-picker")
		}
		id := pid(child)
		if got := b.value("#joined_on-" + id); got != arrival {
			t.Errorf("picker suggests joining on %q, want the arrival date %s", got, arrival)
		}
		b.setValue("#relation-"+id, "child")
		if st := b.submit(`form:has(#relation-` + id + `) [data-testid="add-member"]`); st != http.StatusOK {
			t.Fatalf("add child %s: %d", id, st)
		}
		b.waitVisible(`[data-testid="flash"]`)
	}
	if n := eval[int](b, "member rows", `document.querySelectorAll('[data-testid="member-row"]').length`); n != 3 {
		t.Fatalf("%d members after adding the children, want 3", n)
	}
	b.checkPage("cw-household-three")

	// A month later the spouse arrives by family reunification.
	if st := b.submit(`[data-testid="reunification"]`); st != http.StatusOK {
		t.Fatalf("reunification form: %d", st)
	}
	b.waitVisible(`[data-testid="save-reunification"]`)
	b.checkPage("cw-reunification")
	b.setValue("#relation", "spouse")
	b.typeInto("#given_name", "Rania")
	b.typeInto("#family_name", "Haddad")
	b.setValue("#birth_date", "1988-05-02")
	b.setValue("#sex", "female")
	b.typeInto("#national_id", domain.SyntheticNationalID(day("1988-05-02"), 504))
	b.setValue("#country_of_origin", "SY")
	if got := b.value("#residence_basis"); got != "family" {
		t.Errorf("residence basis preselected %q, want family", got)
	}
	b.setValue("#arrival_date", spouseArrival)
	b.setValue("#settlement_date", spouseSettlement)
	b.do("tick Arabic", chromedp.Click(chromedp.CSS("#lang-ar")))
	if st := b.submit(`[data-testid="save-reunification"]`); st != http.StatusOK {
		t.Fatalf("register reunification: %d", st)
	}
	b.waitVisible(`[data-testid="reunification-tag"]`)
	if flash := b.text(`[data-testid="flash"]`); !strings.Contains(flash, "Rania Haddad") {
		t.Errorf("flash after the reunification %q", flash)
	}
	members := eval[[]string](b, "member rows",
		`[...document.querySelectorAll('[data-testid="member-row"]')].map(r => r.innerText)`)
	if len(members) != 4 {
		t.Fatalf("household members %q, want 4", members)
	}
	var reunified []string
	for _, m := range members {
		if strings.Contains(m, "Familiegjenforent") {
			reunified = append(reunified, m)
		}
	}
	if len(reunified) != 1 || !strings.Contains(reunified[0], "Rania Haddad") || !strings.Contains(reunified[0], "20.04.2026") {
		t.Errorf("reunified members %q, want Rania alone, joined 20.04.2026", reunified)
	}
	b.checkPage("cw-household-four")

	// A meeting with an interpreter on site, written from the head's page.
	b.open(head)
	b.waitVisible(`[data-testid="timeline-section"]`)
	if st := b.submit(`[data-testid="timeline-section"] [data-testid="new-note"]`); st != http.StatusOK {
		t.Fatalf("new note form: %d", st)
	}
	b.waitVisible(`[data-testid="save-note"]`)
	if need := b.text(`[data-testid="interpreter-need"]`); !strings.Contains(need, "arabisk") {
		t.Errorf("interpreter need %q, want Arabic", need)
	}
	b.checkPage("cw-note-new")
	body := "Samtale om introduksjonsprogrammet og skolestart for barna. Rania er kommet, familien bor nå samlet."
	b.setValue("#kind", "meeting")
	b.setValue("#note_date", "2026-05-12")
	// chromedp's Clear needs a text node: the empty textarea has none.
	b.do("type the note", chromedp.SendKeys(chromedp.CSS("#body"), body))
	b.do("interpreter used", chromedp.Click(chromedp.CSS("#interpreter_used")))
	b.waitVisible("#interpreter_mode") // app.js shows the interpreter details
	b.setValue("#interpreter_mode", "on_site")
	if got := b.value("#interpreter_language"); got != "ar" {
		t.Errorf("interpreter language prefilled %q, want the person's ar", got)
	}
	b.setValue("#interpreter_language", "ar")
	b.setValue("#interpreter_category", "A")
	if st := b.submit(`[data-testid="save-note"]`); st != http.StatusOK {
		t.Fatalf("save note: %d", st)
	}
	b.waitVisible(`[data-testid="timeline"]`)
	if !strings.Contains(b.location(), head+"/timeline") {
		t.Errorf("after saving the note at %s, want the timeline", b.location())
	}
	b.checkPage("cw-timeline")

	// The head's page: the household of four, the note, the deadlines.
	b.open(head)
	b.waitVisible(`[data-testid="household-section"]`)
	section := eval[[]string](b, "household section",
		`[...document.querySelectorAll('[data-testid="section-member"]')].map(r => r.innerText)`)
	if len(section) != 4 {
		t.Fatalf("household section lists %q, want 4 members", section)
	}
	var names, marked []string
	for _, m := range section {
		names = append(names, strings.SplitN(m, "\n", 2)[0])
		if strings.Contains(m, "Familiegjenforent") {
			marked = append(marked, m)
		}
	}
	for _, want := range []string{"Khaled Haddad", "Lina Haddad", "Omar Haddad", "Rania Haddad"} {
		if !strings.Contains(strings.Join(names, "|"), want) {
			t.Errorf("household section %q lacks %s", names, want)
		}
	}
	if len(marked) != 1 || !strings.Contains(marked[0], "Rania Haddad") || !strings.Contains(marked[0], "Ektefelle") {
		t.Errorf("reunified marker on %q, want on the spouse Rania alone", marked)
	}

	notes := eval[[]string](b, "timeline notes",
		`[...document.querySelectorAll('[data-testid="timeline-section"] [data-testid="timeline-item"][data-type="note"]')].map(r => r.innerText)`)
	if len(notes) != 1 {
		t.Fatalf("timeline notes %q, want the one note", notes)
	}
	for _, want := range []string{"Møte", "12.05.2026", body,
		"Med tolk: oppmøte, arabisk, kategori A i Nasjonalt tolkeregister."} {
		if !strings.Contains(notes[0], want) {
			t.Errorf("timeline note %q lacks %q", notes[0], want)
		}
	}

	// Deadlines count from the settlement date (31.03.2026): the programme
	// offer 3 months on (clamped to 30.06.2026), NIR 2 months on (31.05.2026).
	// Health deadlines are not shown to a caseworker.
	settled := day(settlement)
	offer := domain.FormatDate(cwPtr(domain.AddMonths(settled, domain.ProgrammeOfferMonths)))
	nir := domain.FormatDate(cwPtr(domain.AddMonths(settled, domain.NIRMonths)))
	if offer != "30.06.2026" || nir != "31.05.2026" {
		t.Fatalf("expected due dates %s and %s: the test's arithmetic is off", offer, nir)
	}
	for sel, want := range map[string]string{
		`[data-testid="deadline-section"] [data-testid="deadline-programme_offer"]`: "Tilbud om introduksjonsprogram",
		`[data-testid="deadline-section"] [data-testid="deadline-nir_settlement"]`:  "NIR: registrer bosetting",
	} {
		if got := b.text(sel); !strings.Contains(got, want) {
			t.Errorf("%s: %q lacks %q", sel, got, want)
		}
	}
	if got := b.text(`[data-testid="deadline-programme_offer"] [data-testid="status-tag"]`); got != "Frist "+offer {
		t.Errorf("programme offer deadline %q, want Frist %s", got, offer)
	}
	if got := b.text(`[data-testid="deadline-nir_settlement"] [data-testid="status-tag"]`); got != "Frist "+nir {
		t.Errorf("NIR deadline %q, want Frist %s", got, nir)
	}
	if n := eval[int](b, "health deadlines", `document.querySelectorAll('[data-testid="deadline-tb_screening"], [data-testid="deadline-health_check"]').length`); n != 0 {
		t.Errorf("a caseworker sees %d health deadlines", n)
	}
	b.checkPage("cw-person-head-full")

	// The spouse's own deadlines count from her own settlement a month later.
	href := eval[string](b, "spouse link", `[...document.querySelectorAll('[data-testid="section-member"]')]
		.filter(r => r.innerText.includes('Rania Haddad')).map(r => r.querySelector('a').getAttribute('href'))[0] || ''`)
	if !personRe.MatchString(href) {
		t.Fatalf("the household section links to Rania as %q", href)
	}
	if st := b.submit(`[data-testid="section-member"] a[href="` + href + `"]`); st != http.StatusOK {
		t.Fatalf("open Rania from the household section: %d", st)
	}
	b.waitVisible(`[data-testid="person-name"]`)
	if got := b.text(`[data-testid="person-name"]`); got != "Rania Haddad" {
		t.Fatalf("the link led to %q", got)
	}
	spouseSettled := day(spouseSettlement)
	if got, want := b.text(`[data-testid="deadline-programme_offer"] [data-testid="status-tag"]`),
		"Frist "+domain.FormatDate(cwPtr(domain.AddMonths(spouseSettled, domain.ProgrammeOfferMonths))); got != want {
		t.Errorf("spouse's programme offer %q, want %q", got, want)
	}
	b.checkPage("cw-person-spouse")

	// The Frister page: Kari's four persons, two deadlines each, in due order.
	if st := b.submit(`nav[aria-label="Hovedmeny"] a[href="/deadlines"]`); st != http.StatusOK {
		t.Fatalf("Frister: %d", st)
	}
	b.waitVisible(`[data-testid="deadline-table"]`)
	rows := eval[[]string](b, "deadline rows",
		`[...document.querySelectorAll('[data-testid="deadline-row"]')].map(r => r.innerText.replace(/\s+/g, ' '))`)
	if len(rows) != 8 {
		t.Errorf("Frister rows %q, want 8", rows)
	}
	var khaled []string
	for _, r := range rows {
		if strings.Contains(r, "Khaled Haddad") {
			khaled = append(khaled, r)
		}
	}
	if len(khaled) != 2 || !strings.Contains(khaled[0], nir) || !strings.Contains(khaled[1], offer) {
		t.Errorf("Khaled's rows on Frister %q, want NIR %s then the offer %s", khaled, nir, offer)
	}
	b.checkPage("cw-deadlines")
}

func cwPtr[T any](v T) *T { return &v }
