package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/health"
	"ankomst/web/layout"
	"ankomst/web/paths"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
)

// healthRoutes registers a person's health checklist (the health role):
// the page, the purpose of the read and an item's edit form. (The worklist
// /health and the access report are the health worklist's.)
func (s *Server) healthRoutes(r chi.Router) {
	r.Get("/persons/{id}/health", s.personHealth)
	r.Post("/persons/{id}/health/purpose", s.personHealthPurpose)
	r.Post("/persons/{id}/health/items/{itemID}", s.personHealthItem)
}

const msgHealthNotFound = "Fant ikke personen."

// The purpose of reading a person's health items is asked once per session
// and person and kept in the session under this key and the person's id,
// as "code" or "other\n<text>".
func sessHealthPurpose(personID int64) string {
	return "health_purpose." + strconv.FormatInt(personID, 10)
}

func (s *Server) healthPurpose(r *http.Request, personID int64) (domain.HealthPurpose, bool) {
	v := s.Sessions.GetString(r.Context(), sessHealthPurpose(personID))
	if v == "" {
		return domain.HealthPurpose{}, false
	}
	code, text, _ := strings.Cut(v, "\n")
	return domain.HealthPurpose{Code: code, Text: text}, true
}

func (s *Server) setHealthPurpose(r *http.Request, personID int64, p domain.HealthPurpose) {
	v := p.Code
	if p.Text != "" {
		v += "\n" + p.Text
	}
	s.Sessions.Put(r.Context(), sessHealthPurpose(personID), v)
}

// personHealth shows the checklist, or the purpose form while the session
// has no purpose for the person. Each showing of the items writes its
// access-log row (with the purpose) in the read's transaction.
func (s *Server) personHealth(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapReadHealth, "id", msgHealthNotFound)
	if !ok {
		return
	}
	purpose, ok := s.healthPurpose(r, id)
	if !ok {
		s.renderHealthPurpose(w, r, id, http.StatusOK, domain.HealthPurposeForm{}, nil)
		return
	}
	c, err := s.DB.PersonHealth(r.Context(), scope(r), id, purpose)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.checklistView(r, c, purpose)
	v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	s.render(w, r, http.StatusOK, health.Checklist(v))
}

