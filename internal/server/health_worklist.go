package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/healthlist"
	"ankomst/web/layout"
	"ankomst/web/paths"

	"github.com/go-chi/chi/v5"
)

// healthWorklistRoutes registers GET /health: the health role's worklist;
// leaders and admins get the counts on the same URL (their menu entry
// "Helse (tall)" is the health-access module's); every other role 403.
func (s *Server) healthWorklistRoutes(r chi.Router) {
	r.Get("/health", s.healthPage)
}

func (s *Server) healthPage(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	switch {
	case u.Role.Can(domain.CapReadHealth):
		s.healthWorklist(w, r)
	case u.Role.Can(domain.CapLeaderViews):
		s.healthCounts(w, r)
	default:
		s.allow(w, r, domain.CapReadHealth) // 403 with the health message
	}
}

// worklistParams are the worklist's query: kind, dir=desc, after (cursor).
type worklistParams struct {
	Kind  string
	Desc  bool
	After string
}

func (p worklistParams) url(change func(*worklistParams)) string {
	c := p
	c.After = ""
	if change != nil {
		change(&c)
	}
	v := url.Values{}
	if c.Kind != "" {
		v.Set("kind", c.Kind)
	}
	if c.Desc {
		v.Set("dir", "desc")
	}
	if c.After != "" {
		v.Set("after", c.After)
	}
	return paths.WithQuery(paths.Health(), v)
}

func (s *Server) healthWorklist(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := worklistParams{Kind: q.Get("kind"), Desc: q.Get("dir") == "desc"}
	kinds := []domain.Option{{Value: "", Label: "Alle punkter"}}
	kinds = append(kinds, domain.HealthKinds()...)
	if !slices.ContainsFunc(kinds, func(o domain.Option) bool { return o.Value == p.Kind }) {
		p.Kind = ""
	}
	wq := postgres.WorklistQuery{Kind: p.Kind, Desc: p.Desc, Limit: 50}
	if c, ok := postgres.ParseWorklistCursor(q.Get("after")); ok {
		wq.After = &c
	}
	page, err := s.DB.HealthWorklist(r.Context(), scope(r), wq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := healthlist.WorklistView{
		User: currentUser(r), Horizon: postgres.HealthDueSoonDays, Kind: p.Kind, Kinds: kinds,
		AllURL:  p.url(func(c *worklistParams) { c.Kind = "" }),
		IsFirst: wq.After == nil,
		Due: layout.SortColumn{Label: "Frist", AriaSort: "ascending",
			URL: p.url(func(c *worklistParams) { c.Desc = true })},
	}
	if p.Desc {
		v.Dir = "desc"
		v.Due.AriaSort = "descending"
		v.Due.URL = p.url(func(c *worklistParams) { c.Desc = false })
	}
	if wq.After != nil {
		v.FirstURL = p.url(nil)
	}
	for _, it := range page.Rows {
		row := healthlist.WorklistRow{
			PersonName: it.PersonName, PersonURL: paths.PersonHealth(it.PersonID),
			KindLabel: domain.HealthKindLabel(it.Kind), Due: domain.FormatDate(&it.Due),
			Overdue: it.DaysOverdue > 0, Language: domain.LanguageNames(it.Languages),
			Status: domain.HealthStatusLabel(it.Status), StatusColor: "neutral",
		}
		if it.Status == domain.HealthBooked {
			row.StatusColor = "info"
			if it.BookedOn != nil {
				row.Status += " " + domain.FormatDate(it.BookedOn)
			}
		}
		switch d := it.DaysOverdue; {
		case d == 1:
			row.DaysText = "1 dag over fristen"
		case d > 1:
			row.DaysText = strconv.Itoa(d) + " dager over fristen"
		case d == 0:
			row.DaysText = "Frist i dag"
		case d == -1:
			row.DaysText = "Om 1 dag"
		default:
			row.DaysText = fmt.Sprintf("Om %d dager", -d)
		}
		var interp []string
		if it.InterpreterNeeded {
			need := "Trenger tolk"
			if it.InterpreterLanguage != "" {
				need += " (" + domain.LanguageNames([]string{it.InterpreterLanguage}) + ")"
			}
			interp = append(interp, need)
		}
		if it.InterpreterBooked {
			interp = append(interp, "tolk bestilt")
		}
		row.Interpreter = strings.Join(interp, ", ")
		v.Rows = append(v.Rows, row)
	}
	if page.HasNext && len(page.Rows) > 0 {
		last := page.Rows[len(page.Rows)-1].Cursor().String()
		v.NextURL = p.url(func(c *worklistParams) { c.After = last })
	}
	s.render(w, r, http.StatusOK, healthlist.Worklist(v))
}

// healthCounts is the leaders' view of /health: counts for the own unit
// (admins choose a unit: ?unit=ID, all units without one).
func (s *Server) healthCounts(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	var unitID int64
	if raw := strings.TrimSpace(r.URL.Query().Get("unit")); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke enheten."))
			return
		}
		unitID = id
	}
	c, err := s.DB.HealthCounts(r.Context(), scope(r), unitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := healthlist.CountsView{User: u, Today: domain.FormatDate(&c.Today), UnitName: "enheten din"}
	if u.Role.Can(domain.CapAllUnits) {
		units, err := s.DB.PayrollUnits(r.Context(), scope(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.UnitName = "alle enheter"
		v.Units = []domain.Option{{Value: "", Label: "Alle enheter"}}
		for _, un := range units {
			id := strconv.FormatInt(un.ID, 10)
			v.Units = append(v.Units, domain.Option{Value: id, Label: un.Name})
			if un.ID == unitID {
				v.Unit, v.UnitName = id, un.Name
			}
		}
		if unitID != 0 && v.Unit == "" {
			s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke enheten."))
			return
		}
	}
	for _, k := range c.Kinds {
		v.Kinds = append(v.Kinds, healthlist.KindCount{Label: domain.HealthKindLabel(k.Kind), Open: k.Open, Overdue: k.Overdue})
	}
	v.MedianTB = "Ingen utført ennå"
	if c.MedianTBDays != nil {
		v.MedianTB = fmt.Sprintf("%s dager (%d utført)", strings.Replace(strconv.FormatFloat(*c.MedianTBDays, 'f', -1, 64), ".", ",", 1), c.TBDone)
	}
	v.GPShare = "Ingen bosatt for mer enn 3 måneder siden"
	if c.Settled > 0 {
		v.GPShare = fmt.Sprintf("%.0f %% (%d av %d)", c.GPShare(), c.WithGP, c.Settled)
	}
	s.render(w, r, http.StatusOK, healthlist.Counts(v))
}
