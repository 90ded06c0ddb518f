package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/employers"
	"ankomst/web/layout"
	"ankomst/web/paths"

	"github.com/go-chi/chi/v5"
)

// The employer register (arbeidsgivere): shared by every unit, read and
// written by the programme roles (domain.CapProgramme). A worksite's page
// lists the participants in the user's scope only.

// employerRoutes registers the employer register's routes.
func (s *Server) employerRoutes(r chi.Router) {
	r.Get("/employers", s.employerList)
	r.Get("/employers/new", s.employerNew)
	r.Post("/employers", s.employerCreate)
	r.Get("/employers/{id}", s.employerShow)
	r.Post("/employers/{id}", s.employerUpdate)
	r.Post("/employers/{id}/worksites", s.worksiteCreate)
	r.Post("/employers/{id}/contacts", s.contactCreate)
	r.Post("/employers/{id}/contacts/{contactID}", s.contactUpdate)
	r.Get("/worksites/{id}", s.worksiteShow)
	r.Post("/worksites/{id}", s.worksiteUpdate)
}

const (
	employerNotFound = "Fant ikke arbeidsgiveren."
	worksiteNotFound = "Fant ikke arbeidsstedet."
	contactNotFound  = "Fant ikke kontaktpersonen."
)

// The forms' fields in the order an error summary lists them.
var (
	employerFieldOrder = []string{"name", "orgnr", "sector", "address", "notes", "version", "action"}
	worksiteFieldOrder = []string{"name", "address", "area", "places", "languages", "notes", "version", "action"}
	contactFieldOrder  = []string{"name", "phone", "email", "worksite_id", "supervisor", "version", "action"}
)

// summaryOf lists a form's errors in field order, linking to the element
// ids (prefix + field).
func employerSummary(order []string, prefix string, fields map[string]string, err error) []layout.ErrorItem {
	var items []layout.ErrorItem
	for _, f := range order {
		if msg, ok := fields[f]; ok {
			items = append(items, layout.ErrorItem{Field: prefix + f, Message: msg})
		}
	}
	if len(items) == 0 && err != nil {
		items = []layout.ErrorItem{{Field: prefix + order[0], Message: domain.ErrorMessage(err)}}
	}
	return items
}

func employerFormFrom(r *http.Request) domain.EmployerForm {
	f := r.PostForm
	return domain.EmployerForm{Name: f.Get("name"), OrgNr: f.Get("orgnr"), Address: f.Get("address"), Sector: f.Get("sector"),
		Notes: f.Get("notes"), Version: f.Get("version")}
}

func employerFields(f domain.EmployerForm) employers.EmployerFields {
	return employers.EmployerFields{Name: f.Name, OrgNr: f.OrgNr, Address: f.Address, Sector: f.Sector, Notes: f.Notes, Version: f.Version}
}

func worksiteFormFrom(r *http.Request) domain.WorksiteForm {
	f := r.PostForm
	return domain.WorksiteForm{Name: f.Get("name"), Address: f.Get("address"), Area: f.Get("area"), Places: f.Get("places"),
		Languages: f["languages"], Notes: f.Get("notes"), Version: f.Get("version")}
}

func worksiteFields(f domain.WorksiteForm) employers.WorksiteFields {
	return employers.WorksiteFields{Name: f.Name, Address: f.Address, Area: f.Area, Places: f.Places, Languages: f.Languages, Notes: f.Notes, Version: f.Version}
}

func contactFormFrom(r *http.Request) domain.ContactForm {
	f := r.PostForm
	return domain.ContactForm{Name: f.Get("name"), Phone: f.Get("phone"), Email: f.Get("email"), Supervisor: f.Get("supervisor"),
		WorksiteID: f.Get("worksite_id"), Version: f.Get("version")}
}

func contactFields(f domain.ContactForm) employers.ContactFields {
	return employers.ContactFields{Name: f.Name, Phone: f.Phone, Email: f.Email, Supervisor: f.Supervisor != "", WorksiteID: f.WorksiteID, Version: f.Version}
}

