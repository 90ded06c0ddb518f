package server_test

import (
	"net/http"
	"strconv"
	"testing"

	"ankomst/internal/domain"
	"ankomst/web/paths"
)

// TestBrowserDashboard: a leader opens the dashboard with a few persons in
// the unit and a list behind a figure; an admin opens it for all units; axe
// at desktop and phone widths, and every SVG chart has its title and
// description (aria-labelledby) and a table beside it.
func TestBrowserDashboard(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	cwU := app.user("cw@ost.no", domain.RoleCaseworker, "Øst")
	cw2 := app.user("cw2@ost.no", domain.RoleCaseworker, "Øst")
	leader := app.user("leder@ost.no", domain.RoleLeader, "Øst")
	admin := app.user("admin@vest.no", domain.RoleAdmin, "Vest")
	c := app.client()
	c.login(cwU.Email)
	for i, name := range []string{"Haidari", "Tesfay", "Ahmadi", "Nur"} {
		cwID := cwU.ID
		if i%2 == 1 {
			cwID = cw2.ID
		}
		clPerson(t, c, i, "Amal", name, cwID)
	}

	b := newBrowser(t, app)
	b.login(leader.Email, testPassword)
	if st := b.open(paths.Dashboard()); st != http.StatusOK {
		t.Fatalf("dashboard: %d", st)
	}
	b.waitVisible(`[data-testid="dashboard-figures"]`)
	checkCharts(t, b)
	b.checkPage("dashboard-leader")
	if st := b.open(paths.DashboardList("no-end-reason")); st != http.StatusOK {
		t.Fatalf("list: %d", st)
	}
	b.waitVisible(`[data-testid="list-empty"]`)
	b.checkPage("dashboard-list")

	a := newBrowser(t, app)
	a.login(admin.Email, testPassword)
	if st := a.open(paths.Dashboard() + "?from=2025-07&to=2026-06"); st != http.StatusOK {
		t.Fatalf("dashboard, admin: %d", st)
	}
	a.waitVisible(`[data-testid="dashboard-filter"]`)
	checkCharts(t, a)
	a.checkPage("dashboard-admin")
}

// checkCharts: every chart's SVG is labelled by its title and description,
// which are not empty, and sits beside a table with rows.
func checkCharts(t *testing.T, b *browser) {
	t.Helper()
	problems := eval[string](b, "charts", `(() => {
		const out = [];
		const svgs = [...document.querySelectorAll('svg[data-testid="chart-svg"]')];
		if (svgs.length < 4) out.push('only ' + svgs.length + ' charts');
		for (const svg of svgs) {
			const ids = (svg.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean);
			const title = svg.querySelector('title'), desc = svg.querySelector('desc');
			if (svg.getAttribute('role') !== 'img') out.push('no role=img');
			if (!title || !title.textContent.trim() || !ids.includes(title.id)) out.push('a chart without its title');
			if (!desc || !desc.textContent.trim() || !ids.includes(desc.id)) out.push('a chart without its description');
			const section = svg.closest('section');
			const table = section && section.querySelector('table');
			if (!table || table.querySelectorAll('tbody tr').length === 0) out.push('chart ' + (title && title.textContent) + ' without a table');
		}
		return out.join('; ');
	})()`)
	if problems != "" {
		t.Errorf("charts: %s", problems)
	}
	n := eval[int](b, "bars", `document.querySelectorAll('svg[data-testid="chart-svg"] rect').length`)
	t.Logf("%s bars drawn", strconv.Itoa(n))
}
