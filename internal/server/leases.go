package server

import (
	"errors"
	"net/http"
	"strconv"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/layout"
	"ankomst/web/leases"
	"ankomst/web/paths"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
)

// The leases module: a household's home (/households/{id}/housing), its
// leases, their move-in and move-out checklists, and the person page's
// current home. Housing, leaders and admins write; caseworkers read.

const leaseNotFound = "Fant ikke husstanden."

func (s *Server) leaseRoutes(r chi.Router) {
	r.Get("/households/{id}/housing", s.housingShow)
	r.Post("/households/{id}/housing/leases", s.leaseCreate)
	r.Post("/households/{id}/housing/leases/{leaseID}", s.leaseUpdate)
	r.Post("/households/{id}/housing/leases/{leaseID}/checklist", s.leaseChecklist)
}

var leaseFieldOrder = []string{"unit", "tenant", "start", "end", "rent", "security", "security_amount", "done_on", "note", "item", "version"}

// housingPage is what a failed POST re-renders.
type housingPage struct {
	status   int
	form     *domain.LeaseForm // the new-lease form as typed
	leaseID  int64             // the lease whose form failed
	edit     *domain.LeaseEditForm
	check    *domain.ChecklistForm
	err      error
	conflict *domain.Lease
	// checkConflict is the stored checklist item of a stale item change.
	checkConflict *domain.ChecklistItem
}

func (s *Server) housingShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapReadCase, "id", leaseNotFound)
	if !ok {
		return
	}
	if err := domain.RequireReadHousing(currentUser(r).Role); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderHousing(w, r, id, housingPage{status: http.StatusOK})
}

func leaseDates(l *domain.Lease) string {
	if l.End == nil {
		return "fra " + domain.FormatDate(&l.Start) + ", uten sluttdato"
	}
	return domain.FormatDate(&l.Start) + " – " + domain.FormatDate(l.End) + " (utflytting)"
}