func duplicateLink(err error) *employers.DuplicateLink {
	var dup *postgres.DuplicateOrgNrError
	if errors.As(err, &dup) {
		return &employers.DuplicateLink{Name: dup.ExistingName, URL: paths.Employer(dup.ExistingID)}
	}
	return nil
}

// ---- The list ----

// employerListURL is the list's URL with its search, filter and cursor.
func employerListURL(q, sector string, after, before int64) string {
	v := url.Values{}
	if q != "" {
		v.Set("q", q)
	}
	if sector != "" {
		v.Set("sector", sector)
	}
	if after != 0 {
		v.Set("after", strconv.FormatInt(after, 10))
	}
	if before != 0 {
		v.Set("before", strconv.FormatInt(before, 10))
	}
	return paths.WithQuery(paths.Employers(), v)
}

func (s *Server) employerList(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapProgramme) {
		return
	}
	qv := r.URL.Query()
	q, sector := qv.Get("q"), qv.Get("sector")
	if clean, fault := domain.CleanLine(q); fault != domain.TextOK {
		q = ""
	} else {
		q = clean
	}
	if domain.Label(domain.Sectors(), sector) == sector {
		sector = "" // not a sector: the whole register
	}
	after, _ := strconv.ParseInt(qv.Get("after"), 10, 64)
	before, _ := strconv.ParseInt(qv.Get("before"), 10, 64)
	page, err := s.DB.ListEmployers(r.Context(), scope(r), postgres.EmployerQuery{Q: q, Sector: sector, After: max(after, 0), Before: max(before, 0), Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := employers.ListView{
		User: currentUser(r), Q: q, Sector: sector, Sectors: domain.Sectors(), Total: page.Total,
		Flash: s.Sessions.PopString(r.Context(), sessFlash), Searched: q != "" || sector != "", ResetURL: paths.Employers(),
	}
	switch {
	case v.Searched && page.Total == 1:
		v.Count = "1 treff"
	case v.Searched:
		v.Count = strconv.Itoa(page.Total) + " treff"
	case page.Total == 1:
		v.Count = "1 arbeidsgiver i registeret"
	default:
		v.Count = strconv.Itoa(page.Total) + " arbeidsgivere i registeret"
	}
	for _, e := range page.Rows {
		v.Rows = append(v.Rows, employers.ListRow{
			URL: paths.Employer(e.ID), Name: e.Name, OrgNr: domain.FormatOrgNumber(e.OrgNr), Sector: domain.SectorLabel(e.Sector),
			Address: e.Address, Worksites: strconv.Itoa(e.Worksites), Places: strconv.Itoa(e.Places), Active: e.Active,
		})
	}
	if n := len(page.Rows); n > 0 {
		if page.HasPrev {
			v.PrevURL = employerListURL(q, sector, 0, page.Rows[0].ID)
		}
		if page.HasNext {
			v.NextURL = employerListURL(q, sector, page.Rows[n-1].ID, 0)
		}
	}
	s.render(w, r, http.StatusOK, employers.List(v))
}

// ---- New ----

func (s *Server) employerNew(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapProgramme) {
		return
	}
	s.render(w, r, http.StatusOK, employers.New(employers.NewView{User: currentUser(r), Sectors: domain.Sectors()}))
}

func (s *Server) employerCreate(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapProgramme) {
		return
	}
	form := employerFormFrom(r)
	form.Version = ""
	in, err := form.Validate(false)
	var id int64
	if err == nil {
		id, err = s.DB.CreateEmployer(r.Context(), scope(r), in)
	}
	if err == nil {
		s.Sessions.Put(r.Context(), sessFlash, "Arbeidsgiveren er registrert. Legg til arbeidssteder og kontaktpersoner under.")
		http.Redirect(w, r, paths.Employer(id), http.StatusSeeOther)
		return
	}
	status := http.StatusUnprocessableEntity
	switch domain.ErrorCode(err) {
	case domain.EINVALID:
	case domain.ECONFLICT:
		status = http.StatusConflict
	default:
		s.fail(w, r, err)
		return
	}
	fields := fieldErrors(err)
	s.render(w, r, status, employers.New(employers.NewView{
		User: currentUser(r), Fields: employerFields(form), Sectors: domain.Sectors(), Errors: fields,
		Summary: employerSummary(employerFieldOrder, "", fields, err), Duplicate: duplicateLink(err),
	}))
}

