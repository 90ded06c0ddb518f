package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"

	"github.com/chromedp/chromedp"
)

// TestBrowserHealthChecklist: a health worker opens a person's checklist
// from the person page, gives the purpose, books a TB screening (status,
// date, place, interpreter) and marks it done; every page is checked with
// axe at desktop and phone widths.
func TestBrowserHealthChecklist(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	app.DB.Now = func() time.Time { return time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC) }
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("helse@k.no", domain.RoleHealth, "Øst")
	c := app.client()
	c.login("kari@k.no")
	path, pid := clPerson(t, c, 1, "Amina", "Haidari", kari.ID)
	tb := hlItemID(t, app, pid, domain.HealthTB)
	item := `#item-` + tb

	b := newBrowser(t, app)
	b.login("helse@k.no", testPassword)
	if st := b.open(path); st != http.StatusOK {
		t.Fatalf("person: %d", st)
	}
	b.waitVisible(`[data-testid="health-section"]`)
	b.checkPage("health-person-section")
	if st := b.submit(`[data-testid="health-link"]`); st != http.StatusOK {
		t.Fatalf("checklist: %d", st)
	}
	b.waitVisible(`[data-testid="health-purpose-form"]`)
	b.checkPage("health-purpose")
	// Annet without a text is refused.
	b.do("choose annet", chromedp.Click(chromedp.CSS(`#purpose-other`)))
	if st := b.submit(`[data-testid="purpose-submit"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("purpose without text: %d", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	b.checkPage("health-purpose-error")
	b.do("choose booking", chromedp.Click(chromedp.CSS(`#purpose-booking`)))
	if st := b.submit(`[data-testid="purpose-submit"]`); st != http.StatusOK {
		t.Fatalf("purpose: %d", st)
	}
	b.waitVisible(`[data-testid="health-items"]`)
	if got := b.text(`[data-testid="health-purpose"]`); !strings.Contains(got, "Timebestilling") {
		t.Errorf("purpose line %q", got)
	}
	b.checkPage("health-checklist")

	// Book the TB screening.
	b.do("open the TB form", chromedp.Click(chromedp.CSS(item+` [data-testid="health-edit"]`)))
	b.waitVisible(`#status-` + tb)
	if got := b.text(item + ` [data-testid="health-note-warning"]`); got != domain.HealthNoteWarning {
		t.Errorf("warning %q", got)
	}
	b.setValue(`#status-`+tb, "booked")
	b.setValue(`#booked_on-`+tb, "2026-03-12")
	b.setValue(`#place-`+tb, "health_station")
	b.do("interpreter booked", chromedp.Click(chromedp.CSS(`#interpreter_booked-`+tb)))
	b.typeInto(`#logistics_note-`+tb, "Tolk dari bestilt, møter kl. 09")
	b.checkPage("health-item-form")
	if st := b.submit(item + ` [data-testid="health-save"]`); st != http.StatusOK {
		t.Fatalf("book: %d", st)
	}
	b.waitVisible(`[data-testid="flash"]`)
	if got := b.text(item + ` [data-testid="health-status"]`); got != "Bestilt" {
		t.Errorf("status %q", got)
	}
	if got := b.text(item + ` [data-testid="health-booked"]`); got != "12.03.2026" {
		t.Errorf("booked %q", got)
	}
	if got := b.text(item + ` [data-testid="health-interpreter"]`); got != "Ja" {
		t.Errorf("interpreter %q", got)
	}
	b.checkPage("health-booked")

	// Mark it done.
	b.do("open the TB form again", chromedp.Click(chromedp.CSS(item+` [data-testid="health-edit"]`)))
	b.setValue(`#status-`+tb, "done")
	b.setValue(`#done_on-`+tb, "2026-03-10")
	if st := b.submit(item + ` [data-testid="health-save"]`); st != http.StatusOK {
		t.Fatalf("done: %d", st)
	}
	b.waitVisible(`[data-testid="flash"]`)
	if got := b.text(item + ` [data-testid="health-status"]`); got != "Utført" {
		t.Errorf("status %q", got)
	}
	if got := b.text(item + ` [data-testid="health-done"]`); got != "10.03.2026" {
		t.Errorf("done %q", got)
	}
	b.checkPage("health-done")

	// The caseworker's person page: the line only.
	kb := newBrowser(t, app)
	kb.login("kari@k.no", testPassword)
	kb.open(path)
	kb.waitVisible(`[data-testid="health-summary"]`)
	if got := kb.text(`[data-testid="health-summary"]`); got != "Helseoppfølging: pågår" {
		t.Errorf("summary %q", got)
	}
	kb.checkPage("health-summary")
}
