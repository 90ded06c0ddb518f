package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/guidance"
	"ankomst/web/layout"
	"ankomst/web/paths"

	"github.com/go-chi/chi/v5"
)

// The housing support module (issue 11, items 4 and 5): a household's
// housing guidance sessions and Husbanken applications, on their own page
// beside the household's home (/households/{id}/housing/support). Read as
// the home; housing, leaders and admins write.

func (s *Server) guidanceRoutes(r chi.Router) {
	r.Get("/households/{id}/housing/support", s.supportShow)
	r.Post("/households/{id}/housing/guidance", s.guidanceCreate)
	r.Post("/households/{id}/housing/husbanken", s.husbankenCreate)
	r.Post("/households/{id}/housing/husbanken/{appID}", s.husbankenUpdate)
}

func supportPath(id int64) string { return paths.HouseholdHousing(id) + "/support" }

// supportPage is what a failed POST re-renders.
type supportPage struct {
	status    int
	guidance  *domain.GuidanceForm
	husbanken *domain.HusbankenForm
	appID     int64 // the application whose form failed
	err       error
	conflict  *domain.HusbankenApplication
}

func (s *Server) supportShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapReadCase, "id", leaseNotFound)
	if !ok {
		return
	}
	if err := domain.RequireReadHousing(currentUser(r).Role); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderSupport(w, r, id, supportPage{status: http.StatusOK})
}

func formatAmount(ore *int64) string {
	if ore == nil {
		return "–"
	}
	return domain.FormatOre(*ore) + " kr"
}

func husbankenFormOf(a *domain.HusbankenApplication) domain.HusbankenForm {
	f := domain.HusbankenForm{Decision: a.Decision, DecidedOn: domain.FormatISODate(a.DecidedOn),
		NextReview: domain.FormatISODate(a.NextReview), Note: a.Note, Version: strconv.Itoa(a.Version)}
	if a.AmountOre != nil {
		f.Amount = domain.FormatOre(*a.AmountOre)
	}
	return f
}

var supportFieldOrder = []string{"held_on", "topics", "scheme", "applied_on", "decision", "decided_on", "amount", "next_review", "note", "version"}

