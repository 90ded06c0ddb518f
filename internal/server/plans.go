package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/layout"
	"ankomst/web/paths"
	"ankomst/web/plans"

	"github.com/go-chi/chi/v5"
)

// planRoutes registers the weekly plan's routes (ukeplan): the plan in
// force with its weeks and history, one stored version, and the form for a
// new version.
func (s *Server) planRoutes(r chi.Router) {
	r.Get("/persons/{id}/programme/plan", s.planShow)
	r.Get("/persons/{id}/programme/plan/new", s.planNew)
	r.Post("/persons/{id}/programme/plan", s.planCreate)
	r.Get("/persons/{id}/programme/plan/{versionID}", s.planVersionShow)
}

// planWeeksShown is how many weeks the plan page sums, this one included.
const planWeeksShown = 8

// planWeekRows formats week sums; today marks the current week.
func planWeekRows(ws []domain.WeekSum, today time.Time) []plans.WeekRow {
	thisWeek := domain.WeekStart(today)
	out := make([]plans.WeekRow, 0, len(ws))
	for _, w := range ws {
		y, n := w.Monday.ISOWeek()
		ty, _ := thisWeek.ISOWeek()
		label := "Uke " + strconv.Itoa(n)
		if y != ty {
			label += " " + strconv.Itoa(y)
		}
		friday := domain.AddDays(w.Monday, 4)
		row := plans.WeekRow{
			Week:     label,
			Dates:    w.Monday.Format("02.01.") + "–" + friday.Format("02.01.2006"),
			Planned:  domain.FormatHours(w.Minutes) + " t",
			Target:   domain.FormatHours(w.Target) + " t",
			Deviates: w.Deviates(),
			Partial:  w.Partial(),
			Current:  w.Monday.Equal(thisWeek),
		}
		if !w.HasTarget {
			row.Target = "–"
		}
		if row.Deviates {
			row.Diff = w.DiffText()
		}
		if row.Partial {
			row.Dates += " (" + strconv.Itoa(w.Days) + " dager)"
		}
		out = append(out, row)
	}
	return out
}

// planPracticeLines lists the placements' hours in the week starting
// monday: "Praksis: Kafé Nord (Nord AS) 15 t".
func planPracticeLines(ps []domain.Placement, monday time.Time) []string {
	var out []string
	for _, p := range ps {
		m := 0
		for i := 0; i < 5; i++ {
			m += p.MinutesOn(domain.AddDays(monday, i))
		}
		if m > 0 {
			out = append(out, "Praksis: "+p.Name()+" "+domain.FormatHours(m)+" t")
		}
	}
	return out
}

// planElementRows formats a version's elements.
func planElementRows(v domain.PlanVersion) []plans.ElementRow {
	out := make([]plans.ElementRow, 0, len(v.Elements))
	for _, e := range v.Elements {
		period := domain.FormatPeriod(e.From, e.To)
		if period == "" {
			period = "Hele perioden"
		}
		out = append(out, plans.ElementRow{
			Label: domain.ElementLabel(e.Kind), Hours: domain.FormatHours(e.MinutesPerWeek) + " t",
			Days: domain.FormatWeekdays(e.Weekdays), Period: period, Description: e.Description,
		})
	}
	return out
}

// planVersionEnd is the last day a version is in force: the day before the
// next version (by valid_from, then id), or nil while none follows.
func planVersionEnd(pd *postgres.PlanData, v domain.PlanVersionInfo) *time.Time {
	var end *time.Time
	for _, o := range pd.Versions {
		if o.ID == v.ID {
			continue
		}
		later := o.ValidFrom.After(v.ValidFrom) || (o.ValidFrom.Equal(v.ValidFrom) && o.ID > v.ID)
		if !later {
			continue
		}
		d := domain.AddDays(o.ValidFrom, -1)
		if o.ValidFrom.Equal(v.ValidFrom) {
			d = domain.AddDays(v.ValidFrom, -1) // replaced the same day: never in force
		}
		if end == nil || d.Before(*end) {
			end = &d
		}
	}
	return end
}

// planTargetText names the weekly target of a version from the rates in
// force on its first day.
func planTargetText(rates domain.RateTable, v domain.PlanVersion) string {
	kind, what := domain.RateFullTimeMinutes, "fulltid"
	if v.SelfStudy {
		kind, what = domain.RateSelfStudyMinutes, "fulltid med mye selvstudium"
	}
	m, ok := rates.At(kind, v.ValidFrom)
	if !ok {
		return "Mangler i satstabellen (" + what + ")"
	}
	return domain.FormatHours(int(m)) + " t per uke (" + what + ")"
}