// renderHealthPurpose shows the purpose form (the person's name is read
// without the items, so nothing health-related is read yet).
func (s *Server) renderHealthPurpose(w http.ResponseWriter, r *http.Request, id int64, status int, f domain.HealthPurposeForm, de *domain.Error) {
	p, err := s.DB.GetPerson(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := health.ChecklistView{User: currentUser(r), PersonID: id, PersonName: p.FullName(), NeedPurpose: true, PurposeForm: f}
	if de != nil {
		v.PurposeErrors = de.Fields
		for _, k := range []string{"purpose", "purpose_text"} {
			if msg, ok := de.Fields[k]; ok {
				field := k
				if k == "purpose" {
					field = "purpose-" + domain.PurposeFollowUp
				}
				v.PurposeSummary = append(v.PurposeSummary, layout.ErrorItem{Field: field, Message: msg})
			}
		}
	}
	s.render(w, r, status, health.Checklist(v))
}

// personHealthPurpose keeps the purpose for the person for the rest of the
// session, then shows the checklist.
func (s *Server) personHealthPurpose(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapReadHealth, "id", msgHealthNotFound)
	if !ok {
		return
	}
	f := domain.HealthPurposeForm{Purpose: r.PostForm.Get("purpose"), Text: r.PostForm.Get("purpose_text")}
	p, err := f.Validate()
	if err != nil {
		var de *domain.Error
		errors.As(err, &de)
		s.renderHealthPurpose(w, r, id, http.StatusUnprocessableEntity, f, de)
		return
	}
	if err := s.DB.PersonInScope(r.Context(), scope(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setHealthPurpose(r, id, p)
	http.Redirect(w, r, paths.PersonHealth(id), http.StatusSeeOther)
}

// personHealthItem saves an item's edit form: 303 back to the checklist,
// 422 with what was typed, 409 with the stored item beside it.
func (s *Server) personHealthItem(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteHealth, "id", msgHealthNotFound)
	if !ok {
		return
	}
	itemID, ok := pathID(r, "itemID")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke helsepunktet."))
		return
	}
	if err := s.DB.PersonInScope(r.Context(), scope(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	purpose, ok := s.healthPurpose(r, id)
	if !ok {
		// The form is reached through the checklist, which asks first.
		s.Sessions.Put(r.Context(), sessFlash, "Oppgi formålet med innsynet først. Ingenting er lagret.")
		http.Redirect(w, r, paths.PersonHealth(id), http.StatusSeeOther)
		return
	}
	pf := r.PostForm
	form := domain.HealthItemForm{
		Status: pf.Get("status"), NotRelevantReason: pf.Get("not_relevant_reason"), BookedOn: pf.Get("booked_on"),
		DoneOn: pf.Get("done_on"), Place: pf.Get("place"), InterpreterBooked: pf.Get("interpreter_booked"),
		LogisticsNote: pf.Get("logistics_note"), Version: pf.Get("version"),
	}
	in, err := form.Validate(domain.Today(s.DB.Now()))
	var it *domain.HealthItem
	if err == nil {
		if it, err = s.DB.UpdateHealthItem(r.Context(), scope(r), id, itemID, in); err == nil {
			s.Sessions.Put(r.Context(), sessFlash, "Lagret: "+domain.HealthKindLabel(it.Kind)+" – "+domain.HealthStatusLabel(it.Status)+".")
			http.Redirect(w, r, paths.PersonHealth(id)+"#item-"+strconv.FormatInt(itemID, 10), http.StatusSeeOther)
			return
		}
	}
	var stale *postgres.HealthItemStaleError
	var de *domain.Error
	status := http.StatusUnprocessableEntity
	switch {
	case errors.As(err, &stale):
		status = http.StatusConflict
	case errors.As(err, &de) && de.Code == domain.EINVALID:
	default:
		s.fail(w, r, err)
		return
	}
	// Show the page again (a read, logged with the purpose) with the
	// user's input in the item's form.
	c, rerr := s.DB.PersonHealth(r.Context(), scope(r), id, purpose)
	if rerr != nil {
		s.fail(w, r, rerr)
		return
	}
	v := s.checklistView(r, c, purpose)
	found := false
	for i := range v.Items {
		iv := &v.Items[i]
		if iv.ID != itemID {
			continue
		}
		found = true
		iv.Open, iv.Form = true, form
		if stale != nil {
			iv.Form.Version = strconv.Itoa(stale.Current.Version)
			iv.Conflict = stale.Message + " Lagret nå: " + domain.HealthStatusLabel(stale.Current.Status) + "."
		} else {
			iv.Errors = de.Fields
			for _, k := range []string{"status", "place", "booked_on", "done_on", "interpreter_booked", "not_relevant_reason", "logistics_note", "version"} {
				if msg, ok := de.Fields[k]; ok {
					iv.Summary = append(iv.Summary, layout.ErrorItem{Field: k + "-" + strconv.FormatInt(itemID, 10), Message: msg})
				}
			}
		}
	}
	if !found {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke helsepunktet."))
		return
	}
	s.render(w, r, status, health.Checklist(v))
}

// checklistView builds the checklist page from the store's read.
func (s *Server) checklistView(r *http.Request, c *postgres.HealthChecklist, purpose domain.HealthPurpose) health.ChecklistView {
	today := domain.Today(s.DB.Now())
	v := health.ChecklistView{User: currentUser(r), PersonID: c.PersonID, PersonName: c.PersonName, Purpose: purpose.Label()}
	switch {
	case c.Facts.Arrival != nil:
		v.Start = "ankomst " + domain.FormatDate(c.Facts.Arrival)
	case c.Facts.Settlement != nil:
		v.Start = "bosetting " + domain.FormatDate(c.Facts.Settlement) + " (ankomstdato mangler)"
	}
	for _, it := range c.Items {
		title := domain.HealthKindLabel(it.Kind)
		iv := health.ItemView{
			ID: it.ID, Title: title, Status: health.StatusTag(it, it.Overdue(today)),
			Action: paths.PersonHealthItem(c.PersonID, it.ID), Form: domain.FormFromHealthItem(it),
		}
		iv.Facts = append(iv.Facts, layout.Fact{Label: "Frist", Value: dashed(domain.FormatDate(it.Due)), TestID: "health-due"})
		switch it.Kind {
		case domain.HealthVaccines:
			if l, ok := domain.VaccinesLatest(c.Facts); ok {
				iv.Facts = append(iv.Facts, layout.Fact{Label: "Senest", Value: domain.FormatDate(&l), TestID: "health-latest"})
			}
			iv.Hint = "MMR og polio for voksne; barn etter barnevaksinasjonsprogrammet."
		case domain.HealthTB:
			if domain.HealthTBXRay(c.Facts) {
				iv.Hint = "Med røntgen av lungene (10–35 år ved ankomst)."
			} else if it.Status != domain.HealthNotRelevant {
				iv.Hint = "Uten røntgen (under 10 eller over 35 år ved ankomst)."
			}
		case domain.HealthDental:
			iv.Hint = "For barn under 18 år."
		}
		if it.Status == domain.HealthNotRelevant {
			iv.Facts = append(iv.Facts, layout.Fact{Label: "Hvorfor ikke aktuelt", Value: it.NotRelevantReason})
		}
		interpreter := "Nei"
		if it.InterpreterBooked {
			interpreter = "Ja"
		}
		iv.Facts = append(iv.Facts,
			layout.Fact{Label: "Timedato", Value: dashed(domain.FormatDate(it.BookedOn)), TestID: "health-booked"},
			layout.Fact{Label: "Utført", Value: dashed(domain.FormatDate(it.DoneOn)), TestID: "health-done"},
			layout.Fact{Label: "Sted", Value: dashed(domain.HealthPlaceLabel(it.Place)), TestID: "health-place"},
			layout.Fact{Label: "Tolk bestilt", Value: interpreter, TestID: "health-interpreter"},
		)
		if it.LogisticsNote != "" {
			iv.Facts = append(iv.Facts, layout.Fact{Label: "Praktisk merknad", Value: it.LogisticsNote, TestID: "health-note"})
		}
		if it.UpdatedBy != nil {
			iv.Updated = "Sist endret " + domain.FormatDateTime(it.UpdatedAt) + " av " + *it.UpdatedBy + "."
		}
		v.Items = append(v.Items, iv)
	}
	return v
}

func dashed(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// healthSection is the person page's health section: for the health role
// a link to the checklist (no items are read, so no purpose is needed);
// for the roles that run the case (CapWriteCase: caseworkers, leaders,
// admins) the one summary line, computed in the page's batch from the
// items' statuses and due dates without any item leaving the store. Other
// roles (housing) see nothing.
func (s *Server) healthSection(pg *personPage) func(*domain.Person) (templ.Component, error) {
	role := currentUser(pg.r).Role
	switch {
	case role.Can(domain.CapReadHealth):
		return func(p *domain.Person) (templ.Component, error) {
			return health.Section(health.SectionView{URL: paths.PersonHealth(p.ID)}), nil
		}
	case role.Can(domain.CapWriteCase):
		st := pg.batch.HealthSummary()
		return func(p *domain.Person) (templ.Component, error) {
			if *st == "" {
				return nil, nil
			}
			return health.Section(health.SectionView{Summary: "Helseoppfølging: " + domain.HealthSummaryLabel(*st)}), nil
		}
	}
	return func(*domain.Person) (templ.Component, error) { return nil, nil }
}