func (s *Server) renderHousing(w http.ResponseWriter, r *http.Request, id int64, pg housingPage) {
	hh, err := s.DB.GetHouseholdHousing(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := currentUser(r)
	today := s.today()
	v := leases.PageView{
		User: u, HouseholdName: hh.Household.Name, HouseholdURL: paths.Household(id),
		CanWrite: u.Role.Can(domain.CapWriteHousing), NewAction: paths.HouseholdHousing(id) + "/leases",
		Form: domain.LeaseForm{Start: domain.FormatISODate(&today), Security: domain.SecurityNone},
	}
	if pg.status == http.StatusOK {
		v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	}
	fields := fieldErrors(pg.err)
	if pg.form != nil {
		v.Form, v.Errors = *pg.form, fields
	}
	for _, hu := range hh.Units {
		v.Units = append(v.Units, domain.Option{Value: strconv.FormatInt(hu.ID, 10),
			Label: hu.Address + " (" + strconv.Itoa(hu.Rooms) + " rom, " + strconv.Itoa(hu.Bedrooms) + " soverom, " + domain.FormatOre(hu.RentOre) + " kr)"})
	}
	for _, m := range hh.Household.ActiveMembers() {
		if domain.AgeOn(m.BirthDate, today) >= 18 {
			v.Tenants = append(v.Tenants, domain.Option{Value: strconv.FormatInt(m.PersonID, 10), Label: m.FullName()})
		}
	}
	for _, l := range hh.Leases {
		lid := strconv.FormatInt(l.ID, 10)
		lv := leases.LeaseView{
			ID: lid, Address: l.Address, Period: leaseDates(&l),
			Rooms: strconv.Itoa(l.Rooms) + " rom, " + strconv.Itoa(l.Bedrooms) + " soverom",
			Rent:  domain.FormatOre(l.RentOre) + " kr", Security: domain.SecurityLabel(l.Security),
			Tenant: l.TenantName, Arrears: l.RentArrears,
			Action: paths.HouseholdHousing(id) + "/leases/" + lid, CheckURL: paths.HouseholdHousing(id) + "/leases/" + lid + "/checklist",
			End: domain.FormatISODate(l.End), RentInput: domain.FormatOre(l.RentOre), ArrearsIn: l.RentArrears, Version: strconv.Itoa(l.Version),
		}
		if l.Security != domain.SecurityNone {
			lv.Security += " " + domain.FormatOre(l.SecurityOre) + " kr"
		}
		if lv.Tenant == "" {
			lv.Tenant = "Husstanden"
		}
		if l.ID == pg.leaseID && pg.edit != nil {
			lv.End, lv.RentInput, lv.ArrearsIn, lv.Errors, lv.EditOpen = pg.edit.End, pg.edit.Rent, pg.edit.Arrears, fields, true
			if pg.conflict != nil {
				lv.Version = strconv.Itoa(pg.conflict.Version)
			} else {
				lv.Version = pg.edit.Version
			}
		}
		for _, c := range l.Checklist {
			row := leases.ChecklistRow{ID: "check-" + lid + "-" + c.Phase + "-" + c.Item, Phase: c.Phase, Item: c.Item,
				Label: domain.Label(domain.ChecklistPhases(), c.Phase) + ": " + domain.Label(domain.ChecklistItems(), c.Item),
				Input: domain.FormatISODate(c.DoneOn), Note: c.Note, Version: strconv.Itoa(c.Version)}
			if c.DoneOn != nil {
				row.DoneOn = domain.FormatDate(c.DoneOn)
			}
			if l.ID == pg.leaseID && pg.check != nil && pg.check.Phase == c.Phase && pg.check.Item == c.Item {
				row.Input, row.Note, row.Error = pg.check.DoneOn, pg.check.Note, fields["done_on"]+fields["note"]+fields["version"]
				lv.CheckOpen = true
				if pg.checkConflict != nil {
					cc := pg.checkConflict
					done := "ikke utført"
					if cc.DoneOn != nil {
						done = "utført " + domain.FormatDate(cc.DoneOn)
					}
					row.Error = "Ingenting er lagret. Lagret nå: " + done + ", merknad «" + cc.Note + "» (versjon " + strconv.Itoa(cc.Version) +
						"). Skjemaet viser det du skrev: lagre på nytt for å beholde det."
				}
			}
			lv.Checklist = append(lv.Checklist, row)
		}
		if l.RunsOn(today) {
			v.Current = append(v.Current, lv)
		} else {
			v.History = append(v.History, lv)
		}
	}
	if pg.conflict != nil {
		c := pg.conflict
		v.Conflict = "Ingenting er lagret. Lagret versjon: " + leaseDates(c) + ", husleie " + domain.FormatOre(c.RentOre) +
			" kr, restanse " + map[bool]string{true: "ja", false: "nei"}[c.RentArrears] + " (versjon " + strconv.Itoa(c.Version) +
			"). Skjemaet viser det du skrev og bygger nå på den nyeste versjonen: lagre på nytt for å beholde dine endringer."
	} else if pg.err != nil {
		for _, f := range leaseFieldOrder {
			if msg := fields[f]; msg != "" {
				id := f
				if pg.leaseID != 0 && pg.edit != nil {
					id = f + "-" + strconv.FormatInt(pg.leaseID, 10)
				}
				v.Summary = append(v.Summary, layout.ErrorItem{Field: id, Message: msg})
			}
		}
		if len(v.Summary) == 0 {
			v.Summary = []layout.ErrorItem{{Message: domain.ErrorMessage(pg.err)}}
		}
	}
	s.render(w, r, pg.status, leases.Page(v))
}

// housingFailure answers a refused housing POST: 404 for a household out of
// scope whatever the form says, 409 or 422 re-rendering the page.
func (s *Server) housingFailure(w http.ResponseWriter, r *http.Request, id int64, pg housingPage) {
	if serr := s.DB.HouseholdInScope(r.Context(), scope(r), id); serr != nil {
		s.fail(w, r, serr)
		return
	}
	var stale *postgres.LeaseStaleError
	var staleItem *postgres.ChecklistStaleError
	switch {
	case errors.As(pg.err, &stale):
		pg.status, pg.conflict = http.StatusConflict, stale.Current
	case errors.As(pg.err, &staleItem):
		pg.status, pg.checkConflict = http.StatusConflict, staleItem.Current
	case domain.ErrorCode(pg.err) == domain.EINVALID:
		pg.status = http.StatusUnprocessableEntity
	default:
		s.fail(w, r, pg.err)
		return
	}
	s.renderHousing(w, r, id, pg)
}

func (s *Server) leaseCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteHousing, "id", leaseNotFound)
	if !ok {
		return
	}
	f := domain.LeaseForm{Unit: r.PostForm.Get("unit"), Start: r.PostForm.Get("start"), End: r.PostForm.Get("end"),
		Rent: r.PostForm.Get("rent"), Security: r.PostForm.Get("security"), SecurityAmt: r.PostForm.Get("security_amount"),
		Tenant: r.PostForm.Get("tenant")}
	in, err := f.Validate()
	if err == nil {
		_, err = s.DB.CreateLease(r.Context(), scope(r), id, in)
	}
	if err != nil {
		s.housingFailure(w, r, id, housingPage{form: &f, err: err})
		return
	}
	s.Sessions.Put(r.Context(), sessFlash, "Boligen er leid ut til husstanden.")
	http.Redirect(w, r, paths.HouseholdHousing(id), http.StatusSeeOther)
}

