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

// emEnter presses Enter on the focused element (a field submits its form,
// a link or summary is followed) and returns the status of the page it
// leads to.
func (b *browser) emEnter() int {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.KeyEvent("\r"))
	if err != nil {
		b.t.Fatalf("press Enter: %v (at %s)", err, b.location())
	}
	return int(resp.Status)
}

// emType tabs to the field and types s into it, key by key.
func (b *browser) emType(sel, s string) {
	b.t.Helper()
	b.tabTo(sel)
	b.keys(s)
}

// emPick tabs to a select and picks the option labelled label by typing
// its first letters (the select's own type-ahead), as a keyboard user does;
// it returns the value picked.
func (b *browser) emPick(sel, label string) string {
	b.t.Helper()
	b.tabTo(sel)
	b.keys(label)
	return b.value(sel)
}

// TestBrowserEmployerRegister: a caseworker registers an employer (the
// organisation number typed with spaces, a wrong check digit first), a
// worksite and a supervisor from the keyboard, and opens the worksite page
// with its participant; axe on every page at desktop and phone widths.
func TestBrowserEmployerRegister(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	kari := app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login(kari.Email)
	_, amal := clPerson(t, c, 1, "Amal", "Haidari", kari.ID)
	b := newBrowser(t, app)
	b.login(kari.Email, testPassword)

	if st := b.open(paths.Employers()); st != http.StatusOK {
		t.Fatalf("employers: %d", st)
	}
	b.waitVisible(`[data-testid="empty-state"]`)
	b.checkPage("employers-empty")

	// "Ny arbeidsgiver" from the keyboard.
	b.tabTo(`[data-testid="new-employer"]`)
	if st := b.emEnter(); st != http.StatusOK {
		t.Fatalf("new employer page: %d", st)
	}
	b.waitVisible("#orgnr")
	b.checkPage("employer-new")
	b.emType("#name", "Solsiden sykehjem")
	b.emType("#orgnr", "974 760 674") // a wrong check digit
	if v := b.emPick("#sector", "Syk"); v != domain.SectorNursingHome {
		t.Fatalf("typing Syk picked sector %q", v)
	}
	b.emType("#address", "Storgata 1, 0155 Oslo")
	b.tabTo("#address")
	if st := b.emEnter(); st != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong check digit: status %d, want 422", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	if s := b.text(`[data-testid="error-summary"]`); !strings.Contains(s, "kontrollsifferet stemmer ikke") {
		t.Errorf("error summary %q", s)
	}
	if v := b.value("#name"); v != "Solsiden sykehjem" {
		t.Errorf("the name was not kept: %q", v)
	}
	b.checkPage("employer-new-error")
	// Tab selects the field's text; type the right number over it.
	b.tabTo("#orgnr")
	b.keys("974 760 673")
	if v := b.value("#orgnr"); v != "974 760 673" {
		t.Fatalf("orgnr %q", v)
	}
	if st := b.emEnter(); st != http.StatusOK {
		t.Fatalf("register: status %d", st)
	}
	b.waitVisible(`[data-testid="flash"]`)
	if s := b.text(`[data-testid="employer-orgnr"]`); s != "974 760 673" {
		t.Errorf("the page shows orgnr %q", s)
	}
	empURL := b.location()

	// A worksite: open the disclosure with the keyboard, fill it, Enter.
	b.tabTo(`[data-testid="add-worksite-toggle"]`)
	b.keys(" ")
	b.waitVisible("#ws-name")
	b.emType("#ws-name", "Kjøkkenet")
	b.emType("#ws-area", "Sentrum")
	b.emType("#ws-places", "3")
	b.tabTo("#ws-lang-ar")
	b.keys(" ")
	b.tabTo("#ws-lang-so")
	b.keys(" ")
	b.tabTo("#ws-places")
	if st := b.emEnter(); st != http.StatusOK {
		t.Fatalf("add worksite: status %d", st)
	}
	b.waitVisible(`[data-testid="worksite-row"]`)
	if s := b.text(`[data-testid="worksite-row"]`); !strings.Contains(s, "Kjøkkenet") || !strings.Contains(s, "Arabisk, Somali") {
		t.Errorf("worksite row %q", s)
	}

	// A supervisor at the worksite.
	b.tabTo(`[data-testid="add-contact-toggle"]`)
	b.keys(" ")
	b.waitVisible("#ct-name")
	b.emType("#ct-name", "Kari Veileder")
	b.emType("#ct-phone", "+47 912 34 567")
	b.emType("#ct-email", "kari@solsiden.no")
	if v := b.emPick("#ct-worksite_id", "Kjø"); v == "" {
		t.Fatal("typing Kjø picked no worksite")
	}
	b.tabTo("#ct-supervisor")
	b.keys(" ")
	b.tabTo("#ct-email")
	if st := b.emEnter(); st != http.StatusOK {
		t.Fatalf("add supervisor: status %d", st)
	}
	b.waitVisible(`[data-testid="supervisor-tag"]`)
	if s := b.text(`[data-testid="contact-row"]`); !strings.Contains(s, "Kari Veileder") || !strings.Contains(s, "Kjøkkenet") {
		t.Errorf("contact row %q", s)
	}
	b.checkPage("employer")
	// Every form of the page open (edit, new worksite, new contact, the
	// contact's edit, deactivation): ids unique, labels right.
	eval[bool](b, "open every disclosure", `(document.querySelectorAll('details').forEach(d => d.open = true), true)`)
	b.checkPage("employer-forms")

	// A placement of Amal at the worksite (the placements module makes
	// these; here by SQL), then the worksite page from the keyboard.
	ctx := context.Background()
	var ws, sup int64
	if err := app.DB.Pool.QueryRow(ctx, `SELECT w.id, c.id FROM worksites w JOIN employer_contacts c ON c.worksite_id = w.id`).Scan(&ws, &sup); err != nil {
		t.Fatal(err)
	}
	today := domain.Today(time.Now())
	if _, err := app.DB.Pool.Exec(ctx, `INSERT INTO placements (person_id, worksite_id, supervisor_id, minutes_per_week, weekdays, start_date, planned_end, goal, status)
		VALUES ($1, $2, $3, 900, '{1,2,3}', $4, $5, 'language', 'active')`, amal, ws, sup, today.AddDate(0, 0, -14), today.AddDate(0, 3, 0)); err != nil {
		t.Fatal(err)
	}
	if st := b.open(strings.TrimPrefix(empURL, app.TS.URL)); st != http.StatusOK {
		t.Fatalf("employer page again: %d", st)
	}
	b.tabTo(`a[href="` + paths.Worksite(ws) + `"]`)
	if st := b.emEnter(); st != http.StatusOK {
		t.Fatalf("worksite page: %d", st)
	}
	b.waitVisible(`[data-testid="current-table"]`)
	if s := b.text(`[data-testid="current-table"]`); !strings.Contains(s, "Amal Haidari") || !strings.Contains(s, "Aktiv") {
		t.Errorf("participants %q", s)
	}
	if s := b.text(`[data-testid="worksite-free"]`); s != "2" {
		t.Errorf("free places %q, want 2", s)
	}
	b.checkPage("worksite")
	eval[bool](b, "open every disclosure", `(document.querySelectorAll('details').forEach(d => d.open = true), true)`)
	b.checkPage("worksite-forms")

	// The list with its row, searched by the number with spaces.
	if st := b.open(paths.Employers() + "?q=" + strings.ReplaceAll("974 760 673", " ", "+")); st != http.StatusOK {
		t.Fatalf("search: %d", st)
	}
	b.waitVisible(`[data-testid="employer-row"]`)
	if s := b.text(`[data-testid="employer-row"]`); !strings.Contains(s, "Solsiden sykehjem") || !strings.Contains(s, strconv.Itoa(3)) {
		t.Errorf("list row %q", s)
	}
	b.checkPage("employers")
	b.checkJSErrors()
}
