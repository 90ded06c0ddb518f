package server

import (
	"net/http"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/admin"
	"ankomst/web/layout"
	"ankomst/web/paths"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
)

// module is one module's part in the places every module shares: its routes
// (inside the logged-in group), its menu entry and its section of the person
// page. Adding a module means its own files and one line in modules().
// (What a merge moves is postgres.mergeMoves; demo data is demo.moduleSteps; see "How to add a module" in docs/ARCHITECTURE.md.)
type module struct {
	name    string
	routes  func(r chi.Router)
	menu    *menuEntry
	section personSection
	// admin, when set, makes the menu entry a tool of the administration
	// page (GET /admin, «Administrasjon») and says what it is for there;
	// the main menu shows that page once, last, instead of each tool.
	admin string
}

// menuEntry is a module's item in the main menu, shown to the roles that
// hold its capability.
type menuEntry struct {
	key   string // the page's Shell.Nav value that marks it current
	label string
	path  string
	cap   domain.Capability
}

// personSection queues a module's reads into the person page's batch and
// returns what renders the section once the batch has run (nil: nothing to
// show for this user).
type personSection func(pg *personPage) func(p *domain.Person) (templ.Component, error)

// modules lists every module, in menu and person-page order.
func (s *Server) modules() []module {
	return []module{
		{name: "persons", routes: s.personRoutes,
			menu: &menuEntry{"persons", "Deltakere", paths.Persons(), domain.CapReadCase}},
		{name: "households", routes: s.householdRoutes, section: s.householdSection,
			menu: &menuEntry{"households", "Husstander", paths.Households(), domain.CapReadCase}},
		{name: "leases", routes: s.leaseRoutes, section: s.homeSection},
		{name: "housing-support", routes: s.guidanceRoutes},
		{name: "deadlines", routes: s.deadlineRoutes, section: s.deadlineSection,
			menu: &menuEntry{"deadlines", "Frister", paths.Deadlines(), domain.CapReadCase}},
		{name: "health-checklist", routes: s.healthRoutes, section: s.healthSection},
		{name: "programme", routes: s.programmeRoutes, section: s.programmeSection},
		{name: "plans", routes: s.planRoutes},
		{name: "placements", routes: s.placementRoutes},
		{name: "attendance", routes: s.attendanceRoutes,
			menu: &menuEntry{"attendance", "Oppmøte", paths.Attendance(), domain.CapProgramme}},
		{name: "groups", routes: s.groupRoutes,
			menu: &menuEntry{"groups", "Grupper", paths.Groups(), domain.CapProgramme}},
		{name: "employers", routes: s.employerRoutes,
			menu: &menuEntry{"employers", "Arbeidsgivere", paths.Employers(), domain.CapProgramme}},
		{name: "benefit", routes: s.benefitRoutes,
			menu: &menuEntry{"benefit-calculator", "Stønadskalkulator", paths.BenefitCalculator(), domain.CapProgramme}},
		{name: "capacity", routes: s.capacityRoutes, section: s.placementHistorySection,
			menu: &menuEntry{"capacity", "Praksisplasser", paths.PlacementsCapacity(), domain.CapProgramme}},
		{name: "notes", routes: s.noteRoutes, section: s.timelineSection},
		{name: "reassign", routes: s.reassignRoutes,
			menu: &menuEntry{"caseload", "Saksfordeling", paths.Caseload(), domain.CapReassign}},
		{name: "closing", routes: s.closingRoutes},
		{name: "accesslog", routes: s.accessLogRoutes},
		{name: "merge", routes: s.mergeRoutes},
		{name: "rates", routes: s.rateRoutes,
			menu:  &menuEntry{"rates", "Satser", paths.AdminRates(), domain.CapAdminister},
			admin: "Grunnbeløpet (G), satser og grenser med dato de gjelder fra."},
		{name: "payroll", routes: s.payrollRoutes,
			menu: &menuEntry{"payroll", "Utbetalingsgrunnlag", paths.Payroll(), domain.CapPayroll}},
		{name: "health-worklist", routes: s.healthWorklistRoutes,
			menu: &menuEntry{"health", "Helse", paths.Health(), domain.CapReadHealth}},
		{name: "health-access", routes: s.healthAccessRoutes,
			menu: &menuEntry{"health-counts", "Helse (tall)", paths.Health(), domain.CapLeaderViews}},
		{name: "housing-registers", routes: s.housingRoutes,
			menu: &menuEntry{"housing", "Boliger", paths.HousingUnits(), domain.CapWriteHousing}},
		{name: "housing-board", routes: s.housingBoardRoutes},
		{name: "users", routes: s.userRoutes,
			menu:  &menuEntry{"users", "Brukere", paths.AdminUsers(), domain.CapAdminister},
			admin: "Opprett brukere, endre rolle og enhet, deaktiver, avslutt økter og lag lenke for nytt passord."},
		{name: "two-factor", routes: s.twoFactorRoutes,
			menu:  &menuEntry{"admin-2fa", "Tofaktor per enhet", paths.AdminTwoFactor(), domain.CapAdminister},
			admin: "Krev tofaktorinnlogging for alle brukere i en enhet."},
		{name: "dashboard", routes: s.dashboardRoutes,
			menu: &menuEntry{"dashboard", "Oversikt", paths.Dashboard(), domain.CapLeaderViews}},
		{name: "retention", routes: s.retentionRoutes,
			menu:  &menuEntry{"retention", "Sletting", paths.AdminRetention(), domain.CapRetention},
			admin: "Slettefrister, prøvekjøring og anonymisering, og saker med sletteforbud."},
		{name: "reports", routes: s.reportRoutes,
			menu: &menuEntry{"reports", "Rapporter", paths.Reports(), domain.CapLeaderViews}},
		{name: "settlement", routes: s.settlementRoutes,
			menu: &menuEntry{"settlement", "Bosetting", paths.Settlement(), domain.CapLeaderViews}},
		{name: "admin", routes: s.adminRoutes},
	}
}

