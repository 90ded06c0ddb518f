package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/housing"
	"ankomst/web/layout"
	"ankomst/web/paths"

	"github.com/go-chi/chi/v5"
)

// The housing registers (boliger, utleiere): read and written by the roles
// with domain.CapWriteHousing, scoped to the user's unit (the store answers
// another unit's record as not found).

// housingRoutes registers the registers' routes.
func (s *Server) housingRoutes(r chi.Router) {
	r.Get("/housing/units", s.housingUnitList)
	r.Get("/housing/units/new", s.housingUnitNew)
	r.Post("/housing/units", s.housingUnitCreate)
	r.Get("/housing/units/{id}", s.housingUnitShow)
	r.Post("/housing/units/{id}", s.housingUnitUpdate)
	r.Get("/landlords", s.landlordList)
	r.Post("/landlords", s.landlordCreate)
	r.Get("/landlords/{id}", s.landlordShow)
	r.Post("/landlords/{id}", s.landlordUpdate)
	r.Post("/landlords/{id}/agreements", s.landlordAgreementCreate)
}

const (
	housingUnitNotFound = "Fant ikke boligen."
	landlordNotFound    = "Fant ikke utleieren."
)

var (
	housingUnitFieldOrder = []string{"address", "owner_type", "landlord_id", "rooms", "bedrooms", "size_m2", "floor", "lift", "accessible", "furnished", "rent", "status", "note", "version"}
	landlordFieldOrder    = []string{"kind", "name", "orgnr", "contact", "phone", "email", "version"}
	agreementFieldOrder   = []string{"from", "to", "units", "note"}
)

// writeStatus is the status of a refused write: 422 for a form error, 409
// for a conflict; 0 for anything else.
func housingWriteStatus(err error) int {
	switch domain.ErrorCode(err) {
	case domain.EINVALID:
		return http.StatusUnprocessableEntity
	case domain.ECONFLICT:
		return http.StatusConflict
	}
	return 0
}

// ---- Units ----

func housingUnitFormFrom(r *http.Request) domain.HousingUnitForm {
	f := r.PostForm
	return domain.HousingUnitForm{Address: f.Get("address"), OwnerType: f.Get("owner_type"), LandlordID: f.Get("landlord_id"),
		Rooms: f.Get("rooms"), Bedrooms: f.Get("bedrooms"), SizeM2: f.Get("size_m2"), Floor: f.Get("floor"),
		Lift: f.Get("lift"), Accessible: f.Get("accessible"), Furnished: f.Get("furnished"),
		Rent: f.Get("rent"), Status: f.Get("status"), Note: f.Get("note"), Version: f.Get("version")}
}

func housingUnitFields(f domain.HousingUnitForm) housing.UnitFields {
	return housing.UnitFields{Address: f.Address, OwnerType: f.OwnerType, LandlordID: f.LandlordID, Rooms: f.Rooms, Bedrooms: f.Bedrooms,
		SizeM2: f.SizeM2, Floor: f.Floor, Lift: f.Lift != "", Accessible: f.Accessible != "", Furnished: f.Furnished != "",
		Rent: f.Rent, Status: f.Status, Note: f.Note, Version: f.Version}
}

