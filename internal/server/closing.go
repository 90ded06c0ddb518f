package server

import (
	"errors"
	"net/http"
	"strconv"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/caseload"
	"ankomst/web/layout"
	"ankomst/web/paths"
	"ankomst/web/persons"

	"github.com/go-chi/chi/v5"
)

// closingRoutes registers closing (avslutte sak) and reopening a case.
func (s *Server) closingRoutes(r chi.Router) {
	r.Get("/persons/{id}/close", s.personCloseForm)
	r.Post("/persons/{id}/close", s.personClose)
	r.Post("/persons/{id}/reopen", s.personReopen)
}

func (s *Server) closeView(r *http.Request, p *domain.Person) caseload.CloseView {
	today := domain.Today(s.DB.Now())
	v := caseload.CloseView{User: currentUser(r), PersonID: p.ID, PersonName: p.FullName(), Today: domain.FormatISODate(&today)}
	if first := domain.EarliestCloseDate(today, p.ArrivalDate, p.SettlementDate); first != nil {
		v.Earliest = domain.FormatDate(first)
	}
	if p.Status == domain.StatusClosed {
		v.AlreadyClosed = true
		v.Conflict = "Saken er allerede avsluttet."
	}
	return v
}

func (s *Server) personCloseForm(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteCase, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	p, err := s.DB.GetPerson(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.closeView(r, p)
	v.Form = domain.CloseForm{ClosedOn: v.Today, Version: strconv.Itoa(p.Version)}
	if domain.CanReadHousing(currentUser(r).Role) {
		hid, err := s.DB.RunningLeaseHousehold(r.Context(), scope(r), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if hid != 0 {
			v.HousingURL = paths.HouseholdHousing(hid)
		}
	}
	s.render(w, r, http.StatusOK, caseload.Close(v))
}

func (s *Server) personClose(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteCase, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	form := domain.CloseForm{ClosedOn: r.PostForm.Get("closed_on"), Reason: r.PostForm.Get("close_reason"), Version: r.PostForm.Get("version")}
	in, err := form.Validate(domain.Today(s.DB.Now()))
	if err == nil {
		_, err = s.DB.ClosePerson(r.Context(), scope(r), id, in)
		if err == nil {
			s.Sessions.Put(r.Context(), sessFlash, "Saken er avsluttet.")
			http.Redirect(w, r, paths.Person(id), http.StatusSeeOther)
			return
		}
	}
	var stale *postgres.CaseStaleError
	var de *domain.Error
	switch {
	case errors.As(err, &stale):
		v := s.closeView(r, stale.Current)
		v.Form = form
		v.Form.Version = strconv.Itoa(stale.Current.Version)
		if !v.AlreadyClosed {
			v.Conflict = "Personen ble endret av noen andre etter at du åpnet siden (nå versjon " + strconv.Itoa(stale.Current.Version) +
				"). Ingenting er lagret. Se over og avslutt på nytt hvis saken fortsatt skal avsluttes."
		}
		s.render(w, r, http.StatusConflict, caseload.Close(v))
	case errors.As(err, &de) && (de.Code == domain.EINVALID || de.Code == domain.ECONFLICT):
		// Show the form again with what the user chose.
		p, gerr := s.DB.GetPerson(r.Context(), scope(r), id)
		if gerr != nil {
			s.fail(w, r, gerr)
			return
		}
		v := s.closeView(r, p)
		v.Form = form
		status := http.StatusConflict
		if de.Code == domain.EINVALID {
			status = http.StatusUnprocessableEntity
			v.Errors = de.Fields
			for _, f := range []string{"closed_on", "close_reason", "version"} {
				if msg, ok := de.Fields[f]; ok {
					v.Summary = append(v.Summary, layout.ErrorItem{Field: f, Message: msg})
				}
			}
		}
		s.render(w, r, status, caseload.Close(v))
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) personReopen(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteCase, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil || version <= 0 {
		// A person out of scope is 404 whatever the form says.
		if serr := s.DB.PersonInScope(r.Context(), scope(r), id); serr != nil {
			s.fail(w, r, serr)
			return
		}
		s.fail(w, r, domain.Errorf(domain.EINVALID, "Skjemaet mangler versjon. Last siden på nytt."))
		return
	}
	if _, err := s.DB.ReopenPerson(r.Context(), scope(r), id, version); err != nil {
		s.fail(w, r, err)
		return
	}
	s.Sessions.Put(r.Context(), sessFlash, "Saken er gjenåpnet.")
	http.Redirect(w, r, paths.Person(id), http.StatusSeeOther)
}

// addCaseActions adds the case status and the caseload actions to the person
// page: the closing (when closed), "Avslutt sak" or "Gjenåpne sak", and the
// access log link for leaders and admins.
func (s *Server) addCaseActions(r *http.Request, v *persons.ShowView, c postgres.Closure) {
	u := currentUser(r)
	v.CanAudit = u.Role.Can(domain.CapLeaderViews)
	if v.Person.Status != domain.StatusClosed {
		v.CanClose = u.Role.Can(domain.CapWriteCase)
		return
	}
	v.Closure = &persons.Closure{}
	if c.ClosedOn != nil {
		v.Closure.ClosedOn = domain.FormatDate(c.ClosedOn)
	}
	if c.CloseReason != nil {
		v.Closure.Reason = domain.Label(domain.CloseReasons(), *c.CloseReason)
	}
	v.CanReopen = u.Role.Can(domain.CapWriteCase) && !v.Person.Anonymised
}
