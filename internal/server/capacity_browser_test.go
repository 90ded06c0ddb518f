package server_test

import (
	"net/http"
	"strings"
	"testing"

	"ankomst/internal/domain"

	"github.com/chromedp/chromedp"
)

// TestBrowserCapacity: the capacity page, filtered from the form, and the
// person page's placement history, each checked with axe at desktop and
// phone widths.
func TestBrowserCapacity(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@k.no")
	path, pid := clPerson(t, c, 1, "Amina", "Haidari", 0)
	capFixture(t, app, pid)

	b := newBrowser(t, app)
	b.login("kari@k.no", testPassword)
	if st := b.open("/placements/capacity"); st != http.StatusOK {
		t.Fatalf("capacity: %d", st)
	}
	b.waitVisible(`[data-testid="capacity-table"]`)
	b.checkPage("capacity")

	b.setValue("#area", "Nord")
	if st := b.submit(`[data-testid="filter-submit"]`); st != http.StatusOK {
		t.Fatalf("filter: %d", st)
	}
	b.waitVisible(`[data-testid="capacity-table"]`)
	if got := b.text(`[data-testid="capacity-count"]`); got != "1 arbeidssted" {
		t.Errorf("count %q", got)
	}
	if loc := b.location(); !strings.Contains(loc, "area=Nord") {
		t.Errorf("the filter is not in the URL: %s", loc)
	}
	b.checkPage("capacity-filtered")

	b.setValue("#area", "Sør")
	b.do("only free", chromedp.Click(chromedp.CSS(`#only_free`)))
	b.submit(`[data-testid="filter-submit"]`)
	b.waitVisible(`[data-testid="capacity-count"]`)
	b.setValue("#sector", "kitchen")
	b.submit(`[data-testid="filter-submit"]`)
	b.waitVisible(`[data-testid="empty-state"]`)
	b.checkPage("capacity-empty")

	if st := b.open(path); st != http.StatusOK {
		t.Fatalf("person: %d", st)
	}
	b.waitVisible(`[data-testid="placement-section"]`)
	b.checkPage("person-placements")
}
