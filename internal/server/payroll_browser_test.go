package server_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"

	"github.com/chromedp/chromedp"
)

// TestBrowserPayroll: a leader reads the payroll basis of May, pages it,
// shows only the participants that krever vedtak, is refused without the
// confirmation, approves, and finds the month locked; an admin chooses a
// unit. axe-core at desktop and phone width on each state of the page.
func TestBrowserPayroll(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	b := newBrowser(t, app)
	ctx := context.Background()
	leader := app.user("leder@k.no", domain.RoleLeader, "Øst")
	app.user("admin@k.no", domain.RoleAdmin, "Vest")
	app.DB.Now = func() time.Time { return time.Date(2025, 7, 3, 12, 0, 0, 0, time.UTC) }
	payrollPersons(t, app, leader.UnitID, 120, "Nilsen", "2025-01-06")
	// Every 10th: 15 days unexcused in May (krever vedtak); every 7th: 7,5 h.
	if _, err := app.DB.Pool.Exec(ctx, `INSERT INTO attendance (person_id, day, absent_minutes, reason)
		SELECT p.id, d::date, 450, 'unexcused' FROM persons p, generate_series('2025-05-01'::date, '2025-05-21'::date, '1 day') d
		WHERE extract(isodow FROM d) < 6 AND p.id % 10 = 0
		UNION ALL
		SELECT p.id, '2025-05-05', 450, 'unexcused' FROM persons p WHERE p.id % 7 = 0 AND p.id % 10 <> 0`); err != nil {
		t.Fatal(err)
	}

	b.login("leder@k.no", testPassword)
	if st := b.open("/reports/payroll?month=2025-05"); st != http.StatusOK {
		t.Fatalf("payroll: %d", st)
	}
	if got := b.text(`[data-testid="flagged-count"]`); got != "12" {
		t.Errorf("flagged count: %q", got)
	}
	if n := eval[int](b, "rows", `document.querySelectorAll('[data-testid="payroll-row"]').length`); n != 100 {
		t.Errorf("rows on page 1: %d", n)
	}
	b.checkPage("payroll")
	if st := b.submit(`[data-testid="next-page"]`); st != http.StatusOK || !strings.Contains(b.text(`[data-testid="shown"]`), "101–120 av 120") {
		t.Errorf("page 2: %d %q", st, b.text(`[data-testid="shown"]`))
	}
	if st := b.submit(`[data-testid="sort-amount"]`); st != http.StatusOK {
		t.Errorf("sort: %d", st)
	}
	if st := b.submit(`[data-testid="show-flagged"]`); st != http.StatusOK {
		t.Errorf("flagged: %d", st)
	}
	if n := eval[int](b, "flagged rows", `document.querySelectorAll('[data-testid="payroll-row"][data-flagged="true"]').length`); n != 12 {
		t.Errorf("flagged rows: %d", n)
	}
	b.checkPage("payroll-flagged")

	// Approve without the confirmation: refused, the box marked.
	if st := b.submit(`[data-testid="approve"]`); st != http.StatusUnprocessableEntity {
		t.Errorf("approve unconfirmed: %d", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	b.checkPage("payroll-unconfirmed")
	b.do("confirm", chromedp.Click(chromedp.CSS(`[data-testid="confirm"]`)))
	if st := b.submit(`[data-testid="approve"]`); st != http.StatusOK {
		t.Fatalf("approve: %d", st)
	}
	b.waitVisible(`[data-testid="approved"]`)
	if got := b.text(`[data-testid="approved"]`); !strings.Contains(got, leader.Name) {
		t.Errorf("approved: %q", got)
	}
	b.checkPage("payroll-approved")

	// An admin picks the unit.
	a := newBrowser(t, app)
	a.login("admin@k.no", testPassword)
	if st := a.open("/reports/payroll?month=2025-05"); st != http.StatusOK {
		t.Fatalf("admin: %d", st)
	}
	a.waitVisible(`[data-testid="payroll-empty"]`)
	a.setValue("#unit", strconv.FormatInt(leader.UnitID, 10))
	if st := a.submit(`[data-testid="show"]`); st != http.StatusOK {
		t.Fatalf("admin, unit: %d", st)
	}
	if got := a.text(`[data-testid="payroll-heading"]`); got != "Øst, mai 2025" {
		t.Errorf("admin heading: %q", got)
	}
	a.checkPage("payroll-admin")
}