// ---- An employer's page ----

// employerPage is an employer page's state beyond the stored employer: the
// refused form (form: edit, worksite, contact, or the contact's id), its
// input and error.
type employerPage struct {
	status    int
	form      string
	contactID int64
	edit      *domain.EmployerForm
	worksite  *domain.WorksiteForm
	contact   *domain.ContactForm
	err       error
}

func (s *Server) employerShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", employerNotFound)
	if !ok {
		return
	}
	s.renderEmployer(w, r, id, employerPage{status: http.StatusOK})
}

func employerStored(prefix string, facts ...string) string {
	out := prefix
	for _, f := range facts {
		out += ", " + f
	}
	return out + ". Skjemaet viser det du skrev og bygger nå på den nyeste versjonen: lagre på nytt for å beholde dine endringer."
}

func (s *Server) renderEmployer(w http.ResponseWriter, r *http.Request, id int64, pg employerPage) {
	e, err := s.DB.GetEmployer(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ver := strconv.Itoa(e.Version)
	v := employers.ShowView{
		User: currentUser(r), URL: paths.Employer(e.ID), Name: e.Name, OrgNr: domain.FormatOrgNumber(e.OrgNr),
		Sector: domain.SectorLabel(e.Sector), Address: e.Address, Notes: e.Notes, Active: e.Active,
		UpdatedAt: domain.FormatDateTime(e.UpdatedAt), Version: ver,
		Edit:    employers.EmployerFields{Name: e.Name, OrgNr: domain.FormatOrgNumber(e.OrgNr), Address: e.Address, Sector: e.Sector, Notes: e.Notes, Version: ver},
		Sectors: domain.Sectors(), Languages: domain.Languages(),
		WorksiteAction: paths.Employer(e.ID) + "/worksites", ContactAction: paths.Employer(e.ID) + "/contacts",
	}
	if pg.status == http.StatusOK {
		v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	}
	for _, ws := range e.Worksites {
		v.Worksites = append(v.Worksites, employers.WorksiteRow{
			URL: paths.Worksite(ws.ID), Name: ws.Name, Area: ws.Area, Address: ws.Address, Places: strconv.Itoa(ws.Places),
			InUse: strconv.Itoa(ws.InUse), Free: strconv.Itoa(ws.Free()), Languages: domain.LanguageNames(ws.Languages), Active: ws.Active,
		})
		if ws.Active {
			v.WorksiteOptions = append(v.WorksiteOptions, domain.Option{Value: strconv.FormatInt(ws.ID, 10), Label: ws.Name})
		}
	}
	fields := fieldErrors(pg.err)
	var stale *postgres.ContactStaleError
	errors.As(pg.err, &stale)
	for _, c := range e.Contacts {
		row := employerContactRow(c)
		row.Action = paths.Employer(e.ID) + "/contacts/" + row.ID
		if pg.form == "contact" && pg.contactID == c.ID {
			row.Open = true
			if pg.contact != nil {
				row.Edit = contactFields(*pg.contact)
			}
			if stale != nil {
				row.Edit.Version = strconv.Itoa(stale.Current.Version)
				row.Conflict = "Noen andre har endret kontaktpersonen mens du redigerte. Ingenting er lagret. " +
					employerStored("Lagret nå: «"+stale.Current.Name+"»", "telefon «"+stale.Current.Phone+"»", "e-post «"+stale.Current.Email+"»",
						"versjon "+strconv.Itoa(stale.Current.Version))
			} else {
				row.Errors = fields
				v.Summary = employerSummary(contactFieldOrder, row.Prefix(), fields, pg.err)
			}
		}
		v.Contacts = append(v.Contacts, row)
	}
	switch pg.form {
	case "edit":
		v.EditOpen = true
		if pg.edit != nil {
			v.Edit = employerFields(*pg.edit)
		}
		var es *postgres.EmployerStaleError
		if errors.As(pg.err, &es) {
			c := es.Current
			v.Edit.Version = strconv.Itoa(c.Version)
			v.Conflict = "Ingenting er lagret. " + employerStored("Lagret nå: «"+c.Name+"»", "org.nr. "+domain.FormatOrgNumber(c.OrgNr),
				domain.SectorLabel(c.Sector), "adresse «"+c.Address+"»", "versjon "+strconv.Itoa(c.Version))
		} else {
			v.EditErrors = fields
			v.Duplicate = duplicateLink(pg.err)
			v.Summary = employerSummary(employerFieldOrder, "", fields, pg.err)
		}
	case "active":
		var es *postgres.EmployerStaleError
		if errors.As(pg.err, &es) {
			v.Conflict = "Arbeidsgiveren ble endret av noen andre (nå versjon " + strconv.Itoa(es.Current.Version) + "). Ingenting er lagret. Se over og prøv igjen."
		} else if pg.err != nil {
			v.Summary = []layout.ErrorItem{{Field: "active-heading", Message: domain.ErrorMessage(pg.err)}}
		}
	case "worksite":
		v.WorksiteOpen = true
		if pg.worksite != nil {
			v.NewWorksite = worksiteFields(*pg.worksite)
		}
		v.WorksiteErrors = fields
		v.Summary = employerSummary(worksiteFieldOrder, "ws-", fields, pg.err)
	case "new-contact":
		v.ContactOpen = true
		if pg.contact != nil {
			v.NewContact = contactFields(*pg.contact)
		}
		v.ContactErrors = fields
		v.Summary = employerSummary(contactFieldOrder, "ct-", fields, pg.err)
	}
	s.render(w, r, pg.status, employers.Show(v))
}

func employerContactRow(c domain.EmployerContact) employers.ContactRow {
	row := employers.ContactRow{
		ID: strconv.FormatInt(c.ID, 10), Name: c.Name, Phone: c.Phone, Email: c.Email, Supervisor: c.IsSupervisor, Active: c.Active,
		Edit: employers.ContactFields{Name: c.Name, Phone: c.Phone, Email: c.Email, Supervisor: c.IsSupervisor, Version: strconv.Itoa(c.Version)},
	}
	if c.WorksiteName != nil {
		row.Worksite = *c.WorksiteName
	}
	if c.WorksiteID != nil {
		row.Edit.WorksiteID = strconv.FormatInt(*c.WorksiteID, 10)
	}
	return row
}

// answerStatus is the status of a refused write: 422 for a form error, 409
// for a conflict (a stale version, a duplicate); 0 for anything else.
func employerStatus(err error) int {
	switch domain.ErrorCode(err) {
	case domain.EINVALID:
		return http.StatusUnprocessableEntity
	case domain.ECONFLICT:
		return http.StatusConflict
	}
	return 0
}

func (s *Server) employerUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", employerNotFound)
	if !ok {
		return
	}
	action := r.PostForm.Get("action")
	var pg employerPage
	var err error
	var flash string
	if action == "deactivate" || action == "activate" {
		var active bool
		var version int
		active, version, err = domain.ActiveForm{Action: action, Version: r.PostForm.Get("version")}.Validate()
		if err == nil {
			err = s.DB.SetEmployerActive(r.Context(), scope(r), id, version, active)
		}
		pg.form = "active"
		flash = "Arbeidsgiveren er deaktivert."
		if active {
			flash = "Arbeidsgiveren er aktiv igjen."
		}
	} else {
		form := employerFormFrom(r)
		var in domain.EmployerInput
		in, err = form.Validate(true)
		if err == nil {
			err = s.DB.UpdateEmployer(r.Context(), scope(r), id, in)
		}
		pg.form, pg.edit = "edit", &form
		flash = "Arbeidsgiveren er lagret."
	}
	s.employerAnswer(w, r, id, pg, err, flash, "")
}

