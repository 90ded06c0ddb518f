package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/web/paths"

	"github.com/chromedp/chromedp"
)

// tabTo presses Tab until the element sel has the focus (date inputs take
// a Tab per part, so the count is not fixed).
func (b *browser) tabTo(sel string) {
	b.t.Helper()
	for i := 0; i < 200; i++ {
		if eval[bool](b, "focused element", `document.activeElement === document.querySelector('`+sel+`')`) {
			return
		}
		b.do("press Tab", chromedp.KeyEvent("\t"))
	}
	b.t.Fatalf("Tab never reached %s", sel)
}

// keys types into the focused element.
func (b *browser) keys(s string) {
	b.t.Helper()
	b.do("type "+s, chromedp.KeyEvent(s))
}

// TestBrowserPlan: a caseworker fills a 37,5-hour weekly plan from the
// keyboard (Norwegian 15 h Mon–Fri, work practice 15 h Mon–Wed, social
// studies 7,5 h Thu–Fri), is told about a forgotten weekday, saves it and
// sees the week sums; axe on every page at desktop and phone widths.
func TestBrowserPlan(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC) // Tuesday, week 48
	app.DB.Now = func() time.Time { return now }
	kari := app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login(kari.Email)
	_, id := clPerson(t, c, 1, "Amal", "Haidari", kari.ID)
	b := newBrowser(t, app)
	b.login(kari.Email, testPassword)

	// Without a decision the plan page says what to do first.
	if st := b.open(paths.PersonPlan(id)); st != http.StatusOK {
		t.Fatalf("plan page: %d", st)
	}
	b.waitVisible(`[data-testid="not-granted"]`)
	b.checkPage("plan-not-granted")
	if _, err := app.DB.Pool.Exec(context.Background(), `
		INSERT INTO programmes (person_id, decision, decision_date, start_date, planned_end)
		VALUES ($1, 'granted', '2026-10-20', '2026-11-02', '2027-10-29')`, id); err != nil {
		t.Fatal(err)
	}
	b.open(paths.PersonPlan(id))
	b.waitVisible(`[data-testid="no-plan"]`)
	b.checkPage("plan-empty")

	if st := b.submit(`[data-testid="new-plan-version"]`); st != http.StatusOK {
		t.Fatalf("new-version form: %d", st)
	}
	b.waitVisible(`[data-testid="plan-form"]`)
	if v := b.value("#valid_from"); v != "2026-11-30" {
		t.Errorf("valid_from defaults to %q, want next Monday 2026-11-30", v)
	}
	b.checkPage("plan-form")

	// From the keyboard: Norwegian 15 h Monday to Friday.
	b.tabTo("#norwegian_hours")
	b.keys("15")
	for _, d := range []string{"1", "2", "3", "4", "5"} {
		b.tabTo("#norwegian_days_" + d)
		b.keys(" ")
	}
	b.tabTo("#norwegian_description")
	b.keys("Spor 2")
	// Social studies 7,5 h: the weekdays forgotten at first.
	b.tabTo("#social_studies_hours")
	b.keys("7,5")
	// Work practice 15 h Monday to Wednesday.
	b.tabTo("#work_practice_hours")
	b.keys("15")
	for _, d := range []string{"1", "2", "3"} {
		b.tabTo("#work_practice_days_" + d)
		b.keys(" ")
	}
	b.tabTo("#work_practice_description")
	b.keys("Kafé Bryggen")
	b.keys("\r") // Enter submits the form
	b.waitVisible(`[data-testid="error-summary"]`)
	if msg := b.text(`[data-testid="error-summary"]`); !strings.Contains(msg, "Velg minst én ukedag for samfunnskunnskap") {
		t.Errorf("error summary: %q", msg)
	}
	if v := b.value("#work_practice_description"); v != "Kafé Bryggen" {
		t.Errorf("the refused form lost the description: %q", v)
	}
	b.checkPage("plan-form-refused")

	// Fix it from the keyboard: Thursday and Friday, then save.
	for _, d := range []string{"4", "5"} {
		b.tabTo("#social_studies_days_" + d)
		b.keys(" ")
	}
	b.tabTo(`[data-testid="save-plan"]`)
	b.do("press Enter", chromedp.KeyEvent("\r"))
	b.waitVisible(`[data-testid="flash"]`)
	if loc := b.location(); !strings.HasSuffix(loc, paths.PersonPlan(id)) {
		t.Fatalf("after saving at %s", loc)
	}
	if f := b.text(`[data-testid="flash"]`); !strings.Contains(f, "Den nye versjonen av ukeplanen er lagret") {
		t.Errorf("flash %q", f)
	}
	weeks := eval[[]string](b, "week rows", `[...document.querySelectorAll('[data-testid="week-row"]')].map(r => r.innerText.replace(/\s+/g, ' '))`)
	// This week (48) has no plan yet; weeks 49–55 sum to 37,5 h each.
	if len(weeks) != 7 || !strings.HasPrefix(weeks[0], "Uke 49") {
		t.Fatalf("week rows %q", weeks)
	}
	for _, w := range weeks {
		if !strings.Contains(w, "37,5 t 37,5 t Ingen") {
			t.Errorf("week %q is not on target", w)
		}
	}
	b.checkPage("plan-upcoming")

	// A week later the plan is in force: elements, this week, the history.
	now = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	b.open(paths.PersonPlan(id))
	b.waitVisible(`[data-testid="current-elements"]`)
	rows := eval[[]string](b, "element rows", `[...document.querySelectorAll('[data-testid="element-row"]')].map(r => r.innerText.replace(/\s+/g, ' ').trim())`)
	want := []string{"Norskopplæring 15 t man–fre Hele perioden Spor 2", "Samfunnskunnskap 7,5 t tor, fre Hele perioden", "Arbeidspraksis 15 t man, tir, ons Hele perioden Kafé Bryggen"}
	if strings.Join(rows, "|") != strings.Join(want, "|") {
		t.Errorf("elements %q, want %q", rows, want)
	}
	if w := b.text(`[data-testid="week-row"]`); !strings.Contains(w, "Uke 49") || !strings.Contains(w, "denne uka") {
		t.Errorf("first week row %q", w)
	}
	b.checkPage("plan")

	if st := b.submit(`[data-testid="plan-history"] a`); st != http.StatusOK {
		t.Fatalf("version page: %d", st)
	}
	b.waitVisible(`[data-testid="version-heading"]`)
	if h := b.text(`[data-testid="version-heading"]`); h != "Ukeplan fra 30.11.2026" {
		t.Errorf("version heading %q", h)
	}
	b.checkPage("plan-version")

	// A later version two hours short, confirmed and explained: the plan
	// page lists the deviating weeks.
	r := c.post(paths.PersonPlan(id), url.Values{
		"form_key": {strings.Repeat("f", 32)}, "valid_from": {"2026-12-07"},
		"norwegian_hours": {"15"}, "norwegian_days": {"1", "2", "3", "4", "5"},
		"work_practice_hours": {"15"}, "work_practice_days": {"1", "2", "3"},
		"social_studies_hours": {"5,5"}, "social_studies_days": {"4", "5"},
		"confirm_deviation": {"1"}, "comment": {"Henter barn i barnehagen torsdag og fredag"},
	})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("deviating version: %d\n%.2000s", r.Status, r.Body)
	}
	b.open(paths.PersonPlan(id))
	b.waitVisible(`[data-testid="deviations"]`)
	if d := b.text(`[data-testid="deviations"]`); !strings.Contains(d, "uke 50 2026–43 2027: 35,5 t, 2 t under 37,5") {
		t.Errorf("deviations %q", d)
	}
	if n := eval[int](b, "deviating rows", `document.querySelectorAll('[data-deviates="true"]').length`); n != 7 {
		t.Errorf("%d deviating week rows, want 7 (weeks 50–56)", n)
	}
	b.checkPage("plan-deviation")
}