func (s *Server) leaseUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteHousing, "id", leaseNotFound)
	if !ok {
		return
	}
	lid, ok := pathID(r, "leaseID")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke leieforholdet."))
		return
	}
	l, err := s.DB.GetLease(r.Context(), scope(r), id, lid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := domain.LeaseEditForm{End: r.PostForm.Get("end"), Rent: r.PostForm.Get("rent"),
		Arrears: r.PostForm.Get("arrears") != "", Version: r.PostForm.Get("version")}
	in, err := f.Validate(l.Start)
	if err == nil {
		_, err = s.DB.UpdateLease(r.Context(), scope(r), id, lid, in)
	}
	if err != nil {
		s.housingFailure(w, r, id, housingPage{leaseID: lid, edit: &f, err: err})
		return
	}
	s.Sessions.Put(r.Context(), sessFlash, "Leieforholdet er lagret.")
	http.Redirect(w, r, paths.HouseholdHousing(id), http.StatusSeeOther)
}

func (s *Server) leaseChecklist(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteHousing, "id", leaseNotFound)
	if !ok {
		return
	}
	lid, ok := pathID(r, "leaseID")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke leieforholdet."))
		return
	}
	f := domain.ChecklistForm{Phase: r.PostForm.Get("phase"), Item: r.PostForm.Get("item"),
		DoneOn: r.PostForm.Get("done_on"), Note: r.PostForm.Get("note"), Version: r.PostForm.Get("version")}
	in, err := f.Validate(s.today())
	if err == nil {
		err = s.DB.SetChecklistItem(r.Context(), scope(r), id, lid, in)
	} else if _, gerr := s.DB.GetLease(r.Context(), scope(r), id, lid); gerr != nil {
		s.fail(w, r, gerr)
		return
	}
	if err != nil {
		s.housingFailure(w, r, id, housingPage{leaseID: lid, check: &f, err: err})
		return
	}
	s.Sessions.Put(r.Context(), sessFlash, "Sjekklisten er lagret.")
	http.Redirect(w, r, paths.HouseholdHousing(id)+"#lease-"+strconv.FormatInt(lid, 10), http.StatusSeeOther)
}

// homeSection is the leases module's part of the person page: the current
// home of the person's household.
func (s *Server) homeSection(pg *personPage) func(*domain.Person) (templ.Component, error) {
	if !domain.CanReadHousing(currentUser(pg.r).Role) {
		return func(*domain.Person) (templ.Component, error) { return nil, nil }
	}
	home := pg.batch.Home()
	return func(p *domain.Person) (templ.Component, error) {
		v := leases.SectionView{}
		if h := *home; h != nil {
			v.Address, v.Since, v.URL = h.Address, domain.FormatDate(h.Since), paths.HouseholdHousing(h.HouseholdID)
		}
		return leases.Section(v), nil
	}
}
