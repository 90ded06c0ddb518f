package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ankomst/internal/domain"
)

// TestBrowserBenefit: the calculator from the keyboard, a participant's
// benefit month and the rates page, each checked with axe at desktop and
// phone widths.
func TestBrowserBenefit(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("admin@k.no", domain.RoleAdmin, "Vest")
	c := app.client()
	c.login("kari@k.no")
	_, id := clPerson(t, c, 1, "Amina", "Haidari", kari.ID)
	if _, err := app.DB.Pool.Exec(context.Background(), `INSERT INTO programmes (person_id, decision, decision_date, start_date, planned_end)
		VALUES ($1, 'granted', '2025-05-01', '2025-05-19', '2027-05-18')`, id); err != nil {
		t.Fatal(err)
	}
	path := "/persons/" + itoa64(id) + "/programme/benefit"
	if r := c.post(path+"/deductions", url.Values{"month": {"2025-05"}, "amount": {"1 000"}, "description": {"Sykepenger fra Nav"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("deduction: %d", r.Status)
	}

	b := newBrowser(t, app)
	b.login("kari@k.no", testPassword)
	if st := b.open("/benefit/calculator"); st != http.StatusOK {
		t.Fatalf("calculator: %d", st)
	}
	b.waitVisible(`[data-testid="calculator-form"]`)
	b.checkPage("calculator")

	// A whole May 2025 at full rate with 7,5 h unexcused: 21 693,33 −
	// 7,5 × 260 320 ÷ 1 950 (1 001,23) = 20 692,10 → 20 692.
	b.setValue("#month", "2025-05")
	b.setValue("#birth_date", "1950-01-01")
	b.typeInto("#unexcused_hours", "7,5")
	if st := b.submit(`[data-testid="calculate"]`); st != http.StatusOK {
		t.Fatalf("calculate: %d", st)
	}
	b.waitVisible(`[data-testid="benefit-result"]`)
	if got := b.text(`[data-testid="payment"]`); got != "20 692" {
		t.Errorf("payment %q", got)
	}
	if loc := b.location(); !strings.Contains(loc, "month=2025-05") || !strings.Contains(loc, "unexcused_hours=7%2C5") {
		t.Errorf("the query is not in the URL: %s", loc)
	}
	if w := b.text(`[data-testid="working"]`); !strings.Contains(w, "Hel måned: 260 320 kr ÷ 12 = 21 693,33 kr") {
		t.Errorf("working %q", w)
	}
	b.checkPage("calculator-result")

	// Bad input: 422, the summary, what was typed kept.
	b.typeInto("#unexcused_hours", "sju")
	if st := b.submit(`[data-testid="calculate"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("bad hours: %d", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	if v := b.value("#unexcused_hours"); v != "sju" {
		t.Errorf("typed hours lost: %q", v)
	}
	b.checkPage("calculator-errors")

	// The participant's month: 10 days from 19 May, less 1 000 kr: 9 012.
	if st := b.open(path + "?month=2025-05"); st != http.StatusOK {
		t.Fatalf("benefit page: %d", st)
	}
	b.waitVisible(`[data-testid="benefit-result"]`)
	if got := b.text(`[data-testid="payment"]`); got != "9 012" {
		t.Errorf("person payment %q", got)
	}
	b.checkPage("person-benefit")
	b.typeInto("#amount", "mye")
	if st := b.submit(`[data-testid="add-deduction"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("bad deduction: %d", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	b.checkPage("person-benefit-errors")

	// The rates page, as an administrator, with every history open.
	a := newBrowser(t, app)
	a.login("admin@k.no", testPassword)
	if st := a.open("/admin/rates"); st != http.StatusOK {
		t.Fatalf("rates: %d", st)
	}
	a.waitVisible(`[data-testid="rate-form"]`)
	a.checkPage("rates")
	eval[bool](a, "open the histories", `(() => { document.querySelectorAll('details').forEach(d => d.open = true); return true })()`)
	a.checkPage("rates-history")
	a.setValue("#kind", "g")
	a.typeInto("#value", "tusen")
	if st := a.submit(`[data-testid="add-rate"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("bad rate: %d", st)
	}
	a.waitVisible(`[data-testid="error-summary"]`)
	a.checkPage("rates-errors")
}