// personPage is the person page being built: the request and the batch the
// sections queue their reads into. Reads two sections need are queued once.
type personPage struct {
	r         *http.Request
	batch     *postgres.PersonPageBatch
	deadlines *[]domain.Deadline
}

// Deadlines queues the person's deadlines and tasks once for the page (the
// deadline section and the timeline both show them; a health read is then
// audited once).
func (pg *personPage) Deadlines() *[]domain.Deadline {
	if pg.deadlines == nil {
		pg.deadlines = pg.batch.Deadlines()
	}
	return pg.deadlines
}

// menus is the main menu of each role: the modules' entries whose
// capability the role holds, in module order, and last the administration
// tools as one entry «Administrasjon» (current on each tool's page).
func menus(mods []module) map[domain.Role][]layout.MenuItem {
	out := map[domain.Role][]layout.MenuItem{}
	for _, r := range domain.Roles() {
		hub := layout.MenuItem{Key: adminNav, Label: "Administrasjon", Path: paths.Admin()}
		for _, m := range mods {
			if m.menu == nil || !r.Can(m.menu.cap) {
				continue
			}
			if m.admin != "" {
				hub.Also = append(hub.Also, m.menu.key)
				continue
			}
			out[r] = append(out[r], layout.MenuItem{Key: m.menu.key, Label: m.menu.label, Path: m.menu.path})
		}
		if len(hub.Also) > 0 {
			out[r] = append(out[r], hub)
		}
	}
	return out
}

// adminNav is the administration page's Shell.Nav value.
const adminNav = "admin"

// adminTools are the administration page's tools the role may open, in
// module order.
func adminTools(mods []module, r domain.Role) []admin.Tool {
	var out []admin.Tool
	for _, m := range mods {
		if m.menu != nil && m.admin != "" && r.Can(m.menu.cap) {
			out = append(out, admin.Tool{Label: m.menu.label, Path: m.menu.path, Desc: m.admin, TestID: "admin-tool-" + m.menu.key})
		}
	}
	return out
}

// withMenu puts the user's menu in the request context for the layout.
func (s *Server) withMenu(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := currentUser(r); u != nil {
			r = r.WithContext(layout.WithMenu(r.Context(), s.menus[u.Role]))
		}
		next.ServeHTTP(w, r)
	})
}
