package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/dashboard"
	"ankomst/web/paths"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// The leaders' dashboard (GET /dashboard, issue 12 part 4): leaders see
// their unit, admins choose a unit or all (?unit=ID); the period is whole
// months (?from=YYYY-MM&to=YYYY-MM, the last 12 months by default), so the
// address is the saved filter. The figures are read in one batch on the
// read pool (postgres.Dashboard, where the rules are); /dashboard.csv gives
// the same numbers, and /dashboard/list/{list} the persons behind the
// figures no module lists.

// dashMaxMonths is the longest period the dashboard shows.
const dashMaxMonths = 36

func (s *Server) dashboardRoutes(r chi.Router) {
	r.Get("/dashboard", s.dashboard)
	r.Get("/dashboard.csv", s.dashboardCSV)
	r.Get("/dashboard/list/{list}", s.dashboardList)
}

// dashFilter is the parsed filter with what was corrected.
type dashFilter struct {
	q      postgres.DashboardQuery
	notice string
}

// values is the filter as query parameters (unit only when chosen).
func (f dashFilter) values() url.Values {
	v := url.Values{}
	if f.q.UnitID != 0 {
		v.Set("unit", strconv.FormatInt(f.q.UnitID, 10))
	}
	v.Set("from", domain.FormatISOMonth(f.q.From))
	v.Set("to", domain.FormatISOMonth(f.q.To))
	return v
}

func (f dashFilter) url(base string) string { return base + "?" + f.values().Encode() }

// parseDashMonth reads YYYY-MM (the first of the month), ok false when it is not one.
func parseDashMonth(raw string) (time.Time, bool) {
	raw = strings.TrimSpace(raw)
	if len(raw) != 7 {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01", raw)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, false
	}
	return t, true
}

// dashboardFilter parses the filter: a unit outside the user's scope (or
// not a number) is ENOTFOUND; a month that cannot be read falls back to the
// default with a notice, a reversed period is turned round and a too long
// one cut to dashMaxMonths.
func (s *Server) dashboardFilter(r *http.Request) (dashFilter, error) {
	u := currentUser(r)
	q := r.URL.Query()
	today := domain.Today(s.DB.Now())
	f := dashFilter{q: postgres.DashboardQuery{Today: today}}
	if raw := strings.TrimSpace(q.Get("unit")); raw != "" && raw != "all" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 || (!u.Role.Can(domain.CapAllUnits) && id != u.UnitID) {
			return f, domain.Errorf(domain.ENOTFOUND, "Fant ikke enheten.")
		}
		if u.Role.Can(domain.CapAllUnits) {
			f.q.UnitID = id
		}
	}
	to, from := domain.MonthStart(today), time.Time{}
	var bad bool
	if raw := q.Get("to"); raw != "" {
		if t, ok := parseDashMonth(raw); ok {
			to = t
		} else {
			bad = true
		}
	}
	from = domain.AddMonths(to, -11)
	if raw := q.Get("from"); raw != "" {
		if t, ok := parseDashMonth(raw); ok {
			from = t
		} else {
			bad = true
		}
	}
	if bad {
		f.notice = "En måned i filteret kunne ikke leses (skriv ÅÅÅÅ-MM); standardperioden er brukt for den."
	}
	if from.After(to) {
		from, to = to, from
	}
	if domain.AddMonths(from, dashMaxMonths).Before(domain.AddMonths(to, 1)) {
		from = domain.AddMonths(to, -(dashMaxMonths - 1))
		f.notice = "Perioden er kortet ned til de siste " + strconv.Itoa(dashMaxMonths) + " månedene."
	}
	f.q.From, f.q.To = from, to
	return f, nil
}

// monthLabel is "januar 2026".
func monthLabel(m time.Time) string { return domain.MonthName(m) + " " + strconv.Itoa(m.Year()) }