// employerAnswer ends a write on the employer's page: 303 with the flash,
// or the page again with the refused form (an unknown employer is 404
// whatever the form says).
func (s *Server) employerAnswer(w http.ResponseWriter, r *http.Request, id int64, pg employerPage, err error, flash, anchor string) {
	if err == nil {
		s.Sessions.Put(r.Context(), sessFlash, flash)
		http.Redirect(w, r, paths.Employer(id)+anchor, http.StatusSeeOther)
		return
	}
	status := employerStatus(err)
	if status == 0 {
		s.fail(w, r, err)
		return
	}
	if serr := s.DB.EmployerExists(r.Context(), scope(r), id); serr != nil {
		s.fail(w, r, serr)
		return
	}
	if pg.form == "contact" {
		if serr := s.DB.ContactExists(r.Context(), scope(r), id, pg.contactID); serr != nil {
			s.fail(w, r, serr)
			return
		}
	}
	pg.status, pg.err = status, err
	s.renderEmployer(w, r, id, pg)
}

func (s *Server) worksiteCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", employerNotFound)
	if !ok {
		return
	}
	form := worksiteFormFrom(r)
	form.Version = ""
	in, err := form.Validate(false)
	if err == nil {
		_, err = s.DB.CreateWorksite(r.Context(), scope(r), id, in)
	}
	s.employerAnswer(w, r, id, employerPage{form: "worksite", worksite: &form}, err, "Arbeidsstedet «"+in.Name+"» er lagt til.", "#worksites-heading")
}

