package server_test

import (
	"net/http"
	"strings"
	"testing"

	"ankomst/internal/domain"

	"github.com/chromedp/chromedp"
)

// TestBrowserHealthWorklist: the health role's worklist, filtered by kind
// from the form and sorted by due date; the leaders' counts and a person's
// health access report; each checked with axe at desktop and phone widths.
func TestBrowserHealthWorklist(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("helse@k.no", domain.RoleHealth, "Øst")
	app.user("leder@k.no", domain.RoleLeader, "Øst")
	c := app.client()
	c.login("kari@k.no")
	path, amina := clPerson(t, c, 1, "Amina", "Haidari", kari.ID)
	_, omar := clPerson(t, c, 2, "Omar", "Said", kari.ID)
	_, lina := clPerson(t, c, 3, "Lina", "Farah", kari.ID)
	hlSeed(t, app, amina, "tb_screening", "not_started", -20)
	hlSeed(t, app, amina, "health_check", "booked", 3)
	hlSeed(t, app, omar, "vaccines", "not_started", 10)
	hlSeed(t, app, lina, "gp", "not_started", -1)
	hlSeed(t, app, lina, "dental", "booked", 0)

	b := newBrowser(t, app)
	b.login("helse@k.no", testPassword)
	if st := b.open("/health"); st != http.StatusOK {
		t.Fatalf("worklist: %d", st)
	}
	b.waitVisible(`[data-testid="worklist-table"]`)
	rows := worklistRows(b)
	if len(rows) != 5 || !strings.Contains(rows[0], "20 dager over fristen") || !strings.Contains(rows[4], "Om 10 dager") {
		t.Errorf("rows %q", rows)
	}
	b.checkPage("health-worklist")

	b.do("sort desc", chromedp.Click(chromedp.CSS(`[data-testid="sort-due"]`)))
	b.waitVisible(`th[aria-sort="descending"]`)
	if rows := worklistRows(b); len(rows) != 5 || !strings.Contains(rows[0], "Om 10 dager") {
		t.Errorf("desc rows %q", rows)
	}
	b.setValue("#kind", "tb_screening")
	if st := b.submit(`[data-testid="filter-submit"]`); st != http.StatusOK {
		t.Fatalf("filter: %d", st)
	}
	b.waitVisible(`[data-testid="worklist-table"]`)
	if loc := b.location(); !strings.Contains(loc, "kind=tb_screening") || !strings.Contains(loc, "dir=desc") {
		t.Errorf("the filter and sort are not in the URL: %s", loc)
	}
	if rows := worklistRows(b); len(rows) != 1 || !strings.Contains(rows[0], "Amina Haidari") {
		t.Errorf("filtered rows %q", rows)
	}
	b.setValue("#kind", "mental_health")
	b.submit(`[data-testid="filter-submit"]`)
	b.waitVisible(`[data-testid="empty-state"]`)
	b.checkPage("health-worklist-empty")

	l := newBrowser(t, app)
	l.login("leder@k.no", testPassword)
	if st := l.open("/health"); st != http.StatusOK {
		t.Fatalf("counts: %d", st)
	}
	l.waitVisible(`[data-testid="counts-table"]`)
	l.checkPage("health-counts")
	if st := l.open(path + "/health/access"); st != http.StatusOK {
		t.Fatalf("access report: %d", st)
	}
	l.waitVisible(`[data-testid="health-access-table"]`)
	l.checkPage("health-access")
}

func worklistRows(b *browser) []string {
	b.t.Helper()
	return eval[[]string](b, "read worklist rows",
		`[...document.querySelectorAll('[data-testid="worklist-row"]')].map(r => r.innerText)`)
}
