package server_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/web/paths"

	"github.com/chromedp/chromedp"
)

// TestBrowserPlacementsEndToEnd is issue 9's walk through work practice in
// Chromium as a caseworker: an employer registered on /employers/new (a
// wrong check digit first, then the number typed with spaces), a worksite
// with places and a language and a supervisor added on the employer page,
// the worksite on the capacity page filtered by its language, then a
// participant with a granted programme and a 37,5-hour plan with work
// practice (fixture) placed there from the person page's "Praksisplasser"
// section with the plan's work-practice hours, so that the week stays at
// 37,5 hours; the plan page shows the placement, the capacity page one place
// fewer; a follow-up conversation, the end of the placement, the evaluation
// with "fikk jobb" and its offer to the programme's end form with "arbeid"
// preselected; last the worksite page lists the participant. axe on every
// page at desktop and phone widths (screenshots with ANKOMST_SCREENSHOTS).
func TestBrowserPlacementsEndToEnd(t *testing.T) {
	skipUnlessBrowser(t)
	started := time.Now()
	app := newTestApp(t)
	// The server's clock: Monday 15 March 2027 (week 11) while the employer
	// is registered and the participant placed; Friday 30 April when the
	// placement ends.
	now := time.Date(2027, 3, 15, 9, 0, 0, 0, time.UTC)
	app.DB.Now = func() time.Time { return now }
	kari := app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login(kari.Email)

	// Amal Haidari, Kari's, in a granted programme since 4 January with a
	// 37,5-hour plan: Norwegian 30 h Mon–Fri and 7,5 h work practice Mon–Wed
	// (not yet placed anywhere).
	personPath, id := clPerson(t, c, 1, "Amal", "Haidari", kari.ID)
	ctx := context.Background()
	if _, err := app.DB.Pool.Exec(ctx, `INSERT INTO programmes (person_id, decision, decision_date, start_date, planned_end)
		VALUES ($1, 'granted', '2027-01-04', '2027-01-04', '2027-12-31')`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB.Pool.Exec(ctx, `WITH v AS (INSERT INTO plan_versions (person_id, valid_from) VALUES ($1, '2027-01-04') RETURNING id)
		INSERT INTO plan_elements (plan_version_id, kind, description, minutes_per_week, weekdays, position)
		SELECT id, 'norwegian', '', 1800, '{1,2,3,4,5}'::smallint[], 0 FROM v
		UNION ALL SELECT id, 'work_practice', 'Praksis, sted ikke avklart', 450, '{1,2,3}'::smallint[], 1 FROM v`, id); err != nil {
		t.Fatal(err)
	}
	// Another employer's worksite, without languages, so that the language
	// filter has something to leave out.
	plSQLWorksite(t, app, "983887457", "Lageret", 4)

	b := newBrowser(t, app)
	b.login(kari.Email, testPassword)

	// The employer register from the main menu.
	if st := b.submit(`nav[aria-label="Hovedmeny"] a[href="` + paths.Employers() + `"]`); st != http.StatusOK {
		t.Fatalf("employers: %d", st)
	}
	b.waitVisible(`[data-testid="employer-row"]`)
	b.checkPage("pe2e-employers")

	// A new employer: a wrong check digit first.
	if st := b.submit(`[data-testid="new-employer"]`); st != http.StatusOK {
		t.Fatalf("new employer form: %d", st)
	}
	b.waitVisible("#orgnr")
	if loc := b.location(); !strings.HasSuffix(loc, paths.EmployerNew()) {
		t.Errorf("new employer form at %s", loc)
	}
	b.checkPage("pe2e-employer-new")
	b.typeInto("#name", "Solsiden sykehjem")
	b.typeInto("#orgnr", "974760674")
	b.setValue("#sector", domain.SectorNursingHome)
	b.typeInto("#address", "Storgata 1, 0155 Oslo")
	if st := b.submit(`[data-testid="save-employer"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong check digit: status %d, want 422", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	if s := b.text(`[data-testid="error-summary"]`); !strings.Contains(s, "kontrollsifferet stemmer ikke") {
		t.Errorf("error summary %q", s)
	}
	b.waitVisible("#orgnr-error")
	if s := b.text("#orgnr-error"); !strings.Contains(s, "kontrollsifferet stemmer ikke") {
		t.Errorf("orgnr message %q", s)
	}
	for sel, want := range map[string]string{"#name": "Solsiden sykehjem", "#orgnr": "974760674", "#sector": domain.SectorNursingHome, "#address": "Storgata 1, 0155 Oslo"} {
		if got := b.value(sel); got != want {
			t.Errorf("after the refused submit %s = %q, want %q", sel, got, want)
		}
	}
	b.checkPage("pe2e-employer-new-error")
	b.typeInto("#orgnr", "974 760 673")
	if st := b.submit(`[data-testid="save-employer"]`); st != http.StatusOK {
		t.Fatalf("register employer: %d", st)
	}
	b.waitVisible(`[data-testid="flash"]`)
	if s := b.text(`[data-testid="employer-orgnr"]`); s != "974 760 673" {
		t.Errorf("the employer page shows orgnr %q", s)
	}
	if s := b.text(`[data-testid="employer-name"]`); !strings.Contains(s, "Solsiden sykehjem") {
		t.Errorf("employer heading %q", s)
	}
	b.checkPage("pe2e-employer-registered")

	// A worksite with two places where Arabic is spoken.
	b.do("open the worksite form", chromedp.Click(chromedp.CSS(`[data-testid="add-worksite-toggle"]`)))
	b.waitVisible("#ws-name")
	b.typeInto("#ws-name", "Kjøkkenet")
	b.typeInto("#ws-area", "Sentrum")
	b.typeInto("#ws-places", "2")
	b.do("tick Arabic", chromedp.Click(chromedp.CSS("#ws-lang-ar")))
	if st := b.submit(`[data-testid="save-worksite"]`); st != http.StatusOK {
		t.Fatalf("add worksite: %d", st)
	}
	b.waitVisible(`[data-testid="worksite-row"]`)
	if s := b.text(`[data-testid="worksite-row"]`); !strings.Contains(s, "Kjøkkenet") || !strings.Contains(s, "Arabisk") {
		t.Errorf("worksite row %q", s)
	}
	if s := b.text(`[data-testid="worksite-free"]`); s != "2" {
		t.Errorf("free places on the employer page %q, want 2", s)
	}
	var ws int64
	if err := app.DB.Pool.QueryRow(ctx, `SELECT id FROM worksites WHERE name = 'Kjøkkenet'`).Scan(&ws); err != nil {
		t.Fatal(err)
	}
	wsID := strconv.FormatInt(ws, 10)

	// Its supervisor.
	b.do("open the contact form", chromedp.Click(chromedp.CSS(`[data-testid="add-contact-toggle"]`)))
	b.waitVisible("#ct-name")
	b.typeInto("#ct-name", "Eva Veileder")
	b.typeInto("#ct-phone", "+47 912 34 567")
	b.typeInto("#ct-email", "eva@solsiden.no")
	b.setValue("#ct-worksite_id", wsID)
	b.do("tick supervisor", chromedp.Click(chromedp.CSS("#ct-supervisor")))
	if st := b.submit(`[data-testid="save-contact"]`); st != http.StatusOK {
		t.Fatalf("add supervisor: %d", st)
	}
	b.waitVisible(`[data-testid="supervisor-tag"]`)
	if s := b.text(`[data-testid="contact-row"]`); !strings.Contains(s, "Eva Veileder") || !strings.Contains(s, "Kjøkkenet") {
		t.Errorf("contact row %q", s)
	}
	b.checkPage("pe2e-employer-with-worksite")
	employerURL := strings.TrimPrefix(b.location(), app.TS.URL)

	// The capacity page from the main menu, filtered by Arabic: only the new
	// worksite, with both places free this week.
	if st := b.submit(`nav[aria-label="Hovedmeny"] a[href="` + paths.PlacementsCapacity() + `"]`); st != http.StatusOK {
		t.Fatalf("capacity: %d", st)
	}
	b.waitVisible(`[data-testid="capacity-table"]`)
	if n := len(eval[[]string](b, "capacity rows", `[...document.querySelectorAll('[data-testid="capacity-row"]')].map(r => r.innerText)`)); n != 2 {
		t.Errorf("%d capacity rows, want both worksites", n)
	}
	b.checkPage("pe2e-capacity")
	b.setValue("#language", "ar")
	if st := b.submit(`[data-testid="filter-submit"]`); st != http.StatusOK {
		t.Fatalf("filter by language: %d", st)
	}
	b.waitVisible(`[data-testid="capacity-table"]`)
	if loc := b.location(); !strings.Contains(loc, "language=ar") {
		t.Errorf("the filter is not in the URL: %s", loc)
	}
	capacityURL := strings.TrimPrefix(b.location(), app.TS.URL)
	if got := b.text(`[data-testid="capacity-count"]`); got != "1 arbeidssted" {
		t.Errorf("count %q, want 1 arbeidssted", got)
	}
	if got := b.text(`[data-testid="capacity-row"] [data-testid="worksite-link"]`); got != "Kjøkkenet" {
		t.Errorf("filtered row %q", got)
	}
	freeNow := func() []string {
		return eval[[]string](b, "free places", `[...document.querySelectorAll('[data-testid="capacity-row"] [data-testid="free"]')].map(td => td.innerText.trim())`)
	}
	if free := freeNow(); len(free) == 0 || free[0] != "2" {
		t.Errorf("free places per week %q, want 2 now", free)
	}
	b.checkPage("pe2e-capacity-arabic")

	// The participant: the person list, the person page, its
	// "Praksisplasser" section.
	if st := b.submit(`nav[aria-label="Hovedmeny"] a[href="/persons"]`); st != http.StatusOK {
		t.Fatalf("person list: %d", st)
	}
	b.waitVisible(`[data-testid="person-table"]`)
	if st := b.submit(`[data-testid="person-row"] a`); st != http.StatusOK {
		t.Fatalf("person page: %d", st)
	}
	b.waitVisible(`[data-testid="placement-section"]`)
	if loc := b.location(); !strings.HasSuffix(loc, personPath) {
		t.Fatalf("the list's link went to %s, want %s", loc, personPath)
	}
	b.waitVisible(`[data-testid="placements-empty"]`)
	b.checkPage("pe2e-person")
	if st := b.submit(`[data-testid="placements-link"]`); st != http.StatusOK {
		t.Fatalf("placements: %d", st)
	}
	b.waitVisible(`[data-testid="no-current"]`)
	if loc := b.location(); !strings.HasSuffix(loc, paths.PersonPlacements(id)) {
		t.Errorf("placements at %s", loc)
	}
	b.checkPage("pe2e-placements-empty")

	// The placement: the plan's work-practice hours, Monday to Wednesday.
	if st := b.submit(`[data-testid="new-placement"]`); st != http.StatusOK {
		t.Fatalf("new placement form: %d", st)
	}
	b.waitVisible(`[data-testid="placement-form"]`)
	if v := b.value("#start_date"); v != "2027-03-15" {
		t.Errorf("start date defaults to %q, want today 2027-03-15", v)
	}
	b.checkPage("pe2e-placement-new")
	b.setValue("#worksite_id", wsID)
	// Lageret has an Eva Veileder too: pick Solsiden's, by its group.
	sv := eval[string](b, "the supervisor option", `[...document.querySelectorAll('#supervisor_id optgroup')].find(g => g.label.includes('Solsiden sykehjem'))?.querySelector('option')?.value || ''`)
	if sv == "" {
		t.Fatal("no supervisor of Solsiden sykehjem is offered")
	}
	b.setValue("#supervisor_id", sv)
	b.typeInto("#hours", "7,5")
	b.setValue("#planned_end", "2027-06-25")
	b.setValue("#goal", domain.PlacementGoalWorkTrial)
	b.setValue("#status", "active")
	if st := b.submit(`[data-testid="save-placement"]`); st != http.StatusOK {
		t.Fatalf("save placement: %d: %s", st, eval[string](b, "errors", `document.querySelector('[data-testid="error-summary"]')?.innerText || ''`))
	}
	b.waitVisible(`[data-testid="placement-facts"]`)
	if got := b.text(`[data-testid="fact-supervisor"]`); !strings.Contains(got, "Eva Veileder") {
		t.Errorf("supervisor %q", got)
	}
	if got := b.text(`[data-testid="fact-worksite"]`); !strings.Contains(got, "Kjøkkenet") {
		t.Errorf("worksite %q", got)
	}
	if got := b.text(`[data-testid="placement-status"]`); got != "Aktiv" {
		t.Errorf("status %q", got)
	}
	b.checkPage("pe2e-placement")
	placementURL := strings.TrimPrefix(b.location(), app.TS.URL)

	// The weekly plan: the placement's hours in place of the plan's work
	// practice, every week still 37,5 hours.
	b.open(paths.PersonPlan(id))
	b.waitVisible(`[data-testid="week-practice"]`)
	if got := b.text(`[data-testid="week-practice"]`); got != "Praksis: Kjøkkenet (Solsiden sykehjem) 7,5 t" {
		t.Errorf("plan week shows %q", got)
	}
	weeks := eval[[]string](b, "week rows", `[...document.querySelectorAll('[data-testid="week-row"]')].map(r => r.innerText.replace(/\s+/g, ' '))`)
	if len(weeks) == 0 {
		t.Fatal("no week rows on the plan page")
	}
	for _, w := range weeks {
		// Planned 37,5 t (with the placement's line), target 37,5 t, no deviation.
		if !strings.Contains(w, " 37,5 t Praksis: Kjøkkenet (Solsiden sykehjem) 7,5 t 37,5 t Ingen") {
			t.Errorf("week %q is not on target", w)
		}
	}
	b.checkPage("pe2e-plan")

	// The capacity page: one place fewer from this week.
	b.open(capacityURL)
	b.waitVisible(`[data-testid="capacity-table"]`)
	if free := freeNow(); len(free) == 0 || free[0] != "1" {
		t.Errorf("free places per week after the placement %q, want 1 now", free)
	}
	b.checkPage("pe2e-capacity-after")

	// Six weeks on: a follow-up conversation.
	now = time.Date(2027, 4, 23, 9, 0, 0, 0, time.UTC)
	b.open(placementURL)
	b.waitVisible(`[data-testid="no-followups"]`)
	b.do("open follow-up", chromedp.Click(chromedp.CSS(`[data-testid="open-followup"]`)))
	b.waitVisible("#participants")
	if v := b.value("#held_on"); v != "2027-04-23" {
		t.Errorf("follow-up date defaults to %q, want today", v)
	}
	b.typeInto("#participants", "Amal, Eva Veileder, Kari")
	b.do("interpreter", chromedp.Click(chromedp.CSS(`#interpreter_used`)))
	b.do("type #summary", chromedp.SendKeys(chromedp.CSS("#summary"), "Trives på kjøkkenet.\nØnsker flere oppgaver."))
	b.checkPage("pe2e-followup-form")
	if st := b.submit(`[data-testid="save-followup"]`); st != http.StatusOK {
		t.Fatalf("follow-up: %d", st)
	}
	b.waitVisible(`[data-testid="followup"]`)
	if got := b.text(`[data-testid="followup"]`); !strings.Contains(got, "23.04.2027") || !strings.Contains(got, "med tolk") || !strings.Contains(got, "Trives på kjøkkenet.") {
		t.Errorf("follow-up shows %q", got)
	}
	b.checkPage("pe2e-placement-followup")

	// A week later she is offered a job: end the placement.
	now = time.Date(2027, 4, 30, 9, 0, 0, 0, time.UTC)
	b.open(placementURL)
	b.waitVisible(`[data-testid="open-end"]`)
	b.do("open end", chromedp.Click(chromedp.CSS(`[data-testid="open-end"]`)))
	b.waitVisible(`[data-testid="confirm-end"]`)
	if v := b.value("#ended_on"); v != "2027-04-30" {
		t.Errorf("end date defaults to %q, want today", v)
	}
	b.checkPage("pe2e-placement-end-confirm")
	if st := b.submit(`[data-testid="confirm-end"]`); st != http.StatusOK {
		t.Fatalf("end placement: %d", st)
	}
	if got := b.text(`[data-testid="placement-status"]`); got != "Avsluttet" {
		t.Errorf("status after ending %q", got)
	}
	if got := b.text(`[data-testid="fact-ended"]`); got != "30.04.2027" {
		t.Errorf("ended %q", got)
	}

	// The end evaluation with "fikk jobb".
	b.do("open evaluation", chromedp.Click(chromedp.CSS(`[data-testid="open-evaluation"]`)))
	b.waitVisible("#attendance")
	b.do("type #attendance", chromedp.SendKeys(chromedp.CSS("#attendance"), "Stabilt oppmøte, ett sykefravær."))
	b.do("type #language_use", chromedp.SendKeys(chromedp.CSS("#language_use"), "Bruker norsk med kolleger og beboere."))
	b.do("type #tasks_mastered", chromedp.SendKeys(chromedp.CSS("#tasks_mastered"), "Oppvask, servering, enkel matlaging."))
	b.do("type #recommendation", chromedp.SendKeys(chromedp.CSS("#recommendation"), "Ansettes som kjøkkenassistent."))
	b.do("got job", chromedp.Click(chromedp.CSS(`#got_job`)))
	b.checkPage("pe2e-evaluation-form")
	if st := b.submit(`[data-testid="save-evaluation"]`); st != http.StatusOK {
		t.Fatalf("evaluation: %d", st)
	}
	b.waitVisible(`[data-testid="got-job-offer"]`)
	if !eval[bool](b, "got_job kept", `document.querySelector('#got_job').checked`) {
		t.Errorf("the saved evaluation does not show fikk jobb")
	}
	b.checkPage("pe2e-placement-got-job")

	// The offer leads to the programme's end form with "arbeid" preselected.
	if st := b.submit(`[data-testid="end-programme-work"]`); st != http.StatusOK {
		t.Fatalf("programme end form: %d", st)
	}
	if got := b.value("#end_reason"); got != "work" {
		t.Errorf("end reason %q, want work (Overgang til arbeid)", got)
	}
	if label := eval[string](b, "end reason label", `document.querySelector('#end_reason').selectedOptions[0].textContent.trim()`); label != "Overgang til arbeid" {
		t.Errorf("end reason shown as %q", label)
	}
	if loc := b.location(); !strings.Contains(loc, "/persons/"+strconv.FormatInt(id, 10)+"/programme/end") {
		t.Errorf("programme end form at %s", loc)
	}
	b.checkPage("pe2e-programme-end")

	// The person page's section has the placement; its link leads to the
	// worksite page, which lists Amal among the past participants, with
	// both places free again.
	b.open(personPath)
	b.waitVisible(`[data-testid="placement-section"] [data-testid="placement-row"]`)
	if got := b.text(`[data-testid="placement-section"] [data-testid="placement-row"]`); !strings.Contains(got, "Kjøkkenet") || !strings.Contains(got, "Avsluttet") {
		t.Errorf("person page placement row %q", got)
	}
	b.checkPage("pe2e-person-after")
	if st := b.submit(`[data-testid="placement-section"] a[href="` + paths.Worksite(ws) + `"]`); st != http.StatusOK {
		t.Fatalf("worksite page: %d", st)
	}
	b.waitVisible(`[data-testid="past-table"]`)
	if got := b.text(`[data-testid="past-table"]`); !strings.Contains(got, "Amal Haidari") || !strings.Contains(got, "Avsluttet") {
		t.Errorf("past participants %q", got)
	}
	b.waitVisible(`[data-testid="current-empty"]`)
	if s := b.text(`[data-testid="worksite-free"]`); s != "2" {
		t.Errorf("free places on the worksite page %q, want 2", s)
	}
	b.checkPage("pe2e-worksite")

	// The employer page still lists the worksite with both places free.
	b.open(employerURL)
	b.waitVisible(`[data-testid="worksite-row"]`)
	if s := b.text(`[data-testid="worksite-free"]`); s != "2" {
		t.Errorf("free places on the employer page after the end %q, want 2", s)
	}
	b.checkJSErrors()
	t.Logf("placements end to end in %v", time.Since(started).Round(time.Millisecond))
}