func optIntText(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func storedUnitFields(u *domain.HousingUnit) housing.UnitFields {
	f := housing.UnitFields{Address: u.Address, OwnerType: u.OwnerType, Rooms: strconv.Itoa(u.Rooms), Bedrooms: strconv.Itoa(u.Bedrooms),
		SizeM2: optIntText(u.SizeM2), Floor: optIntText(u.Floor), Lift: u.Lift, Accessible: u.Accessible, Furnished: u.Furnished,
		Rent: domain.FormatOre(u.RentOre), Status: u.Status, Note: u.Note, Version: strconv.Itoa(u.Version)}
	if u.LandlordID != nil {
		f.LandlordID = strconv.FormatInt(*u.LandlordID, 10)
	}
	return f
}

func unitRow(u domain.HousingUnit) housing.UnitRow {
	row := housing.UnitRow{URL: paths.HousingUnit(u.ID), Address: u.Address, OwnerType: u.OwnerTypeLabel(),
		Rooms: strconv.Itoa(u.Rooms) + " rom, " + strconv.Itoa(u.Bedrooms) + " soverom", Rent: domain.FormatOre(u.RentOre) + " kr",
		Status: u.StatusLabel(), StatusRaw: u.Status}
	if u.SizeM2 != nil {
		row.Rooms += ", " + strconv.Itoa(*u.SizeM2) + " m²"
	}
	if u.LandlordName != nil {
		row.Landlord = *u.LandlordName
	}
	return row
}

// housingChoices are the unit form's options, with the unit's active
// landlords (and keep, the unit's own landlord, even when deactivated).
func (s *Server) housingChoices(r *http.Request, keep *int64) (housing.UnitChoices, error) {
	ls, err := s.DB.ListLandlords(r.Context(), scope(r))
	if err != nil {
		return housing.UnitChoices{}, err
	}
	c := housing.UnitChoices{Owners: domain.OwnerTypes(), Statuses: domain.HousingUnitStatuses()}
	for _, l := range ls {
		if !l.Active && (keep == nil || *keep != l.ID) {
			continue
		}
		c.Landlords = append(c.Landlords, domain.Option{Value: strconv.FormatInt(l.ID, 10), Label: l.Name})
	}
	return c, nil
}

func housingListURL(q, status, owner string, page int) string {
	v := url.Values{}
	if q != "" {
		v.Set("q", q)
	}
	if status != "" {
		v.Set("status", status)
	}
	if owner != "" {
		v.Set("owner", owner)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return paths.WithQuery(paths.HousingUnits(), v)
}

func (s *Server) housingUnitList(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapWriteHousing) {
		return
	}
	qv := r.URL.Query()
	q, status, owner := qv.Get("q"), qv.Get("status"), qv.Get("owner")
	if clean, fault := domain.CleanLine(q); fault != domain.TextOK {
		q = ""
	} else {
		q = clean
	}
	if domain.Label(domain.HousingUnitStatuses(), status) == status {
		status = ""
	}
	if domain.Label(domain.OwnerTypes(), owner) == owner {
		owner = ""
	}
	page, _ := strconv.Atoi(qv.Get("page"))
	page = min(max(page, 1), 100000)
	res, err := s.DB.ListHousingUnits(r.Context(), scope(r), postgres.HousingUnitQuery{Q: q, Status: status, OwnerType: owner, Page: page, Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := housing.UnitListView{User: currentUser(r), Q: q, Status: status, OwnerType: owner,
		Statuses: domain.HousingUnitStatuses(), Owners: domain.OwnerTypes(),
		Flash: s.Sessions.PopString(r.Context(), sessFlash), Searched: q != "" || status != "" || owner != ""}
	switch {
	case v.Searched && res.Total == 1:
		v.Count = "1 treff"
	case v.Searched:
		v.Count = strconv.Itoa(res.Total) + " treff"
	case res.Total == 1:
		v.Count = "1 bolig i registeret"
	default:
		v.Count = strconv.Itoa(res.Total) + " boliger i registeret"
	}
	for _, u := range res.Rows {
		v.Rows = append(v.Rows, unitRow(u))
	}
	if page > 1 {
		v.PrevURL = housingListURL(q, status, owner, page-1)
	}
	if res.HasNext {
		v.NextURL = housingListURL(q, status, owner, page+1)
	}
	s.render(w, r, http.StatusOK, housing.UnitList(v))
}

func (s *Server) housingUnitNew(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapWriteHousing) {
		return
	}
	c, err := s.housingChoices(r, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, housing.UnitNew(housing.UnitNewView{User: currentUser(r), Choices: c,
		Fields: housing.UnitFields{Status: domain.UnitVacant}}))
}

func (s *Server) housingUnitCreate(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapWriteHousing) {
		return
	}
	form := housingUnitFormFrom(r)
	form.Version = ""
	in, err := form.Validate(false)
	var id int64
	if err == nil {
		id, err = s.DB.CreateHousingUnit(r.Context(), scope(r), in)
	}
	if err == nil {
		s.Sessions.Put(r.Context(), sessFlash, "Boligen er registrert.")
		http.Redirect(w, r, paths.HousingUnit(id), http.StatusSeeOther)
		return
	}
	status := housingWriteStatus(err)
	if status == 0 {
		s.fail(w, r, err)
		return
	}
	c, cerr := s.housingChoices(r, nil)
	if cerr != nil {
		s.fail(w, r, cerr)
		return
	}
	fields := fieldErrors(err)
	s.render(w, r, status, housing.UnitNew(housing.UnitNewView{User: currentUser(r), Choices: c, Fields: housingUnitFields(form),
		Errors: fields, Summary: employerSummary(housingUnitFieldOrder, "", fields, err)}))
}

func (s *Server) housingUnitShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteHousing, "id", housingUnitNotFound)
	if !ok {
		return
	}
	s.renderHousingUnit(w, r, id, http.StatusOK, nil, nil)
}

