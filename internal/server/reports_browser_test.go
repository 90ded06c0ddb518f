package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestBrowserReports: a leader opens the exports page (after one NIR export,
// so the last exports are listed) and the NIR check report and follows a
// finding to the programme page; an admin sees the unit pickers. axe-core at
// desktop and phone width on each page.
func TestBrowserReports(t *testing.T) {
	skipUnlessBrowser(t)
	fx := newNIRFixture(t)
	app := fx.app
	c := app.client()
	c.login("leder@k.no")
	if r := c.get("/reports/nir.csv?changed=1"); r.Status != http.StatusOK {
		t.Fatalf("export: %d", r.Status)
	}

	b := newBrowser(t, app)
	b.login("leder@k.no", testPassword)
	if st := b.open("/reports"); st != http.StatusOK {
		t.Fatalf("reports: %d", st)
	}
	if got := b.text(`[data-testid="nir-programmes"]`); got != "3" {
		t.Errorf("programmes: %q", got)
	}
	if n := eval[int](b, "exports", `document.querySelectorAll('[data-testid="nir-export"]').length`); n != 1 {
		t.Errorf("exports listed: %d", n)
	}
	b.checkPage("reports")
	if st := b.submit(`[data-testid="nir-check-link"]`); st != http.StatusOK {
		t.Fatalf("check: %d", st)
	}
	if got := b.text(`[data-testid="check-shown"]`); !strings.Contains(got, "2 deltakere med funn") {
		t.Errorf("shown: %q", got)
	}
	b.checkPage("reports-nir-check")
	if st := b.submit(`[data-testid="check-row"] a`); st != http.StatusOK {
		t.Errorf("to the programme page: %d", st)
	}

	a := newBrowser(t, app)
	a.login("admin@k.no", testPassword)
	if st := a.open("/reports"); st != http.StatusOK {
		t.Fatalf("admin reports: %d", st)
	}
	a.waitVisible(`#nir-unit-select`)
	a.checkPage("reports-admin")
	if st := a.open("/reports/nir/check"); st != http.StatusOK {
		t.Fatalf("admin check: %d", st)
	}
	a.checkPage("reports-nir-check-admin")
}