// planVersionView is a version's facts and elements.
func planVersionView(pd *postgres.PlanData, v domain.PlanVersionInfo, heading string) plans.VersionView {
	until := "Til ny versjon"
	if end := planVersionEnd(pd, v); end != nil && end.Before(v.ValidFrom) {
		until = "Aldri i kraft (erstattet samme dag)"
	} else if end != nil {
		until = domain.FormatDate(end)
	} else if pd.Programme.PlannedEnd != nil {
		until = domain.FormatDate(pd.Programme.PlannedEnd) + " (planlagt slutt)"
	}
	who := v.CreatedByName
	if who == "" {
		who = "–"
	}
	comment := v.Comment
	if comment == "" {
		comment = "–"
	}
	return plans.VersionView{
		Heading: heading,
		Facts: []layout.Fact{
			{Label: "Gjelder fra", Value: domain.FormatDate(&v.ValidFrom), TestID: "valid-from"},
			{Label: "Gjelder til", Value: until},
			{Label: "Mål", Value: planTargetText(pd.Programme.Rates, v.PlanVersion), TestID: "target"},
			{Label: "Registrert av", Value: who},
			{Label: "Registrert", Value: domain.FormatDateTime(v.CreatedAt)},
			{Label: "Kommentar", Value: comment, TestID: "comment"},
		},
		Elements: planElementRows(v.PlanVersion),
	}
}

// planHorizonFrom is the last day the plan is summed from day on: the
// programme's planned end, or 52 weeks.
func planHorizonFrom(pd *postgres.PlanData, day time.Time) time.Time {
	return domain.PlanHorizon(day, pd.Programme.PlannedEnd, nil)
}

func (s *Server) planShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	pd, err := s.DB.PersonPlan(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := domain.Today(s.DB.Now())
	v := plans.PageView{
		User: currentUser(r), PersonName: pd.PersonName, PersonURL: paths.Person(id),
		ProgrammeURL: paths.PersonProgramme(id), Flash: s.Sessions.PopString(r.Context(), sessFlash),
		NotGranted: !pd.Programme.Granted,
	}
	if pd.Programme.Granted {
		v.NewURL = paths.PersonPlanNew(id)
	}
	versions := pd.Plain()
	if cur := domain.VersionOn(versions, today); cur != nil {
		cv := planVersionView(pd, *pd.Version(cur.ID), "Gjeldende plan fra "+domain.FormatDate(&cur.ValidFrom))
		v.Current = &cv
	}
	if len(versions) > 0 {
		monday := domain.WeekStart(today)
		last := domain.AddDays(monday, 7*planWeeksShown-1)
		if end := pd.Programme.PlannedEnd; end != nil && end.Before(last) {
			last = *end
		}
		weeks := domain.PlacementWeekSums(versions, pd.Placements, pd.Programme.Rates, monday, last)
		v.Weeks = planWeekRows(weeks, today)
		for i, w := range weeks {
			v.Weeks[i].Practice = planPracticeLines(pd.Placements, w.Monday)
		}
		all := domain.PlacementWeekSums(versions, pd.Placements, pd.Programme.Rates, monday, planHorizonFrom(pd, monday))
		v.Deviations = domain.DeviationTexts(domain.Deviations(all))
	}
	v.PlacementsURL = paths.PersonPlacements(id)
	inForce := domain.VersionOn(versions, today)
	for _, pv := range pd.Versions {
		h := plans.HistoryRow{
			ValidFrom: domain.FormatDate(&pv.ValidFrom), CreatedBy: pv.CreatedByName, CreatedAt: domain.FormatDateTime(pv.CreatedAt),
			Comment: pv.Comment, URL: paths.PersonPlanVersion(id, pv.ID), Status: "Erstattet", Color: "neutral",
		}
		switch {
		case inForce != nil && pv.ID == inForce.ID:
			h.Status, h.Color = "Gjelder nå", "success"
		case pv.ValidFrom.After(today):
			h.Status, h.Color = "Kommer", "info"
		}
		v.History = append(v.History, h)
	}
	s.render(w, r, http.StatusOK, plans.Page(v))
}

func (s *Server) planVersionShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	vid, ok := pathID(r, "versionID")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke versjonen av ukeplanen."))
		return
	}
	pd, err := s.DB.PersonPlan(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pv := pd.Version(vid)
	if pv == nil {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke versjonen av ukeplanen."))
		return
	}
	today := domain.Today(s.DB.Now())
	v := plans.VersionPageView{
		User: currentUser(r), PersonName: pd.PersonName, PlanURL: paths.PersonPlan(id),
		Version: planVersionView(pd, *pv, "Ukeplan fra "+domain.FormatDate(&pv.ValidFrom)),
	}
	last := domain.PlanHorizon(pv.ValidFrom, pd.Programme.PlannedEnd, planVersionEnd(pd, *pv))
	if !last.Before(pv.ValidFrom) {
		weeks := domain.PlanWeekSums([]domain.PlanVersion{pv.PlanVersion}, pd.Programme.Rates, pv.ValidFrom, last)
		v.Weeks = planWeekRows(weeks, today)
		v.Deviations = domain.DeviationTexts(domain.Deviations(weeks))
	}
	s.render(w, r, http.StatusOK, plans.VersionPage(v))
}