func (s *Server) renderHousingUnit(w http.ResponseWriter, r *http.Request, id int64, status int, form *domain.HousingUnitForm, ferr error) {
	u, err := s.DB.GetHousingUnit(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.housingChoices(r, u.LandlordID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	landlord := layout.Fact{Label: "Utleier", Value: "–"}
	if u.LandlordName != nil && u.LandlordID != nil {
		landlord.Content = housing.Link(*u.LandlordName, paths.Landlord(*u.LandlordID))
	}
	size, floor := "–", "–"
	if u.SizeM2 != nil {
		size = strconv.Itoa(*u.SizeM2) + " m²"
	}
	if u.Floor != nil {
		floor = strconv.Itoa(*u.Floor) + ". etasje"
		if *u.Floor == 0 {
			floor = "Bakkeplan"
		}
	}
	v := housing.UnitView{User: currentUser(r), Address: u.Address, URL: paths.HousingUnit(u.ID), Note: u.Note,
		Edit: storedUnitFields(u), Choices: c,
		Facts: []layout.Fact{
			{Label: "Status", Value: u.StatusLabel(), TestID: "unit-status"},
			{Label: "Eierform", Value: u.OwnerTypeLabel(), TestID: "unit-owner"},
			landlord,
			{Label: "Rom", Value: strconv.Itoa(u.Rooms) + " rom, " + strconv.Itoa(u.Bedrooms) + " soverom", TestID: "unit-rooms"},
			{Label: "Størrelse", Value: size},
			{Label: "Etasje", Value: floor},
			{Label: "Heis", Value: yesNo(u.Lift)},
			{Label: "Tilrettelagt", Value: yesNo(u.Accessible)},
			{Label: "Møblert", Value: yesNo(u.Furnished)},
			{Label: "Månedsleie", Value: domain.FormatOre(u.RentOre) + " kr", TestID: "unit-rent"},
			{Label: "Sist endret", Value: domain.FormatDateTime(u.UpdatedAt)},
		}}
	if status == http.StatusOK {
		v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	}
	if form != nil {
		v.EditOpen = true
		v.Edit = housingUnitFields(*form)
		var stale *postgres.HousingUnitStaleError
		if errors.As(ferr, &stale) {
			cur := stale.Current
			v.Edit.Version = strconv.Itoa(cur.Version)
			v.Conflict = "Ingenting er lagret. " + employerStored("Lagret nå: «"+cur.Address+"»", cur.StatusLabel(),
				strconv.Itoa(cur.Rooms)+" rom", "leie "+domain.FormatOre(cur.RentOre)+" kr", "versjon "+strconv.Itoa(cur.Version))
		} else {
			v.Errors = fieldErrors(ferr)
			v.Summary = employerSummary(housingUnitFieldOrder, "", v.Errors, ferr)
		}
	}
	s.render(w, r, status, housing.UnitShow(v))
}

func (s *Server) housingUnitUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteHousing, "id", housingUnitNotFound)
	if !ok {
		return
	}
	form := housingUnitFormFrom(r)
	in, err := form.Validate(true)
	if err == nil {
		err = s.DB.UpdateHousingUnit(r.Context(), scope(r), id, in)
	}
	if err == nil {
		s.Sessions.Put(r.Context(), sessFlash, "Boligen er lagret.")
		http.Redirect(w, r, paths.HousingUnit(id), http.StatusSeeOther)
		return
	}
	status := housingWriteStatus(err)
	if status == 0 {
		s.fail(w, r, err)
		return
	}
	if serr := s.DB.HousingUnitInScope(r.Context(), scope(r), id); serr != nil {
		s.fail(w, r, serr)
		return
	}
	s.renderHousingUnit(w, r, id, status, &form, err)
}

// ---- Landlords ----

func landlordFormFrom(r *http.Request) domain.LandlordForm {
	f := r.PostForm
	return domain.LandlordForm{Kind: f.Get("kind"), Name: f.Get("name"), OrgNr: f.Get("orgnr"), Contact: f.Get("contact"),
		Phone: f.Get("phone"), Email: f.Get("email"), Version: f.Get("version")}
}

func landlordFields(f domain.LandlordForm) housing.LandlordFields {
	return housing.LandlordFields{Kind: f.Kind, Name: f.Name, OrgNr: f.OrgNr, Contact: f.Contact, Phone: f.Phone, Email: f.Email, Version: f.Version}
}

