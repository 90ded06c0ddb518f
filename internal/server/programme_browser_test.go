package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserProgramme: a caseworker opens a person's programme in
// Chromium, registers the permit date and a decision (after one refused
// attempt), adds a leave, and sees the person page's Program section; axe on
// every programme page at desktop and phone widths (screenshots with
// ANKOMST_SCREENSHOTS).
func TestBrowserProgramme(t *testing.T) {
	skipUnlessBrowser(t)
	app, _, path, _ := progApp(t)
	b := newBrowser(t, app)
	b.login("kari@k.no", testPassword)
	prog := path + "/programme"

	if st := b.open(prog); st != http.StatusOK {
		t.Fatalf("programme page: %d", st)
	}
	b.checkPage("programme-empty")

	// The permit date.
	b.open(prog + "/ruleset")
	b.checkPage("programme-ruleset")
	b.setValue("#permit_date", "2026-02-01")
	if st := b.submit(`[data-testid="submit"]`); st != http.StatusOK {
		t.Fatalf("rule set: %d", st)
	}
	if got := b.text(`[data-testid="right-duty"]`); !strings.Contains(got, "Amina har rett og plikt") {
		t.Errorf("right and duty: %q", got)
	}

	// The decision: first a planned end past the allowed duration.
	if st := b.submit(`[data-testid="decision-edit"]`); st != http.StatusOK {
		t.Fatalf("decision form: %d", st)
	}
	b.checkPage("programme-decision")
	b.do("granted", chromedp.Click(chromedp.CSS(`[data-testid="decision-granted"]`)))
	b.setValue("#decision_date", "2026-03-12")
	b.setValue("#start_date", "2026-03-16")
	b.setValue("#planned_end", "2029-03-16")
	b.setValue("#end_goal", "work")
	b.typeInto("#norwegian_goal", "B1")
	if st := b.submit(`[data-testid="submit"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("too long a programme: %d, want 422", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	b.checkPage("programme-decision-error")
	if v := b.value("#norwegian_goal"); v != "B1" {
		t.Errorf("the Norwegian goal was not kept: %q", v)
	}
	b.setValue("#planned_end", "2027-03-16")
	if st := b.submit(`[data-testid="submit"]`); st != http.StatusOK {
		t.Fatalf("decision: %d", st)
	}
	if got := b.text(`[data-testid="flash"]`); got != "Vedtaket er lagret." {
		t.Errorf("flash %q", got)
	}
	if got := b.text(`[data-testid="allowed-end"]`); got != "mellom 16.06.2026 og 16.03.2028" {
		t.Errorf("allowed end %q", got)
	}
	b.checkPage("programme-granted")

	// A leave moves the planned end.
	b.submit(`[data-testid="new-pause"]`)
	b.checkPage("programme-pause")
	b.setValue("#kind", "leave")
	b.typeInto("#reason", "Fødsel")
	b.setValue("#from_date", "2026-03-16")
	b.setValue("#to_date", "2026-03-22")
	if st := b.submit(`[data-testid="submit"]`); st != http.StatusOK {
		t.Fatalf("pause: %d", st)
	}
	if got := b.text(`[data-testid="effective-end"]`); !strings.Contains(got, "23.03.2027") {
		t.Errorf("effective end %q", got)
	}
	b.submit(`[data-testid="pause-table"] a`)
	b.checkPage("programme-pause-edit")
	for _, part := range []string{"mapping", "contract", "end"} {
		b.open(prog + "/" + part)
		b.checkPage("programme-" + part)
	}

	// The person page's section.
	b.open(path)
	b.waitVisible(`[data-testid="programme-section"]`)
	if got := b.text(`[data-testid="section-decision"]`); got != "Innvilget 12.03.2026" {
		t.Errorf("section decision %q", got)
	}
	b.checkPage("person-programme-section")
}