func (s *Server) contactCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", employerNotFound)
	if !ok {
		return
	}
	form := contactFormFrom(r)
	form.Version = ""
	in, err := form.Validate(false)
	if err == nil {
		_, err = s.DB.CreateContact(r.Context(), scope(r), id, in)
	}
	what := "Kontaktpersonen"
	if in.IsSupervisor {
		what = "Veilederen"
	}
	s.employerAnswer(w, r, id, employerPage{form: "new-contact", contact: &form}, err, what+" "+in.Name+" er lagt til.", "#contacts-heading")
}

func (s *Server) contactUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", employerNotFound)
	if !ok {
		return
	}
	cid, ok := pathID(r, "contactID")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, contactNotFound))
		return
	}
	form := contactFormFrom(r)
	pg := employerPage{form: "contact", contactID: cid, contact: &form}
	var err error
	flash := "Kontaktpersonen er lagret."
	switch action := r.PostForm.Get("action"); action {
	case "deactivate", "activate":
		var active bool
		var version int
		active, version, err = domain.ActiveForm{Action: action, Version: form.Version}.Validate()
		if err == nil {
			err = s.DB.SetContactActive(r.Context(), scope(r), id, cid, version, active)
		}
		flash = "Kontaktpersonen er deaktivert."
		if active {
			flash = "Kontaktpersonen er aktiv igjen."
		}
	default:
		var in domain.ContactInput
		in, err = form.Validate(true)
		if err == nil {
			err = s.DB.UpdateContact(r.Context(), scope(r), id, cid, in)
		}
	}
	s.employerAnswer(w, r, id, pg, err, flash, "#contacts-heading")
}

// ---- A worksite's page ----

type worksitePage struct {
	status int
	form   string // edit or active
	edit   *domain.WorksiteForm
	err    error
}

func (s *Server) worksiteShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", worksiteNotFound)
	if !ok {
		return
	}
	s.renderWorksite(w, r, id, worksitePage{status: http.StatusOK})
}