func landlordDuplicate(err error) *housing.DuplicateLink {
	var dup *postgres.DuplicateLandlordError
	if errors.As(err, &dup) {
		return &housing.DuplicateLink{Name: dup.ExistingName, URL: paths.Landlord(dup.ExistingID)}
	}
	return nil
}

func orgNrText(p *string) string {
	if p == nil {
		return ""
	}
	return domain.FormatOrgNumber(*p)
}

func (s *Server) landlordList(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapWriteHousing) {
		return
	}
	s.renderLandlords(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderLandlords(w http.ResponseWriter, r *http.Request, status int, form *domain.LandlordForm, ferr error) {
	ls, err := s.DB.ListLandlords(r.Context(), scope(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := housing.LandlordListView{User: currentUser(r), Kinds: domain.LandlordKinds(), New: housing.LandlordFields{Kind: domain.LandlordOrganisation}}
	for _, l := range ls {
		v.Rows = append(v.Rows, housing.LandlordRow{URL: paths.Landlord(l.ID), Name: l.Name, Kind: l.KindLabel(), OrgNr: orgNrText(l.OrgNr),
			Contact: l.Contact, Units: strconv.Itoa(l.Units), Inactive: !l.Active})
	}
	if status == http.StatusOK {
		v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	}
	if form != nil {
		v.NewOpen, v.New = true, landlordFields(*form)
		v.Errors = fieldErrors(ferr)
		v.Duplicate = landlordDuplicate(ferr)
		v.Summary = employerSummary(landlordFieldOrder, "", v.Errors, ferr)
	}
	s.render(w, r, status, housing.LandlordList(v))
}

func (s *Server) landlordCreate(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapWriteHousing) {
		return
	}
	form := landlordFormFrom(r)
	form.Version = ""
	in, err := form.Validate(false)
	var id int64
	if err == nil {
		id, err = s.DB.CreateLandlord(r.Context(), scope(r), in)
	}
	if err == nil {
		s.Sessions.Put(r.Context(), sessFlash, "Utleieren er registrert.")
		http.Redirect(w, r, paths.Landlord(id), http.StatusSeeOther)
		return
	}
	status := housingWriteStatus(err)
	if status == 0 {
		s.fail(w, r, err)
		return
	}
	s.renderLandlords(w, r, status, &form, err)
}

// landlordPage is a landlord page's refused form: "edit" or "agreement".
type landlordPage struct {
	status    int
	form      string
	edit      *domain.LandlordForm
	agreement *domain.AgreementForm
	err       error
}

func (s *Server) landlordShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteHousing, "id", landlordNotFound)
	if !ok {
		return
	}
	s.renderLandlord(w, r, id, landlordPage{status: http.StatusOK})
}