// pct is n of total in whole per cent as text ("–" without a total).
func pct(n, total int) string {
	if total == 0 {
		return "–"
	}
	return strconv.Itoa((n*100+total/2)/total) + " %"
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapLeaderViews) {
		return
	}
	f, err := s.dashboardFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.DB.Dashboard(r.Context(), scope(r), f.q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := dashboardView(currentUser(r), f, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, dashboard.Page(v))
}

// dashUnitName is the chosen unit's name ("" when it is not among the units).
func dashUnitName(f dashFilter, d postgres.Dashboard) (string, bool) {
	if f.q.UnitID == 0 {
		if len(d.Units) == 1 {
			return d.Units[0].Name, true
		}
		return "alle enheter", true
	}
	for _, un := range d.Units {
		if un.ID == f.q.UnitID {
			return un.Name, true
		}
	}
	return "", false
}

func dashboardView(u *domain.User, f dashFilter, d postgres.Dashboard) (dashboard.View, error) {
	name, ok := dashUnitName(f, d)
	if !ok {
		return dashboard.View{}, domain.Errorf(domain.ENOTFOUND, "Fant ikke enheten.")
	}
	unitQ := url.Values{}
	if f.q.UnitID != 0 {
		unitQ.Set("unit", strconv.FormatInt(f.q.UnitID, 10))
	}
	withUnit := func(base string, extra ...string) string {
		v := url.Values{}
		for k, x := range unitQ {
			v[k] = x
		}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		if len(v) == 0 {
			return base
		}
		return base + "?" + v.Encode()
	}
	listURL := func(list string) string { return f.url(paths.DashboardList(list)) }
	v := dashboard.View{User: u, UnitName: name, Notice: f.notice,
		From: domain.FormatISOMonth(f.q.From), To: domain.FormatISOMonth(f.q.To),
		PeriodText: monthLabel(f.q.From) + " – " + monthLabel(f.q.To),
		Today:      domain.FormatDate(&f.q.Today),
		CSVURL:     f.url(paths.DashboardCSV()), SelfURL: f.url(paths.Dashboard())}
	if u.Role.Can(domain.CapAllUnits) {
		v.Units = []domain.Option{{Value: "", Label: "Alle enheter"}}
		for _, un := range d.Units {
			v.Units = append(v.Units, domain.Option{Value: strconv.FormatInt(un.ID, 10), Label: un.Name})
		}
		if f.q.UnitID != 0 {
			v.Unit = strconv.FormatInt(f.q.UnitID, 10)
		}
	}

	// Headline figures.
	started := "–"
	if d.Started > 0 {
		started = pct(d.StartedWithin3, d.Started)
	}
	median := "ingen startet i perioden"
	if d.MedianStartDays != nil {
		median = "median " + strings.Replace(strconv.FormatFloat(*d.MedianStartDays, 'f', -1, 64), ".", ",", 1) + " dager fra bosetting/vedtak"
	}
	var present, absent int64
	needs := 0
	for _, m := range d.Months {
		present, absent, needs = present+m.Present, absent+m.Absent, needs+m.NeedsDecision
	}
	attendance := "–"
	if present+absent > 0 {
		attendance = strconv.Itoa(int((present*100+(present+absent)/2)/(present+absent))) + " %"
	}
	participants := d.Hours.Participants()
	cw := 0
	for _, c := range d.Caseload {
		cw += c.Persons
	}
	v.Figures = []dashboard.Figure{
		{Label: "Aktive personer", Value: strconv.Itoa(cw), Note: "fordelt på saksbehandlere under", URL: withUnit(paths.Caseload()), TestID: "fig-active"},
		{Label: "Programstart innen 3 måneder", Value: started, Note: fmt.Sprintf("%d av %d startet i perioden; %s", d.StartedWithin3, d.Started, median), URL: listURL(postgres.ListLateStart), TestID: "fig-start"},
		{Label: "Deltakere på fulltid (37,5 t)", Value: pct(d.Hours.Full, participants), Note: fmt.Sprintf("%d av %d deltakere i program nå", d.Hours.Full, participants), URL: listURL(postgres.ListPartTime), TestID: "fig-fulltime"},
		{Label: "Oppmøte", Value: attendance, Note: "oppmøtt av registrert tid i perioden", URL: paths.Attendance(), TestID: "fig-attendance"},
		{Label: "Stønadsmåneder som krever vedtak", Value: strconv.Itoa(needs), Note: "i godkjente utbetalingsgrunnlag i perioden", URL: paths.Payroll(), TestID: "fig-needs-decision"},
		{Label: "Aktive praksisplasser", Value: strconv.Itoa(d.ActivePlacements), URL: paths.PlacementsCapacity(), TestID: "fig-placements"},
		{Label: "Praksisplasser som slutter innen 4 uker", Value: strconv.Itoa(d.EndingPlacements), URL: listURL(postgres.ListEndingPlacements), TestID: "fig-placements-ending"},
		{Label: "Boliger utleid", Value: pct(d.Housing.Let, d.Housing.Let+d.Housing.Free), Note: fmt.Sprintf("%d utleid, %d ledige, %d under oppussing", d.Housing.Let, d.Housing.Free, d.Housing.Repair), URL: paths.Housing(), TestID: "fig-housing"},
		{Label: "Ledige boliger", Value: strconv.Itoa(d.Housing.Free), URL: paths.Housing(), TestID: "fig-housing-free"},
		{Label: "Avsluttede program uten sluttårsak", Value: strconv.Itoa(d.MissingEndReason), URL: listURL(postgres.ListNoEndReason), TestID: "fig-no-end-reason"},
	}

	// Caseload per caseworker.
	cl := dashboard.Chart{ID: "chart-caseload", Title: "Aktive personer per saksbehandler",
		Desc: "Stolpediagram: antall aktive personer hver saksbehandler har nå.", Columns: []string{"Saksbehandler", "Aktive personer"},
		Empty: "Ingen aktive personer."}
	for _, c := range d.Caseload {
		label, filter := c.Name, strconv.FormatInt(c.UserID, 10)
		if c.UserID == 0 {
			label, filter = "Uten saksbehandler", "none"
		}
		cl.Bars = append(cl.Bars, dashboard.Bar{Label: label, Value: c.Persons, Display: strconv.Itoa(c.Persons), URL: withUnit(paths.Caseload(), "caseworker", filter)})
	}

	// Deadline breaches by month (bars: the month's total), kinds in the table.
	kinds := postgres.DashDeadlineKinds()
	br := dashboard.Chart{ID: "chart-breaches", Title: "Fristbrudd per måned",
		Desc:    "Stolpediagram: frister med forfall i måneden som er forfalt uten å være utført, eller utført for sent.",
		Columns: []string{"Måned", "Fristbrudd i alt"}, Empty: "Ingen måneder i perioden."}
	for _, k := range kinds {
		br.Columns = append(br.Columns, domain.DeadlineTitle(k)+" (forfalt / for sent)")
	}
	byMonth := map[time.Time]map[string]postgres.DashBreach{}
	for _, b := range d.Breaches {
		if byMonth[b.Month] == nil {
			byMonth[b.Month] = map[string]postgres.DashBreach{}
		}
		byMonth[b.Month][b.Kind] = b
	}
	for _, m := range d.Months {
		total := 0
		var extra []string
		for _, k := range kinds {
			b := byMonth[m.Month][k]
			total += b.Overdue + b.Late
			extra = append(extra, fmt.Sprintf("%d / %d", b.Overdue, b.Late))
		}
		br.Bars = append(br.Bars, dashboard.Bar{Label: monthLabel(m.Month), Value: total, Display: strconv.Itoa(total), Extra: extra,
			URL: paths.Deadlines() + "?view=all"})
	}

	// Hours per week of the running participants.
	h := d.Hours
	hc := dashboard.Chart{ID: "chart-hours", Title: "Planlagte timer per uke, deltakere i program nå",
		Desc:    "Stolpediagram: antall deltakere etter planlagt tid per uke i planen som gjelder i dag; fulltid er 37,5 timer.",
		Columns: []string{"Planlagt tid", "Deltakere", "Andel"}, Empty: "Ingen deltakere i program."}
	if participants > 0 {
		for _, b := range []struct {
			label string
			n     int
		}{{"Uten plan", h.NoPlan}, {"Under 20 timer", h.Under20}, {"20 til under 30 timer", h.Under30},
			{"30 til under 37,5 timer", h.UnderFull}, {"37,5 timer eller mer", h.Full}} {
			url := listURL(postgres.ListPartTime)
			if b.label == "37,5 timer eller mer" {
				url = ""
			}
			hc.Bars = append(hc.Bars, dashboard.Bar{Label: b.label, Value: b.n, Display: strconv.Itoa(b.n), Extra: []string{pct(b.n, participants)}, URL: url})
		}
	}

	// Attendance rate per month.
	ac := dashboard.Chart{ID: "chart-attendance", Title: "Oppmøte per måned",
		Desc:    "Stolpediagram: oppmøtt tid som andel av registrert tid (oppmøte pluss fravær) per måned.",
		Columns: []string{"Måned", "Oppmøte", "Oppmøtt (timer)", "Fravær (timer)"}, Empty: "Ingen måneder i perioden."}
	for _, m := range d.Months {
		p := m.AttendancePercent()
		disp := "–"
		if p >= 0 {
			disp = strconv.Itoa(p) + " %"
		}
		ac.Bars = append(ac.Bars, dashboard.Bar{Label: monthLabel(m.Month), Value: max(p, 0), Display: disp,
			Extra: []string{plainHours(int(m.Present)), plainHours(int(m.Absent))}})
	}

	// "Krever vedtak" per month.
	nc := dashboard.Chart{ID: "chart-needs-decision", Title: "Stønadsmåneder som krever vedtak",
		Desc:    "Stolpediagram: personer per måned med linjer merket «krever vedtak» i godkjente utbetalingsgrunnlag.",
		Columns: []string{"Måned", "Personer"}, Empty: "Ingen måneder i perioden."}
	for _, m := range d.Months {
		url := paths.Payroll() + "?" + url.Values{"month": {domain.FormatISOMonth(m.Month)}}.Encode()
		if f.q.UnitID != 0 {
			url += "&unit=" + strconv.FormatInt(f.q.UnitID, 10)
		}
		nc.Bars = append(nc.Bars, dashboard.Bar{Label: monthLabel(m.Month), Value: m.NeedsDecision, Display: strconv.Itoa(m.NeedsDecision), URL: url})
	}

	v.Charts = []dashboard.Chart{cl, br, hc, ac, nc}

	// Health follow-up: counts only.
	hl := dashboard.Chart{ID: "chart-health", Title: "Helseoppfølging: åpne punkter",
		Desc:    "Stolpediagram: åpne punkter i helsesjekklisten etter type, med hvor mange som er forfalt. Bare antall.",
		Columns: []string{"Punkt", "Åpne", "Forfalt"}, Empty: "Ingen åpne punkter."}
	for _, k := range d.Health {
		hl.Bars = append(hl.Bars, dashboard.Bar{Label: domain.HealthKindLabel(k.Kind), Value: k.Open, Display: strconv.Itoa(k.Open),
			Extra: []string{strconv.Itoa(k.Overdue)}, URL: withUnit(paths.Health())})
	}
	v.Health = hl
	return v, nil
}