// planFormFrom reads the plan form from a parsed POST: one row per element
// kind, named kind_hours, kind_days (one value per ticked weekday),
// kind_from, kind_to and kind_description.
func planFormFrom(r *http.Request) domain.PlanForm {
	p := r.PostForm
	f := domain.PlanForm{
		ValidFrom: p.Get("valid_from"), SelfStudy: p.Get("self_study") == "1",
		Comment: p.Get("comment"), ConfirmDeviation: p.Get("confirm_deviation") == "1",
	}
	for _, k := range domain.ElementKinds() {
		row := domain.PlanRowForm{Kind: k.Value}
		row.Hours = p.Get(row.Field("hours"))
		row.Days = slices.Clone(p[row.Field("days")])
		row.From = p.Get(row.Field("from"))
		row.To = p.Get(row.Field("to"))
		row.Description = p.Get(row.Field("description"))
		f.Rows = append(f.Rows, row)
	}
	return f
}

// planFieldOrder is the order of the error summary: the form's.
func planFieldOrder() []string {
	order := []string{"valid_from"}
	for _, k := range domain.ElementKinds() {
		for _, part := range []string{"hours", "days", "from", "to", "description"} {
			order = append(order, domain.PlanField(k.Value, part))
		}
	}
	return append(order, "comment", "confirm_deviation")
}

// planFormFacts are the programme's dates and the targets above the form.
func planFormFacts(pd *postgres.PlanData, today time.Time) []layout.Fact {
	full, fok := pd.Programme.Rates.At(domain.RateFullTimeMinutes, today)
	self, sok := pd.Programme.Rates.At(domain.RateSelfStudyMinutes, today)
	target := "–"
	if fok && sok {
		target = domain.FormatHours(int(full)) + " t per uke, " + domain.FormatHours(int(self)) + " t med mye selvstudium"
	}
	end := "Ikke satt (planen sjekkes 52 uker fram)"
	if pd.Programme.PlannedEnd != nil {
		end = domain.FormatDate(pd.Programme.PlannedEnd)
	}
	return []layout.Fact{
		{Label: "Programmet startet", Value: domain.FormatDate(pd.Programme.Start)},
		{Label: "Planlagt slutt", Value: end},
		{Label: "Fulltid", Value: target},
	}
}

// renderPlanForm shows the new-version form with what was typed and the
// errors (and, when the weeks were summed, the first of them).
func (s *Server) renderPlanForm(w http.ResponseWriter, r *http.Request, status int, pd *postgres.PlanData, f domain.PlanForm, key string, weeks []domain.WeekSum, err error) {
	today := domain.Today(s.DB.Now())
	v := plans.FormView{
		User: currentUser(r), PersonName: pd.PersonName, PlanURL: paths.PersonPlan(pd.PersonID),
		ProgrammeURL: paths.PersonProgramme(pd.PersonID), Action: paths.PersonPlan(pd.PersonID),
		NotGranted: !pd.Programme.Granted, Facts: planFormFacts(pd, today), Form: f, FormKey: key,
	}
	if len(weeks) > planWeeksShown*2 {
		weeks = weeks[:planWeeksShown*2]
	}
	v.Weeks = planWeekRows(weeks, today)
	var de *domain.Error
	if errors.As(err, &de) {
		v.Errors = de.Fields
		for _, field := range planFieldOrder() {
			if msg, ok := de.Fields[field]; ok {
				v.Summary = append(v.Summary, layout.ErrorItem{Field: field, Message: msg})
			}
		}
		if len(v.Summary) == 0 && de.Message != "" {
			v.Summary = []layout.ErrorItem{{Field: "valid_from", Message: de.Message}}
		}
		if de.Message == domain.PlanNotGranted {
			v.NotGranted = true
		}
	}
	s.render(w, r, status, plans.Form(v))
}

func (s *Server) planNew(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	pd, err := s.DB.PersonPlan(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := domain.Today(s.DB.Now())
	from := domain.AddDays(domain.WeekStart(today), 7) // next Monday
	if st := pd.Programme.Start; st != nil && st.After(from) {
		from = *st
	}
	f := domain.PlanFormFrom(domain.VersionOn(pd.Plain(), from), from)
	s.renderPlanForm(w, r, http.StatusOK, pd, f, newToken(), nil, nil)
}

func (s *Server) planCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	f := planFormFrom(r)
	key := r.PostForm.Get("form_key")
	if !validTaskFormKey(key) {
		key = newToken()
	}
	saved, err := s.DB.CreatePlanVersion(r.Context(), scope(r), id, f, key)
	switch domain.ErrorCode(err) {
	case "":
		msg := "Den nye versjonen av ukeplanen er lagret."
		if saved.Repeat {
			msg = "Ukeplanen var allerede lagret."
		}
		if len(saved.Check.Deviations) > 0 {
			msg += " Noen uker avviker fra fulltid: se listen."
		}
		s.Sessions.Put(r.Context(), sessFlash, msg)
		http.Redirect(w, r, paths.PersonPlan(id), http.StatusSeeOther)
	case domain.EINVALID, domain.ECONFLICT:
		pd, perr := s.DB.PersonPlan(r.Context(), scope(r), id)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		status := http.StatusUnprocessableEntity
		if domain.ErrorCode(err) == domain.ECONFLICT {
			status, key = http.StatusConflict, newToken()
		}
		s.renderPlanForm(w, r, status, pd, f, key, saved.Check.Weeks, err)
	default:
		s.fail(w, r, err)
	}
}