func (s *Server) renderWorksite(w http.ResponseWriter, r *http.Request, id int64, pg worksitePage) {
	d, err := s.DB.GetWorksite(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := currentUser(r)
	ver := strconv.Itoa(d.Version)
	v := employers.WorksiteView{
		User: u, URL: paths.Worksite(d.ID), Name: d.Name, EmployerName: d.EmployerName, EmployerURL: paths.Employer(d.EmployerID),
		OrgNr: domain.FormatOrgNumber(d.EmployerOrgNr), Address: d.Address, Area: d.Area, Places: strconv.Itoa(d.Places),
		InUse: strconv.Itoa(d.InUse), Free: strconv.Itoa(d.Free()), Languages: domain.LanguageNames(d.Languages), Notes: d.Notes,
		Active: d.Active, UpdatedAt: domain.FormatDateTime(d.UpdatedAt), Version: ver, ShowUnitNote: !u.Role.Can(domain.CapAllUnits),
		Edit: employers.WorksiteFields{Name: d.Name, Address: d.Address, Area: d.Area, Places: strconv.Itoa(d.Places), Languages: d.Languages,
			Notes: d.Notes, Version: ver},
		LanguageOptions: domain.Languages(),
	}
	if pg.status == http.StatusOK {
		v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	}
	for _, c := range d.Contacts {
		v.Contacts = append(v.Contacts, employerContactRow(c))
	}
	for _, p := range d.Placements {
		end := p.PlannedEnd
		if p.EndedOn != nil {
			end = *p.EndedOn
		}
		row := employers.PlacementRow{
			PersonURL: paths.Person(p.PersonID), PlacementURL: paths.Placement(p.PersonID, p.ID), Name: p.FullName(),
			Period: domain.FormatDate(&p.StartDate) + "–" + domain.FormatDate(&end), Status: p.StatusLabel(),
			Hours: domain.FormatHours(p.MinutesPerWeek) + " t",
		}
		if p.Current() {
			v.Current = append(v.Current, row)
		} else {
			v.Past = append(v.Past, row)
		}
	}
	fields := fieldErrors(pg.err)
	var stale *postgres.WorksiteStaleError
	isStale := errors.As(pg.err, &stale)
	switch pg.form {
	case "edit":
		v.EditOpen = true
		if pg.edit != nil {
			v.Edit = worksiteFields(*pg.edit)
		}
		if isStale {
			c := stale.Current
			v.Edit.Version = strconv.Itoa(c.Version)
			v.Conflict = "Ingenting er lagret. " + employerStored("Lagret nå: «"+c.Name+"»", strconv.Itoa(c.Places)+" plasser",
				"område «"+c.Area+"»", "språk: "+domain.LanguageNames(c.Languages), "versjon "+strconv.Itoa(c.Version))
		} else {
			v.Errors = fields
			v.Summary = employerSummary(worksiteFieldOrder, "", fields, pg.err)
		}
	case "active":
		if isStale {
			v.Conflict = "Arbeidsstedet ble endret av noen andre (nå versjon " + strconv.Itoa(stale.Current.Version) + "). Ingenting er lagret. Se over og prøv igjen."
		} else if pg.err != nil {
			v.Summary = []layout.ErrorItem{{Field: "active-heading", Message: domain.ErrorMessage(pg.err)}}
		}
	}
	s.render(w, r, pg.status, employers.Worksite(v))
}

func (s *Server) worksiteUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", worksiteNotFound)
	if !ok {
		return
	}
	var pg worksitePage
	var err error
	flash := "Arbeidsstedet er lagret."
	switch action := r.PostForm.Get("action"); action {
	case "deactivate", "activate":
		var active bool
		var version int
		active, version, err = domain.ActiveForm{Action: action, Version: r.PostForm.Get("version")}.Validate()
		if err == nil {
			err = s.DB.SetWorksiteActive(r.Context(), scope(r), id, version, active)
		}
		pg.form = "active"
		flash = "Arbeidsstedet er deaktivert."
		if active {
			flash = "Arbeidsstedet er aktivt igjen."
		}
	default:
		form := worksiteFormFrom(r)
		var in domain.WorksiteInput
		in, err = form.Validate(true)
		if err == nil {
			err = s.DB.UpdateWorksite(r.Context(), scope(r), id, in)
		}
		pg.form, pg.edit = "edit", &form
	}
	if err == nil {
		s.Sessions.Put(r.Context(), sessFlash, flash)
		http.Redirect(w, r, paths.Worksite(id), http.StatusSeeOther)
		return
	}
	status := employerStatus(err)
	if status == 0 {
		s.fail(w, r, err)
		return
	}
	if serr := s.DB.WorksiteExists(r.Context(), scope(r), id); serr != nil {
		s.fail(w, r, serr)
		return
	}
	pg.status, pg.err = status, err
	s.renderWorksite(w, r, id, pg)
}