// dashboardCSV is GET /dashboard.csv: the dashboard's numbers, one per row
// (section; label; value; note), for Norwegian Excel: UTF-8 with BOM,
// semicolons, CRLF, text defused against formulas. Counts only, but an
// export like every other: its audit row is committed before the first
// byte (postgres.AuditDashboardExport).
func (s *Server) dashboardCSV(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapLeaderViews) {
		return
	}
	f, err := s.dashboardFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.DB.Dashboard(r.Context(), scope(r), f.q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := dashboardView(currentUser(r), f, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := [][]string{{"Del", "Rad", "Verdi", "Merknad"},
		{"Filter", "Enhet", v.UnitName, ""}, {"Filter", "Periode", v.From + " – " + v.To, ""}, {"Filter", "Per dag", v.Today, ""}}
	for _, fg := range v.Figures {
		rows = append(rows, []string{"Nøkkeltall", fg.Label, fg.Value, fg.Note})
	}
	for _, c := range append(v.Charts, v.Health) {
		for _, b := range c.Bars {
			note := ""
			for i, x := range b.Extra {
				if i+2 < len(c.Columns) {
					if note != "" {
						note += ", "
					}
					note += c.Columns[i+2] + ": " + x
				}
			}
			rows = append(rows, []string{c.Title, b.Label, b.Display, note})
		}
	}
	if err := s.DB.AuditDashboardExport(r.Context(), scope(r), f.q, len(rows)-1); err != nil {
		s.fail(w, r, err)
		return
	}
	setDownloadHeaders(w, "text/csv; charset=utf-8", "oversikt-"+v.From+"-"+v.To+".csv")
	w.WriteHeader(http.StatusOK)
	cw, err := excelCSV(w)
	if err != nil {
		return
	}
	for _, row := range rows {
		for i := range row {
			row[i] = csvSafeCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			s.Log.ErrorContext(r.Context(), "dashboard export", "err", err.Error(), "request_id", middleware.GetReqID(r.Context()))
			return
		}
	}
	cw.Flush()
}

// dashListSpecs are the lists behind the figures no module lists.
var dashListSpecs = map[string]struct{ title, intro, day, detail string }{
	postgres.ListLateStart: {"Programstart senere enn 3 måneder", "Deltakere som startet i perioden mer enn 3 måneder etter bosetting (eller vedtak når bosettingsdato mangler).",
		"Startet", "Dager etter bosetting/vedtak"},
	postgres.ListPartTime: {"Deltakere under fulltid", "Deltakere i program nå der planen som gjelder i dag har under 37,5 timer per uke (eller ingen plan).",
		"Startet", "Planlagte timer per uke"},
	postgres.ListNoEndReason:      {"Avsluttede program uten sluttårsak", "Program med sluttdato der sluttårsaken ikke er registrert.", "Avsluttet", ""},
	postgres.ListEndingPlacements: {"Praksisplasser som slutter innen 4 uker", "Aktive eller pausede praksisplasser med planlagt slutt de neste 28 dagene.", "Planlagt slutt", "Timer per uke"},
}

// dashboardList is GET /dashboard/list/{list}: up to 500 persons behind a
// figure, with the dashboard's unit and period.
func (s *Server) dashboardList(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapLeaderViews) {
		return
	}
	list := chi.URLParam(r, "list")
	spec, ok := dashListSpecs[list]
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke listen."))
		return
	}
	f, err := s.dashboardFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	const limit = 500
	rows, err := s.DB.DashboardList(r.Context(), scope(r), f.q, list, limit+1)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := dashboard.ListView{User: currentUser(r), Title: spec.title, Intro: spec.intro, DayLabel: spec.day, Detail: spec.detail,
		BackURL: f.url(paths.Dashboard())}
	if len(rows) > limit {
		rows, v.More = rows[:limit], true
	}
	for _, row := range rows {
		lr := dashboard.ListRow{URL: paths.Person(row.PersonID), Name: row.GivenName + " " + row.FamilyName, Unit: row.UnitName,
			Day: domain.FormatDate(&row.Day)}
		switch list {
		case postgres.ListLateStart:
			lr.Detail = strconv.Itoa(row.Detail)
		case postgres.ListPartTime, postgres.ListEndingPlacements:
			lr.Detail = plainHours(row.Detail)
		}
		v.Rows = append(v.Rows, lr)
	}
	s.render(w, r, http.StatusOK, dashboard.List(v))
}