func (s *Server) renderLandlord(w http.ResponseWriter, r *http.Request, id int64, pg landlordPage) {
	d, err := s.DB.GetLandlord(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.today()
	dash := func(s string) string {
		if s == "" {
			return "–"
		}
		return s
	}
	status := "Aktiv"
	if !d.Active {
		status = "Deaktivert: kan ikke velges for nye boliger"
	}
	v := housing.LandlordView{User: currentUser(r), Name: d.Name, URL: paths.Landlord(d.ID), AgreementAction: paths.Landlord(d.ID) + "/agreements",
		Kinds: domain.LandlordKinds(), Active: d.Active, Version: strconv.Itoa(d.Version),
		Edit: housing.LandlordFields{Kind: d.Kind, Name: d.Name, OrgNr: orgNrText(d.OrgNr), Contact: d.Contact, Phone: d.Phone, Email: d.Email,
			Version: strconv.Itoa(d.Version)},
		Facts: []layout.Fact{
			{Label: "Status", Value: status, TestID: "landlord-status"},
			{Label: "Type", Value: d.KindLabel(), TestID: "landlord-kind"},
			{Label: "Organisasjonsnummer", Value: dash(orgNrText(d.OrgNr)), TestID: "landlord-orgnr"},
			{Label: "Kontaktperson", Value: dash(d.Contact)},
			{Label: "Telefon", Value: dash(d.Phone)},
			{Label: "E-post", Value: dash(d.Email)},
		}}
	for _, a := range d.Agreements {
		period := "Fra " + domain.FormatDate(&a.FromDate)
		if a.ToDate != nil {
			period = domain.FormatDate(&a.FromDate) + "–" + domain.FormatDate(a.ToDate)
		}
		v.Agreements = append(v.Agreements, housing.AgreementRow{Period: period, Units: strconv.Itoa(a.Units), Note: a.Note, Active: a.ActiveOn(today)})
	}
	for _, u := range d.Units {
		v.Units = append(v.Units, unitRow(u))
	}
	if pg.status == http.StatusOK {
		v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	}
	fields := fieldErrors(pg.err)
	switch pg.form {
	case "edit":
		v.EditOpen = true
		v.Edit = landlordFields(*pg.edit)
		var stale *postgres.LandlordStaleError
		if errors.As(pg.err, &stale) {
			cur := stale.Current
			v.Edit.Version = strconv.Itoa(cur.Version)
			v.Conflict = "Ingenting er lagret. " + employerStored("Lagret nå: «"+cur.Name+"»", "kontaktperson «"+cur.Contact+"»",
				"telefon «"+cur.Phone+"»", "e-post «"+cur.Email+"»", "versjon "+strconv.Itoa(cur.Version))
		} else {
			v.EditErrors = fields
			v.Duplicate = landlordDuplicate(pg.err)
			v.Summary = employerSummary(landlordFieldOrder, "ed-", fields, pg.err)
		}
	case "active":
		var stale *postgres.LandlordStaleError
		if errors.As(pg.err, &stale) {
			cur := stale.Current
			v.Version = strconv.Itoa(cur.Version)
			v.Conflict = "Ingenting er lagret. Utleieren er endret av noen andre (versjon " + strconv.Itoa(cur.Version) + "). Se over og prøv igjen."
		} else {
			msg := fields["action"] + fields["version"]
			if msg == "" {
				msg = domain.ErrorMessage(pg.err)
			}
			v.Summary = []layout.ErrorItem{{Message: msg}}
		}
	case "agreement":
		v.AgreementOpen = true
		f := *pg.agreement
		v.Agreement = housing.AgreementFields{From: f.From, To: f.To, Units: f.Units, Note: f.Note}
		v.AgreementErrors = fields
		v.Summary = employerSummary(agreementFieldOrder, "ag-", fields, pg.err)
	}
	s.render(w, r, pg.status, housing.LandlordShow(v))
}

// landlordAnswer ends a write on a landlord's page: 303 with the flash, or
// the page again with the refused form (another unit's landlord is 404
// whatever the form says).
func (s *Server) landlordAnswer(w http.ResponseWriter, r *http.Request, id int64, pg landlordPage, flash, anchor string) {
	if pg.err == nil {
		s.Sessions.Put(r.Context(), sessFlash, flash)
		http.Redirect(w, r, paths.Landlord(id)+anchor, http.StatusSeeOther)
		return
	}
	pg.status = housingWriteStatus(pg.err)
	if pg.status == 0 {
		s.fail(w, r, pg.err)
		return
	}
	if serr := s.DB.LandlordInScope(r.Context(), scope(r), id); serr != nil {
		s.fail(w, r, serr)
		return
	}
	s.renderLandlord(w, r, id, pg)
}

func (s *Server) landlordUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteHousing, "id", landlordNotFound)
	if !ok {
		return
	}
	if action := r.PostForm.Get("action"); action != "" {
		active, version, err := domain.ActiveForm{Action: action, Version: r.PostForm.Get("version")}.Validate()
		if err == nil {
			err = s.DB.SetLandlordActive(r.Context(), scope(r), id, version, active)
		}
		flash := "Utleieren er deaktivert."
		if active {
			flash = "Utleieren er aktiv igjen."
		}
		s.landlordAnswer(w, r, id, landlordPage{form: "active", err: err}, flash, "")
		return
	}
	form := landlordFormFrom(r)
	in, err := form.Validate(true)
	if err == nil {
		err = s.DB.UpdateLandlord(r.Context(), scope(r), id, in)
	}
	s.landlordAnswer(w, r, id, landlordPage{form: "edit", edit: &form, err: err}, "Utleieren er lagret.", "")
}

func (s *Server) landlordAgreementCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteHousing, "id", landlordNotFound)
	if !ok {
		return
	}
	f := r.PostForm
	form := domain.AgreementForm{From: f.Get("from"), To: f.Get("to"), Units: f.Get("units"), Note: f.Get("note")}
	in, err := form.Validate()
	if err == nil {
		_, err = s.DB.AddLandlordAgreement(r.Context(), scope(r), id, in)
	}
	s.landlordAnswer(w, r, id, landlordPage{form: "agreement", agreement: &form, err: err}, "Avtalen er lagt til.", "#agreements-heading")
}