func (s *Server) renderSupport(w http.ResponseWriter, r *http.Request, id int64, pg supportPage) {
	hs, err := s.DB.GetHousingSupport(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := currentUser(r)
	today := s.today()
	v := guidance.PageView{
		User: u, HouseholdName: hs.Household.Name, HousingURL: paths.HouseholdHousing(id),
		CanWrite:       u.Role.Can(domain.CapWriteHousing),
		GuidanceAction: paths.HouseholdHousing(id) + "/guidance", HusbankenAction: paths.HouseholdHousing(id) + "/husbanken",
		Guidance:  domain.GuidanceForm{HeldOn: domain.FormatISODate(&today)},
		Husbanken: domain.HusbankenForm{AppliedOn: domain.FormatISODate(&today), Decision: domain.HusbankenPending},
	}
	if pg.status == http.StatusOK {
		v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	}
	fields := fieldErrors(pg.err)
	if pg.guidance != nil {
		v.Guidance, v.GuidanceErrors = *pg.guidance, fields
	}
	if pg.husbanken != nil && pg.appID == 0 {
		v.Husbanken, v.HusbankenErrors = *pg.husbanken, fields
	}
	for _, g := range hs.Guidance {
		labels := make([]string, len(g.Topics))
		for i, t := range g.Topics {
			labels[i] = domain.Label(domain.GuidanceTopics(), t)
		}
		sv := guidance.SessionView{HeldOn: domain.FormatDate(&g.HeldOn), Topics: strings.Join(labels, ", "), Note: g.Note}
		if g.Interpreter {
			sv.Interpreter = "tolk brukt"
		}
		v.Sessions = append(v.Sessions, sv)
	}
	for i := range hs.Applications {
		a := &hs.Applications[i]
		aid := strconv.FormatInt(a.ID, 10)
		av := guidance.ApplicationView{ID: aid, Scheme: domain.Label(domain.HusbankenSchemes(), a.Scheme),
			AppliedOn: domain.FormatDate(&a.AppliedOn), Decision: domain.Label(domain.HusbankenDecisions(), a.Decision),
			DecidedOn: domain.FormatDate(a.DecidedOn), Amount: formatAmount(a.AmountOre), NextReview: domain.FormatDate(a.NextReview),
			Note: a.Note, Action: paths.HouseholdHousing(id) + "/husbanken/" + aid, Form: husbankenFormOf(a)}
		if av.Note == "" {
			av.Note = "–"
		}
		if a.ID == pg.appID && pg.husbanken != nil {
			av.Form, av.Errors, av.Open = *pg.husbanken, fields, true
			av.Form.Version = strconv.Itoa(a.Version)
			if pg.conflict == nil {
				av.Form.Version = pg.husbanken.Version
			}
		}
		v.Applications = append(v.Applications, av)
	}
	if c := pg.conflict; c != nil {
		v.Conflict = "Ingenting er lagret. Lagret versjon: vedtak " + domain.Label(domain.HusbankenDecisions(), c.Decision) +
			", beløp " + formatAmount(c.AmountOre) + ", neste revurdering " + domain.FormatDate(c.NextReview) +
			" (versjon " + strconv.Itoa(c.Version) + "). Skjemaet viser det du skrev og bygger nå på den nyeste versjonen: lagre på nytt for å beholde dine endringer."
	} else if pg.err != nil {
		for _, f := range supportFieldOrder {
			if msg := fields[f]; msg != "" {
				fid := f
				switch {
				case pg.appID != 0:
					fid = f + "-" + strconv.FormatInt(pg.appID, 10)
				case f == "note" && pg.guidance != nil:
					fid = "guidance-note"
				}
				v.Summary = append(v.Summary, layout.ErrorItem{Field: fid, Message: msg})
			}
		}
		if len(v.Summary) == 0 {
			v.Summary = []layout.ErrorItem{{Message: domain.ErrorMessage(pg.err)}}
		}
	}
	s.render(w, r, pg.status, guidance.Page(v))
}

// supportFailure answers a refused POST: 404 for a household out of scope
// whatever the form says, 409 or 422 re-rendering the page.
func (s *Server) supportFailure(w http.ResponseWriter, r *http.Request, id int64, pg supportPage) {
	if serr := s.DB.HouseholdInScope(r.Context(), scope(r), id); serr != nil {
		s.fail(w, r, serr)
		return
	}
	var stale *postgres.HusbankenStaleError
	switch {
	case errors.As(pg.err, &stale):
		pg.status, pg.conflict = http.StatusConflict, stale.Current
	case domain.ErrorCode(pg.err) == domain.EINVALID:
		pg.status = http.StatusUnprocessableEntity
	default:
		s.fail(w, r, pg.err)
		return
	}
	s.renderSupport(w, r, id, pg)
}

func (s *Server) guidanceCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteHousing, "id", leaseNotFound)
	if !ok {
		return
	}
	f := domain.GuidanceForm{HeldOn: r.PostForm.Get("held_on"), Topics: r.PostForm["topics"],
		Interpreter: r.PostForm.Get("interpreter") != "", Note: r.PostForm.Get("note")}
	in, err := f.Validate(s.today())
	if err == nil {
		_, err = s.DB.CreateGuidance(r.Context(), scope(r), id, in)
	}
	if err != nil {
		s.supportFailure(w, r, id, supportPage{guidance: &f, err: err})
		return
	}
	s.Sessions.Put(r.Context(), sessFlash, "Boveiledningen er registrert.")
	http.Redirect(w, r, supportPath(id), http.StatusSeeOther)
}

func husbankenFormFrom(r *http.Request) domain.HusbankenForm {
	return domain.HusbankenForm{Scheme: r.PostForm.Get("scheme"), AppliedOn: r.PostForm.Get("applied_on"),
		Decision: r.PostForm.Get("decision"), DecidedOn: r.PostForm.Get("decided_on"), Amount: r.PostForm.Get("amount"),
		NextReview: r.PostForm.Get("next_review"), Note: r.PostForm.Get("note"), Version: r.PostForm.Get("version")}
}

func (s *Server) husbankenCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteHousing, "id", leaseNotFound)
	if !ok {
		return
	}
	f := husbankenFormFrom(r)
	in, err := f.ValidateNew(s.today())
	if err == nil {
		_, err = s.DB.CreateHusbanken(r.Context(), scope(r), id, in)
	}
	if err != nil {
		s.supportFailure(w, r, id, supportPage{husbanken: &f, err: err})
		return
	}
	s.Sessions.Put(r.Context(), sessFlash, "Søknaden til Husbanken er registrert.")
	http.Redirect(w, r, supportPath(id), http.StatusSeeOther)
}

func (s *Server) husbankenUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteHousing, "id", leaseNotFound)
	if !ok {
		return
	}
	aid, ok := pathID(r, "appID")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke søknaden."))
		return
	}
	a, err := s.DB.GetHusbanken(r.Context(), scope(r), id, aid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := husbankenFormFrom(r)
	in, err := f.ValidateDecision(a.AppliedOn, s.today())
	if err == nil {
		_, err = s.DB.UpdateHusbanken(r.Context(), scope(r), id, aid, in)
	}
	if err != nil {
		s.supportFailure(w, r, id, supportPage{husbanken: &f, appID: aid, err: err})
		return
	}
	s.Sessions.Put(r.Context(), sessFlash, "Søknaden er lagret.")
	http.Redirect(w, r, supportPath(id)+"#app-"+strconv.FormatInt(aid, 10), http.StatusSeeOther)
}
