package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/web/paths"

	"github.com/chromedp/chromedp"
)

// TestBrowserPlacement: a caseworker places a participant at a worksite of
// the register (inserted by SQL) with a supervisor, records a follow-up,
// ends the placement, writes the evaluation with "fikk jobb" and follows
// the offer to the programme's end form with "Overgang til arbeid"
// preselected; axe on every placement page at desktop and phone widths.
func TestBrowserPlacement(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	now := time.Date(2027, 3, 15, 9, 0, 0, 0, time.UTC) // Monday, week 11
	app.DB.Now = func() time.Time { return now }
	kari := app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login(kari.Email)
	id := grParticipant(t, app, c, 1, "Amal", "Haidari", kari.ID, "2027-01-04", 1800)
	ws, sv := plSQLWorksite(t, app, "974760673", "Kafé Nord", 3)
	b := newBrowser(t, app)
	b.login(kari.Email, testPassword)

	if st := b.open(paths.PersonPlacements(id)); st != http.StatusOK {
		t.Fatalf("placements page: %d", st)
	}
	b.waitVisible(`[data-testid="no-current"]`)
	b.checkPage("placements-empty")
	if st := b.submit(`[data-testid="new-placement"]`); st != http.StatusOK {
		t.Fatalf("new form: %d", st)
	}
	b.waitVisible(`[data-testid="placement-form"]`)
	b.checkPage("placement-new")

	// A first try over 37,5 hours is refused naming the week.
	b.setValue("#worksite_id", strconv.FormatInt(ws, 10))
	b.setValue("#supervisor_id", strconv.FormatInt(sv, 10))
	b.typeInto("#hours", "10")
	b.setValue("#start_date", "2027-03-15")
	b.setValue("#planned_end", "2027-05-28")
	b.setValue("#status", "active")
	if st := b.submit(`[data-testid="save-placement"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("over 37,5 h: %d", st)
	}
	if got := b.text(`#hours-error`); !strings.Contains(got, "Uke 11 2027: ukeplan 30 t + praksis 10 t = 40 t, over 37,5 t") {
		t.Errorf("refusal: %q", got)
	}
	b.checkPage("placement-new-refused")
	b.typeInto("#hours", "7,5")
	if st := b.submit(`[data-testid="save-placement"]`); st != http.StatusOK {
		t.Fatalf("save: %d", st)
	}
	b.waitVisible(`[data-testid="placement-facts"]`)
	if got := b.text(`[data-testid="fact-supervisor"]`); got != "Eva Veileder" {
		t.Errorf("supervisor %q", got)
	}
	b.checkPage("placement-show")
	back := b.location()

	// The weekly plan counts the placement's hours.
	b.open(paths.PersonPlan(id))
	b.waitVisible(`[data-testid="week-practice"]`)
	if got := b.text(`[data-testid="week-practice"]`); got != "Praksis: Kafé Nord (Kafé Nord AS) 7,5 t" {
		t.Errorf("plan week shows %q", got)
	}
	b.checkPage("plan-with-placement")
	b.open(strings.TrimPrefix(back, app.TS.URL))

	// A follow-up conversation.
	b.do("open follow-up", chromedp.Click(chromedp.CSS(`[data-testid="open-followup"]`)))
	b.typeInto("#participants", "Amal, Eva Veileder, Kari")
	b.do("interpreter", chromedp.Click(chromedp.CSS(`#interpreter_used`)))
	b.do("type #summary", chromedp.SendKeys(chromedp.CSS("#summary"), "Første uke gikk fint."))
	if st := b.submit(`[data-testid="save-followup"]`); st != http.StatusOK {
		t.Fatalf("follow-up: %d", st)
	}
	b.waitVisible(`[data-testid="followup"]`)
	if got := b.text(`[data-testid="followup"]`); !strings.Contains(got, "med tolk") || !strings.Contains(got, "Første uke gikk fint.") {
		t.Errorf("follow-up shows %q", got)
	}

	// End the placement (confirmation with the date).
	b.do("open end", chromedp.Click(chromedp.CSS(`[data-testid="open-end"]`)))
	b.checkPage("placement-end-confirm")
	if st := b.submit(`[data-testid="confirm-end"]`); st != http.StatusOK {
		t.Fatalf("end: %d", st)
	}
	if got := b.text(`[data-testid="placement-status"]`); got != "Avsluttet" {
		t.Errorf("status %q", got)
	}

	// The evaluation: "fikk jobb".
	b.do("open evaluation", chromedp.Click(chromedp.CSS(`[data-testid="open-evaluation"]`)))
	b.do("type #attendance", chromedp.SendKeys(chromedp.CSS("#attendance"), "Stabilt oppmøte."))
	b.do("type #language_use", chromedp.SendKeys(chromedp.CSS("#language_use"), "Bruker norsk med kolleger."))
	b.do("got job", chromedp.Click(chromedp.CSS(`#got_job`)))
	if st := b.submit(`[data-testid="save-evaluation"]`); st != http.StatusOK {
		t.Fatalf("evaluation: %d", st)
	}
	b.waitVisible(`[data-testid="got-job-offer"]`)
	b.checkPage("placement-got-job")

	// The offer leads to the programme's end form with "arbeid" preselected.
	if st := b.submit(`[data-testid="end-programme-work"]`); st != http.StatusOK {
		t.Fatalf("end form: %d", st)
	}
	if got := b.value("#end_reason"); got != "work" {
		t.Errorf("end reason %q, want work (Overgang til arbeid)", got)
	}
	if !strings.Contains(b.location(), "/programme/end?end_reason=work") {
		t.Errorf("at %s", b.location())
	}

	// The list shows the placement in the history.
	b.open(paths.PersonPlacements(id))
	b.waitVisible(`[data-testid="placement-history"]`)
	b.checkPage("placements-history")
}
